from django.urls import path

from audit import views

app_name = "audit"

urlpatterns = [
    path("", views.review, name="review"),
    path("access/<uuid:participant_id>/", views.participant_access, name="access"),
]
