"""URLs of the FHIR R4 server, under /fhir/r4/ (FHIR's own names and cases)."""

from django.urls import path

from fhir_r4 import views

app_name = "fhir"
urlpatterns = [
    path("metadata", views.metadata, name="metadata"),
    # Before Patient/<id>: "$export" is not an id.
    path("Patient/$export", views.export_kickoff, name="export"),
    path("$export-status/<str:job_id>", views.export_status, name="export_status"),
    path(
        "$export-file/<str:job_id>/<str:resource_type>.ndjson",
        views.export_file,
        name="export_file",
    ),
    path("Patient", views.patient_search, name="patient_search"),
    path("Patient/<str:resource_id>", views.patient_read, name="patient"),
    path("Questionnaire/<str:key>", views.questionnaire, name="questionnaire"),
    *[
        path(name, views.compartment_search(name), name=f"{name.lower()}_search")
        for name in views.selectors.CATEGORIES
        if name != "Patient"
    ],
]
