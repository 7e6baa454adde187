from django.urls import path

from encounters import open_notes_views, views

app_name = "encounters"

urlpatterns = [
    path("new/<uuid:participant_id>/", views.encounter_new, name="new"),
    path("review/", views.review, name="review"),
    path("service-types/", views.service_types, name="service_types"),
    path("schedules/new/<uuid:participant_id>/", views.schedule_new, name="schedule_new"),
    path("schedules/<uuid:schedule_id>/", views.schedule_change, name="schedule_change"),
    path("timeline/<uuid:participant_id>/", views.participant_timeline, name="timeline"),
    path("<uuid:encounter_id>/", views.encounter_detail, name="detail"),
    path("<uuid:encounter_id>/edit/", views.encounter_edit, name="edit"),
    path("<uuid:encounter_id>/sign/", views.encounter_sign, name="sign"),
    path("<uuid:encounter_id>/autosave/", views.encounter_autosave, name="autosave"),
    path("<uuid:encounter_id>/addendum/", views.encounter_addendum, name="addendum"),
    path("<uuid:encounter_id>/cosign/", views.encounter_cosign, name="cosign"),
    path("<uuid:encounter_id>/return/", views.encounter_return, name="return"),
    path("<uuid:encounter_id>/comment-seen/", views.encounter_comment_seen, name="comment_seen"),
    path("<uuid:encounter_id>/withhold/", open_notes_views.withhold, name="withhold"),
    path("<uuid:encounter_id>/share/", open_notes_views.share, name="share"),
    path(
        "requests/<uuid:feedback_id>/answer/",
        open_notes_views.feedback_answer,
        name="feedback_answer",
    ),
]
