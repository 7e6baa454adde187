from django.urls import path

from oversight import views

app_name = "audit"

urlpatterns = [
    path("", views.review, name="review"),
]
