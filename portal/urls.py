from django.urls import path

from portal import entry_views, record_views, views

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
    # --- my plan, check-in, call requests, safety plan editing ---
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
    path(
        "record/consents/<uuid:consent_id>/stop/",
        record_views.consent_revoke,
        name="consent_revoke",
    ),
]
