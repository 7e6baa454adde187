from django.urls import path

from directory import views

app_name = "directory"

urlpatterns = [
    path("", views.find, name="find"),
    path("keep/", views.keep, name="keep"),
    path("keep/new/", views.new, name="new"),
    path("<uuid:service_id>/", views.listing, name="listing"),
    path("<uuid:service_id>/edit/", views.edit, name="edit"),
    path("<uuid:service_id>/checked/", views.verify, name="verify"),
    path("<uuid:service_id>/archive/", views.archive, name="archive"),
    path("<uuid:service_id>/share/<uuid:participant_id>/", views.share, name="share"),
]
