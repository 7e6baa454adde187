from django.urls import path

from reachout import views

app_name = "reachout"

urlpatterns = [
    path("", views.signals, name="list"),
    path("settings/", views.reach_out_settings, name="settings"),
    path("texts/", views.my_texts, name="texts"),
    path("on-call/", views.on_call, name="on_call"),
    path("on-call/<uuid:shift_id>/remove/", views.remove_shift_view, name="remove_shift"),
    path("<uuid:signal_id>/", views.signal, name="signal"),
]
