from django.urls import path

from supervision import training_views, views

app_name = "supervision"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("new/", views.new, name="new"),
    path("sessions/<uuid:session_id>/", views.session, name="session"),
    path("actions/<uuid:action_id>/done/", views.action_done, name="action_done"),
    path("topics/", views.topics, name="topics"),
    path("topics/<uuid:topic_id>/", views.topic_edit, name="topic_edit"),
    path("log.csv", views.log_csv, name="log_csv"),
    path("journal/", views.journal, name="journal"),
    path("credentials/", views.credentials, name="credentials"),
    path(
        "credentials/<uuid:credential_id>/remove/",
        views.credential_remove,
        name="credential_remove",
    ),
    path("renewals/", views.renewals, name="renewals"),
    path("requirement/", views.requirement_settings, name="requirement"),
    path("journal/<uuid:entry_id>/delete/", views.journal_delete, name="journal_delete"),
    path("coaches/<uuid:coach_id>/", views.coach, name="coach"),
    path("signed/<uuid:signature_id>.pdf", views.signed_log_pdf, name="signed_log_pdf"),
    path("wellbeing/", views.wellbeing, name="wellbeing"),
    path("wellbeing/program/", views.program, name="program"),
    path("wellbeing/new/", views.wellbeing_new, name="wellbeing_new"),
    path("wellbeing/<uuid:check_id>/", views.wellbeing_check, name="wellbeing_check"),
    path("wellbeing/<uuid:check_id>/delete/", views.wellbeing_delete, name="wellbeing_delete"),
    path("training/", training_views.training, name="training"),
    path("training/hours/", training_views.training_overview, name="training_overview"),
    path(
        "training/<uuid:record_id>/remove/", training_views.training_remove, name="training_remove"
    ),
    path(
        "training/<uuid:record_id>/certificate/",
        training_views.training_certificate,
        name="training_certificate",
    ),
    path("my-record.zip", training_views.my_record, name="my_record"),
]
