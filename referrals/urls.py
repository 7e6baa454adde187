from django.urls import path

from referrals import views

app_name = "referrals"

urlpatterns = [
    path("", views.index, name="index"),
    path("figures/", views.figures, name="figures"),
    path("settings/", views.referral_settings, name="settings"),
    path("new/<uuid:service_id>/<uuid:participant_id>/", views.new, name="new"),
    path("<uuid:referral_id>/", views.detail, name="detail"),
    path("<uuid:referral_id>/new-link/", views.new_link, name="new_link"),
    path("<uuid:referral_id>/close/", views.close, name="close"),
]
