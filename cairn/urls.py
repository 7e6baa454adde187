"""The project's URL map: one include per domain app."""

from django.urls import include, path

from accounts.views import home
from encounters.today_views import today, today_find, today_outcome
from lib.views import healthz

urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("accounts/", include("accounts.urls")),
    path("organization/", include("organizations.urls")),
    path("participants/", include("participants.urls")),
    path("today/", today, name="today"),
    path("today/find/", today_find, name="today_find"),
    path("today/outcome/<uuid:participant_id>/", today_outcome, name="today_outcome"),
    path("from-participants/", include("portal.staff_urls")),
    path("contacts/", include("encounters.urls")),
    path("me/", include("portal.urls")),
    path("coaching/", include("coaching.urls")),
    path("audit/", include("audit.urls")),
    path("consent/", include("consent.urls")),
    path("plans/", include("plans.urls")),
    path("assessments/", include("assessments.urls")),
    path("safety/", include("safety.urls")),
    path("inbox/", include("inbox.urls")),
    path("reports/", include("reports.urls")),
    path("exports/", include("exports.urls")),
    path("imports/", include("imports.urls")),
    path("jobs/", include("jobs.urls")),
]

handler400 = "lib.views.bad_request"
handler403 = "lib.views.permission_denied"
handler404 = "lib.views.page_not_found"
handler500 = "lib.views.server_error"
