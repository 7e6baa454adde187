from django.urls import path

from portal import plan_views, views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("settings/", views.settings, name="settings"),
    path("safety-plan/", views.safety_plan, name="safety_plan"),
    # --- getting in: invitations, codes, password reset ---
    # --- my plan, check-in, call requests, safety plan editing ---
    path("check-in/", plan_views.check_in, name="check_in"),
    path("check-in/thanks/", plan_views.check_in_thanks, name="check_in_thanks"),
    path("call/", plan_views.call, name="call"),
    path("plan/", plan_views.my_plan, name="my_plan"),
    path("plan/goal/<uuid:goal_id>/", plan_views.goal, name="goal"),
    path("plan/step/<uuid:step_id>/done/", plan_views.step_done, name="step_done"),
    path("plan/agree/", plan_views.agree, name="agree"),
    path("plan/milestones/new/", plan_views.milestone_new, name="milestone_new"),
    path("safety-plan/edit/", plan_views.safety_plan_edit, name="safety_plan_edit"),
    path("safety-plan/card/", plan_views.safety_card, name="safety_card"),
    # --- notes, messages, my record and privacy ---
]
