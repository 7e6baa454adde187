from django.urls import path

from plans import views

app_name = "plans"

urlpatterns = [
    path("participant/<uuid:participant_id>/", views.plan, name="plan"),
    path("participant/<uuid:participant_id>/goals/new/", views.goal_new, name="goal_new"),
    path("goal/<uuid:goal_id>/edit/", views.goal_edit, name="goal_edit"),
    path("goal/<uuid:goal_id>/remove/", views.goal_remove, name="goal_remove"),
    path("step/<uuid:step_id>/done/", views.step_done, name="step_done"),
    path("participant/<uuid:participant_id>/agree/", views.agree, name="agree"),
    path("participant/<uuid:participant_id>/versions/", views.versions, name="versions"),
    path("participant/<uuid:participant_id>/compare/", views.compare_versions, name="compare"),
    path("participant/<uuid:participant_id>/print/", views.print_plan, name="print"),
    path("participant/<uuid:participant_id>/milestones/", views.milestones, name="milestones"),
    path(
        "participant/<uuid:participant_id>/milestones/new/",
        views.milestone_new,
        name="milestone_new",
    ),
    path("milestone/<uuid:milestone_id>/edit/", views.milestone_edit, name="milestone_edit"),
    path(
        "participant/<uuid:participant_id>/strengths/new/",
        views.strength_new,
        name="strength_new",
    ),
]
