from django.urls import path

from overdose import views

app_name = "overdose"

urlpatterns = [
    path("", views.figures, name="figures"),
    path("outreach-plan/", views.plan_settings, name="plan"),
    path("rows/", views.rows, name="rows"),
    path("participant/<uuid:participant_id>/", views.participant, name="participant"),
    path("participant/<uuid:participant_id>/kits/", views.kit, name="kit"),
    path("participant/<uuid:participant_id>/overdose/", views.event, name="event"),
    path("outreach/<uuid:event_id>/done/", views.outreach_done, name="outreach_done"),
]
