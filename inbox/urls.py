from django.urls import path

from inbox import views

app_name = "inbox"

urlpatterns = [
    path("", views.thread_list, name="list"),
    path("<uuid:participant_id>/", views.thread, name="thread"),
]
