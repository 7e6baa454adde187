from django.urls import path

from encounters import views

app_name = "encounters"

urlpatterns = [
    path("new/<uuid:participant_id>/", views.encounter_new, name="new"),
    path("timeline/<uuid:participant_id>/", views.participant_timeline, name="timeline"),
    path("<uuid:encounter_id>/", views.encounter_detail, name="detail"),
    path("<uuid:encounter_id>/edit/", views.encounter_edit, name="edit"),
    path("<uuid:encounter_id>/sign/", views.encounter_sign, name="sign"),
    path("<uuid:encounter_id>/addendum/", views.encounter_addendum, name="addendum"),
]
