from django.urls import path

from appointments import portal_views

app_name = "portal_appointments"

urlpatterns = [
    path("", portal_views.my_appointments, name="list"),
    path("reminders/", portal_views.my_reminders, name="reminders"),
    path("<uuid:appointment_id>/calendar.ics", portal_views.my_appointment_ics, name="ics"),
]
