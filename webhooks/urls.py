from django.urls import path

from webhooks import views

app_name = "webhooks"

urlpatterns = [
    path("", views.subscriptions, name="list"),
    path("new/", views.new_subscription, name="new"),
    path("settings/", views.webhook_settings, name="settings"),
    path("<uuid:subscription_id>/", views.subscription, name="detail"),
    path("<uuid:subscription_id>/pause/", views.pause, name="pause"),
    path("<uuid:subscription_id>/secret/", views.rotate, name="rotate"),
    path("<uuid:subscription_id>/test/", views.test_event, name="test"),
    path("<uuid:subscription_id>/delete/", views.delete, name="delete"),
]
