from django.urls import path

from appointments import portal_views

app_name = "portal_appointments"

urlpatterns = [
    path("", portal_views.my_appointments, name="list"),
    path("reminders/", portal_views.my_reminders, name="reminders"),
    path("<uuid:appointment_id>/calendar.ics", portal_views.my_appointment_ics, name="ics"),
    path("groups-and-meetings/", portal_views.groups_and_meetings, name="meetings"),
    path(
        "groups-and-meetings/group/<uuid:appointment_id>/calendar.ics",
        portal_views.group_session_ics,
        name="group_ics",
    ),
    path(
        "groups-and-meetings/meeting/<uuid:service_id>/calendar.ics",
        portal_views.meeting_ics,
        name="meeting_ics",
    ),
]
