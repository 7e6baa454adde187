"""URLs of background jobs: my recent jobs, one job's progress, its download."""

from django.urls import path

from jobs import views

app_name = "jobs"
urlpatterns = [
    path("", views.job_list, name="list"),
    path("<uuid:job_id>/", views.status, name="status"),
    path("<uuid:job_id>/download/", views.download, name="download"),
]
