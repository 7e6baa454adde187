from django.urls import path

from portal import language, views
from portal.consent import views as consent_views
from portal.entry import views as entry_views
from portal.outcomes import views as outcome_views
from portal.plan import views as plan_views
from portal.record import views as record_views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("settings/", views.settings, name="settings"),
    path("safety-plan/", views.safety_plan, name="safety_plan"),
    # --- getting in: invitations, codes, password reset ---
    path("start/", entry_views.start, name="start"),
    path("start/account/", entry_views.start_account, name="start_account"),
    path("reset/", entry_views.reset, name="reset"),
    path("reset/code/", entry_views.reset_code, name="reset_code"),
    # --- language: the "Español" / "English" link on the sign-in pages ---
    path("language/<str:code>/", language.choose, name="language"),
    # --- my plan, check-in, call requests, safety plan editing ---
    path("check-in/", plan_views.check_in, name="check_in"),
    path("check-in/thanks/", plan_views.check_in_thanks, name="check_in_thanks"),
    path("call/", plan_views.call, name="call"),
    path("about-my-life/", outcome_views.about_my_life, name="about_my_life"),
    path("overdose/", plan_views.overdose_report, name="overdose_report"),
    path("plan/", plan_views.my_plan, name="my_plan"),
    path("plan/goal/<uuid:goal_id>/", plan_views.goal, name="goal"),
    path("plan/step/<uuid:step_id>/done/", plan_views.step_done, name="step_done"),
    path("plan/agree/", plan_views.agree, name="agree"),
    path("plan/milestones/new/", plan_views.milestone_new, name="milestone_new"),
    path("safety-plan/edit/", plan_views.safety_plan_edit, name="safety_plan_edit"),
    path("safety-plan/card/", plan_views.safety_card, name="safety_card"),
    # --- notes, messages, my record and privacy ---
    path("notes/", record_views.notes, name="notes"),
    path("notes/<uuid:encounter_id>/", record_views.note, name="note"),
    path(
        "notes/<uuid:encounter_id>/comment/",
        record_views.note_feedback,
        {"kind": "comment"},
        name="note_comment",
    ),
    path(
        "notes/<uuid:encounter_id>/correction/",
        record_views.note_feedback,
        {"kind": "correction"},
        name="note_correction",
    ),
    path("messages/", record_views.my_messages, name="messages"),
    path("record/", record_views.record, name="record"),
    path("record/access/", record_views.access, name="access"),
    path("record/copy.html", record_views.record_download, {"fmt": "html"}, name="record_html"),
    path("record/copy.json", record_views.record_download, {"fmt": "json"}, name="record_json"),
    path("record/copy.pdf", record_views.record_download, {"fmt": "pdf"}, name="record_pdf"),
    path("record/consents/<uuid:consent_id>/", consent_views.consent_sign, name="consent_sign"),
    path("record/disclosures.csv", consent_views.accounting_csv, name="accounting_csv"),
    path(
        "record/consents/<uuid:consent_id>/stop/",
        record_views.consent_revoke,
        name="consent_revoke",
    ),
]
