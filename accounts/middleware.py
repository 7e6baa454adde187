"""Session rules: sign out after a quiet spell; staff verify a second factor before working."""

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import ngettext

from accounts.models import AuthenticatorApp
from accounts.sessions import idle_timeout_minutes
from lib.prepared import prepared
from organizations.models import Role

LAST_SEEN_KEY = "cairn_last_seen"
# Activity is written to the session at most this often: a person clicking through pages would
# otherwise cost a session UPDATE and commit on every request. The idle sign-out can therefore
# come at most this many seconds early, which is nothing against a 5- or 15-minute limit.
LAST_SEEN_STEP_SECONDS = 10

# Pages a signed-in person may reach before their second factor is verified.
TWO_FACTOR_OPEN_PATHS = (
    "/accounts/login/",
    "/accounts/logout/",
    "/accounts/two-factor/",
    "/accounts/keepalive/",
    "/healthz",
    "/readyz",
    "/metrics",
    "/static/",
)


class IdleSignOutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            last_seen = request.session.get(LAST_SEEN_KEY)
            quiet = now - float(last_seen) if last_seen is not None else 0.0
            # The shortest limit first, so the shared-device lookup runs only after a quiet spell.
            shortest = min(
                settings.CAIRN_SHARED_DEVICE_IDLE_MINUTES, settings.CAIRN_IDLE_TIMEOUT_MINUTES
            )
            if quiet > shortest * 60 and quiet > idle_timeout_minutes(request) * 60:
                request.cairn_sign_out_reason = "idle"  # type: ignore[attr-defined]
                logout(request)
                if request.headers.get("HX-Request") or request.path == "/accounts/keepalive/":
                    return JsonResponse({"signed_in": False}, status=401)
                messages.info(
                    request,
                    ngettext(
                        "You were signed out after %(minutes)d minute without activity, "
                        "to keep records private. Please sign in again.",
                        "You were signed out after %(minutes)d minutes without activity, "
                        "to keep records private. Please sign in again.",
                        idle_timeout_minutes(request),
                    )
                    % {"minutes": idle_timeout_minutes(request)},
                )
                return redirect_to_login(request.get_full_path())
            if last_seen is None or quiet >= LAST_SEEN_STEP_SECONDS:
                request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)


@prepared
def _confirmed_app(*, user_id: int) -> QuerySet[Any]:
    """Whether the member set up an authenticator app (`devices_for_user`, confirmed): asked on
    every page, so prepared (lib.prepared)."""
    return AuthenticatorApp.objects.filter(user_id=user_id, confirmed=True).values("id")[:1]


def needs_second_factor(request: HttpRequest) -> bool:
    user = request.user
    if not user.is_authenticated or user.is_verified():  # type: ignore[attr-defined]
        return False
    if _confirmed_app.fetch(user_id=user.pk):
        return True
    if not settings.CAIRN_REQUIRE_2FA:
        return False
    return any(m.role in Role.staff() for m in getattr(request, "memberships", []))


class TwoFactorRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(TWO_FACTOR_OPEN_PATHS) or not needs_second_factor(request):
            return self.get_response(request)
        has_device = AuthenticatorApp.objects.devices_for_user(
            request.user, confirmed=True
        ).exists()
        target = "accounts:two_factor_verify" if has_device else "accounts:two_factor_setup"
        return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
