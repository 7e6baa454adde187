from django.urls import path

from appointments import views

app_name = "appointments"

urlpatterns = [
    path("", views.calendar, name="calendar"),
    path("new/", views.new, name="new"),
    path("with/<uuid:participant_id>/", views.book, name="book"),
    path("<uuid:appointment_id>/", views.detail, name="detail"),
    path("<uuid:appointment_id>/move/", views.move, name="move"),
    path("<uuid:appointment_id>/cancel/", views.cancel, name="cancel"),
    path("<uuid:appointment_id>/outcome/", views.outcome, name="outcome"),
    path("reminders/<uuid:participant_id>/", views.reminders, name="reminders"),
    path("calendar-feed/", views.feed_settings, name="feed_settings"),
]
