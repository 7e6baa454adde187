"""The project's URL map: one include per domain app."""

from django.urls import include, path

from accounts.urls import urlpatterns as accounts_urlpatterns
from accounts.views import home
from api.api import api
from appointments.views import feed as appointments_feed
from cairn.metrics import metrics
from cairn.views import readyz
from directory.portal_views import my_resources
from encounters.today_views import today, today_find, today_outcome
from lib.views import healthz
from oversight.urls import urlpatterns as audit_urlpatterns
from participants.access_report_views import participant_access
from portal.entry.views import portal_invite
from portal.urls import urlpatterns as portal_urlpatterns
from referrals.partner_views import partner as referral_partner
from referrals.portal_views import my_referrals

# Pages that belong to a higher app keep their address and name beside a lower app's pages: a
# coach's portal invitation (the portal's way in, accounts:portal_invite) and a participant's
# access report (participants, audit:access, beside oversight's audit review). The project
# composes them, so neither accounts nor oversight imports the app above it.
accounts_patterns = [
    *accounts_urlpatterns,
    path("portal-invite/<uuid:participant_id>/", portal_invite, name="portal_invite"),
]
# A participant's resources (directory) sit among the portal's pages as portal:resources.
portal_patterns = [
    *portal_urlpatterns,
    path("resources/", my_resources, name="resources"),
    path("referrals/", my_referrals, name="referrals"),
]
audit_patterns = [
    *audit_urlpatterns,
    path("access/<uuid:participant_id>/", participant_access, name="access"),
]

urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("metrics", metrics, name="metrics"),
    path("accounts/", include((accounts_patterns, "accounts"))),
    path("organization/", include("organizations.urls")),
    path("organization/api-tokens/", include("api.urls")),
    # The REST API (token authentication; its schema at /api/v1/openapi.json, docs at /docs/).
    path("api/v1/", api.urls),
    path("participants/", include("participants.urls")),
    path("today/", today, name="today"),
    path("today/find/", today_find, name="today_find"),
    path("today/outcome/<uuid:participant_id>/", today_outcome, name="today_outcome"),
    path("from-participants/", include("portal.staff.urls")),
    path("contacts/", include("encounters.urls")),
    path("groups/", include("groups.urls")),
    path("me/appointments/", include("appointments.portal_urls")),
    path("directory/", include("directory.urls")),
    path("referrals/", include("referrals.urls")),
    # A partner's referral link: the random token is the only thing in the address.
    path("r/<str:token>/", referral_partner, name="referral_partner"),
    path("reach-out/", include("reachout.urls")),
    path("overdose/", include("overdose.urls")),
    path("supervision/", include("supervision.urls")),
    path("billing/", include("billing.urls")),
    path("me/", include((portal_patterns, "portal"))),
    path("appointments/", include("appointments.urls")),
    path("calendar/<str:token>.ics", appointments_feed, name="appointments_feed"),
    path("coaching/", include("coaching.urls")),
    path("audit/", include((audit_patterns, "audit"))),
    path("consent/", include("consent.urls")),
    path("plans/", include("plans.urls")),
    path("assessments/", include("assessments.urls")),
    path("safety/", include("safety.urls")),
    path("inbox/", include("inbox.urls")),
    path("texts/", include("texting.urls")),
    path("reports/", include("reports.urls")),
    path("exports/", include("exports.urls")),
    path("imports/", include("imports.urls")),
    path("jobs/", include("jobs.urls")),
    path("webhooks/", include("webhooks.urls")),
    path("fhir/r4/", include("fhir_r4.urls")),
]

handler400 = "lib.views.bad_request"
handler403 = "lib.views.permission_denied"
handler404 = "lib.views.page_not_found"
handler500 = "lib.views.server_error"
