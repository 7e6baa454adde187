"""Cairn's URL map plus the two baselines every page is compared with (benchmark server only)."""

from django.urls import include, path

from bench import views

urlpatterns = [
    path("bench/constant/", views.constant, name="bench_constant"),
    path("bench/one-row/<int:pk>/", views.one_row, name="bench_one_row"),
    path("", include("cairn.urls")),
]
