from django.urls import path

from portal import entry_views, views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("settings/", views.settings, name="settings"),
    path("safety-plan/", views.safety_plan, name="safety_plan"),
    # --- getting in: invitations, codes, password reset ---
    path("start/", entry_views.start, name="start"),
    path("start/account/", entry_views.start_account, name="start_account"),
    path("reset/", entry_views.reset, name="reset"),
    path("reset/code/", entry_views.reset_code, name="reset_code"),
    # --- my plan, check-in, call requests, safety plan editing ---
    # --- notes, messages, my record and privacy ---
]
