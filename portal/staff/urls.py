"""Staff answers to what participants asked in their portal (mounted at /from-participants/)."""

from django.urls import path

from portal.staff import views as staff_views

app_name = "portal_staff"

urlpatterns = [
    path("call/<uuid:call_request_id>/handled/", staff_views.call_handled, name="call_handled"),
    path(
        "suggestion/<uuid:suggestion_id>/talked-about/",
        staff_views.suggestion_talked_about,
        name="suggestion_talked_about",
    ),
]
