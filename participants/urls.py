from django.urls import path

from participants import emergency_views, support_views, views

app_name = "participants"

urlpatterns = [
    path("", views.participant_list, name="list"),
    path("new/", views.participant_new, name="new"),
    path("emergency/", emergency_views.emergency_access, name="emergency"),
    path("emergency/review/", emergency_views.emergency_review, name="emergency_review"),
    path("<uuid:participant_id>/", views.participant_detail, name="detail"),
    path("<uuid:participant_id>/edit/", views.participant_edit, name="edit"),
    path("<uuid:participant_id>/status/", views.participant_status, name="status"),
    path("<uuid:participant_id>/transfer/", views.participant_transfer, name="transfer"),
    path("<uuid:participant_id>/history/", views.participant_history, name="history"),
    path("<uuid:participant_id>/merge/", views.participant_merge, name="merge"),
    path(
        "<uuid:participant_id>/support-people/new/",
        support_views.support_person_new,
        name="support_person_new",
    ),
    path(
        "<uuid:participant_id>/support-people/<uuid:person_id>/",
        support_views.support_person_edit,
        name="support_person_edit",
    ),
]
