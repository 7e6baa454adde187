from django.urls import path

from directory import hsds_views, views

app_name = "directory"

urlpatterns = [
    path("", views.find, name="find"),
    path("keep/", views.keep, name="keep"),
    path("keep/new/", views.new, name="new"),
    path("keep/hsds/", hsds_views.exchange, name="hsds"),
    path("keep/hsds/directory.json", hsds_views.export_json, name="hsds_json"),
    path("keep/hsds/directory.zip", hsds_views.export_zip, name="hsds_zip"),
    path("keep/hsds/<uuid:import_id>/", hsds_views.check, name="hsds_check"),
    path("keep/hsds/<uuid:import_id>/import/", hsds_views.apply, name="hsds_apply"),
    path("<uuid:service_id>/", views.listing, name="listing"),
    path("<uuid:service_id>/edit/", views.edit, name="edit"),
    path("<uuid:service_id>/checked/", views.verify, name="verify"),
    path("<uuid:service_id>/archive/", views.archive, name="archive"),
    path("<uuid:service_id>/share/<uuid:participant_id>/", views.share, name="share"),
    path("<uuid:service_id>/text/<uuid:participant_id>/", views.text, name="text"),
]
