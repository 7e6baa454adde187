from django.urls import path

from assessments import suprt_views, views

app_name = "assessments"

urlpatterns = [
    path(
        "participant/<uuid:participant_id>/",
        views.participant_assessments,
        name="participant",
    ),
    path("participant/<uuid:participant_id>/new/", views.assessment_new, name="new"),
    path(
        "participant/<uuid:participant_id>/suprt/<slug:form>/",
        suprt_views.suprt_new,
        name="suprt_new",
    ),
    path("<uuid:assessment_id>/", views.assessment_detail, name="detail"),
    path("schedule/", views.schedule_settings, name="schedule"),
]
