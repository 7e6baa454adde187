from django.urls import path

from consent import views

app_name = "consent"

urlpatterns = [
    path("participant/<uuid:participant_id>/", views.participant_consents, name="participant"),
    path("participant/<uuid:participant_id>/new/", views.consent_new, name="new"),
    path("participant/<uuid:participant_id>/disclose/", views.disclosure_new, name="disclose"),
    path(
        "participant/<uuid:participant_id>/accounting.csv",
        views.accounting_csv,
        name="accounting_csv",
    ),
    path("<uuid:consent_id>/revoke/", views.consent_revoke, name="revoke"),
    path("participant/<uuid:participant_id>/hold/", views.legal_hold, name="hold"),
    path("retention/", views.retention, name="retention"),
    path("<uuid:consent_id>/scan/", views.consent_scan, name="scan"),
    path(
        "participant/<uuid:participant_id>/record.json",
        views.participant_record,
        {"fmt": "json"},
        name="record_json",
    ),
    path(
        "participant/<uuid:participant_id>/record.html",
        views.participant_record,
        {"fmt": "html"},
        name="record_html",
    ),
    path(
        "participant/<uuid:participant_id>/record.pdf",
        views.participant_record,
        {"fmt": "pdf"},
        name="record_pdf",
    ),
]
