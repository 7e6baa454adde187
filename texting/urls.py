from django.urls import path

from texting import views

app_name = "texting"

urlpatterns = [
    path("waiting/", views.waiting_list, name="waiting"),
    path("waiting/<uuid:text_id>/", views.waiting_text, name="waiting_text"),
    # The provider's webhooks: one address per organization, signed by the provider.
    path("twilio/<slug:organization>/incoming/", views.twilio_incoming, name="twilio_incoming"),
    path("twilio/<slug:organization>/status/", views.twilio_status, name="twilio_status"),
]
