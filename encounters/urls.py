from django.urls import path

from encounters import views

app_name = "encounters"

urlpatterns = [
    path("", views.today, name="today"),
]
