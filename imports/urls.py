"""URLs of the imports app."""

from django.urls import path

from imports import views

app_name = "imports"
urlpatterns = [
    path("", views.home, name="home"),
    path("<uuid:batch_id>/columns/", views.mapping, name="mapping"),
    path("<uuid:batch_id>/check/", views.check, name="check"),
    path("<uuid:batch_id>/apply/", views.apply, name="apply"),
    path("<uuid:batch_id>/discard/", views.discard, name="discard"),
    path("<uuid:batch_id>/rows-not-imported.csv", views.errors, name="errors"),
]
