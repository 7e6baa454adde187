"""The project's URL map: one include per domain app."""

from django.urls import include, path

from accounts.urls import urlpatterns as accounts_urlpatterns
from accounts.views import home
from audit.urls import urlpatterns as audit_urlpatterns
from encounters.today_views import today, today_find, today_outcome
from lib.views import healthz, readyz
from participants.access_report_views import participant_access
from portal.entry.views import portal_invite

# Two pages belong to a higher app but keep their address and name beside a lower app's pages: a
# coach's portal invitation (the portal's way in, accounts:portal_invite) and a participant's
# access report (participants, audit:access). The project composes them, so neither accounts nor
# audit imports the app above it.
accounts_patterns = [
    *accounts_urlpatterns,
    path("portal-invite/<uuid:participant_id>/", portal_invite, name="portal_invite"),
]
audit_patterns = [
    *audit_urlpatterns,
    path("access/<uuid:participant_id>/", participant_access, name="access"),
]

urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("accounts/", include((accounts_patterns, "accounts"))),
    path("organization/", include("organizations.urls")),
    path("participants/", include("participants.urls")),
    path("today/", today, name="today"),
    path("today/find/", today_find, name="today_find"),
    path("today/outcome/<uuid:participant_id>/", today_outcome, name="today_outcome"),
    path("from-participants/", include("portal.staff.urls")),
    path("contacts/", include("encounters.urls")),
    path("groups/", include("groups.urls")),
    path("me/", include("portal.urls")),
    path("coaching/", include("coaching.urls")),
    path("audit/", include((audit_patterns, "audit"))),
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
