from django.urls import path

from portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("settings/", views.settings, name="settings"),
    path("safety-plan/", views.safety_plan, name="safety_plan"),
    # --- getting in: invitations, codes, password reset ---
    # --- my plan, check-in, call requests, safety plan editing ---
    # --- notes, messages, my record and privacy ---
]
