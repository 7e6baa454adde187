"""The project's URL map: one include per domain app."""

from django.urls import include, path

from accounts.views import home
from lib.views import healthz

urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("accounts/", include("accounts.urls")),
    path("organization/", include("organizations.urls")),
    path("participants/", include("participants.urls")),
    path("today/", include("encounters.urls")),
    path("me/", include("portal.urls")),
]

handler400 = "lib.views.bad_request"
handler403 = "lib.views.permission_denied"
handler404 = "lib.views.page_not_found"
handler500 = "lib.views.server_error"
