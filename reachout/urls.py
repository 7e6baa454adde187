from django.urls import path

from reachout import views

app_name = "reachout"

urlpatterns = [
    path("", views.signals, name="list"),
    path("settings/", views.reach_out_settings, name="settings"),
    path("<uuid:signal_id>/", views.signal, name="signal"),
]
