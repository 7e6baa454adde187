from django.urls import path

from api import views

app_name = "api_tokens"

urlpatterns = [
    path("", views.tokens, name="list"),
    path("new/", views.new, name="new"),
    path("<uuid:token_id>/", views.detail, name="detail"),
    path("<uuid:token_id>/approve/", views.approve, name="approve"),
    path("<uuid:token_id>/revoke/", views.revoke, name="revoke"),
]
