"""URLs of the exports app."""

from django.urls import path

from exports import views

app_name = "exports"
urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:dataset>/dictionary/", views.dictionary, name="dictionary"),
    path("<slug:dataset>/dictionary.csv", views.dictionary_csv, name="dictionary_csv"),
]
