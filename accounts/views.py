"""Sign-in, sign-out, second factor, first password, portal invitations and the home redirect."""

import base64
from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import match_token

from accounts import throttle
from accounts.extensions import crisis_help_lines
from accounts.forms import SignInForm, TokenForm
from accounts.models import AuthenticatorApp, ThrottleScope
from accounts.selectors import SIGN_IN_KINDS, recent_notices
from accounts.services import (
    confirm_totp_enrolment,
    record_password_chosen,
    set_language,
    start_totp_enrolment,
)
from accounts.sessions import mark_shared_device
from audit.models import Action
from audit.services import Target, record_event
from lib.middleware import client_ip
from organizations.models import Role

CODE_MISMATCH = gettext_lazy("That code did not match. Codes change every 30 seconds.")


class SignInView(auth_views.LoginView):
    template_name = "accounts/login.html"
    form_class = SignInForm
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # One address trying many names waits, before any password is checked; other
        # addresses, the people whose names were tried among them, are not affected.
        if throttle.is_paused(ThrottleScope.SIGN_IN, client_ip(request) or ""):
            record_event(
                action=Action.PERMISSION_DENIED,
                actor=None,
                organization=None,
                target=Target(type="accounts.codethrottle", id=str(ThrottleScope.SIGN_IN)),
            )
            return render(
                request,
                "accounts/locked_out.html",
                {"by_address": True, "cooloff_minutes": round(settings.AXES_COOLOFF_TIME * 60)},
                status=429,
            )
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        if form.cleaned_data.get("shared_device"):
            mark_shared_device(self.request)
        return response


class SignOutView(auth_views.LogoutView):
    http_method_names = ["post", "options"]
    next_page = "accounts:login"


class WelcomeView(auth_views.PasswordResetConfirmView):
    """First sign-in from an invitation link: the person chooses their own password."""

    template_name = "accounts/welcome.html"
    success_url = reverse_lazy("accounts:login")
    reset_url_token = "choose-password"  # noqa: S105 - a URL segment, not a secret

    def form_valid(self, form: Any) -> HttpResponse:
        with transaction.atomic():
            response = super().form_valid(form)
            record_password_chosen(user=form.user)
        messages.success(self.request, _("Your password is set. You can sign in now."))
        return response


def _safe_next(request: HttpRequest, fallback: str = "home") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return str(reverse_lazy(fallback))


@login_required
def home(request: HttpRequest) -> HttpResponse:
    membership = getattr(request, "membership", None)
    if membership is None:
        return render(request, "accounts/no_organization.html", status=403)
    destination = {
        Role.PARTICIPANT: "portal:home",
        Role.COACH: "today",
        Role.SUPERVISOR: "today",
        Role.MANAGER: "participants:list",
        Role.ADMIN: "organizations:people",
    }[Role(membership.role)]
    return redirect(destination)


@login_required
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    device = start_totp_enrolment(user=request.user)  # type: ignore[arg-type]
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if confirm_totp_enrolment(
            user=request.user,  # type: ignore[arg-type]
            device=device,
            token=form.cleaned_data["token"],
        ):
            otp_login(request, device)
            return redirect(_safe_next(request))
        form.add_error("token", CODE_MISMATCH)
    qr = segno.make(device.config_url, error="m")
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "qr_svg": qr.svg_inline(scale=4, dark="#1d2b36", light="#ffffff"),
            "secret": _spaced_base32(device),
            "next": _safe_next(request),
            **_crisis_help(request),
        },
    )


def _spaced_base32(device: AuthenticatorApp) -> str:
    raw = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


@login_required
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            return redirect(_safe_next(request))
        form.add_error("token", CODE_MISMATCH)
    return render(
        request,
        "accounts/two_factor_verify.html",
        {"form": form, "next": _safe_next(request), **_crisis_help(request)},
    )


def _crisis_help(request: HttpRequest) -> dict[str, Any]:
    """At the second sign-in step the organization is known: its local lines join 988."""
    organization = getattr(request, "organization", None)
    return {"crisis_help_lines": crisis_help_lines(organization.pk if organization else None)}


@login_required
def security(request: HttpRequest) -> HttpResponse:
    has_device = AuthenticatorApp.objects.devices_for_user(request.user, confirmed=True).exists()
    membership = getattr(request, "membership", None)
    return render(
        request,
        "accounts/security.html",
        {
            "has_device": has_device,
            "language_choices": settings.LANGUAGES,
            "my_language": getattr(request.user, "language", ""),
            "staff": membership is not None and membership.role in Role.staff(),
            "notices": recent_notices(
                user=request.user,  # type: ignore[arg-type]
                kinds=SIGN_IN_KINDS,
            ),
        },
    )


@require_POST
def choose_language(request: HttpRequest) -> HttpResponse:
    """A staff member's own language for their pages ("" = the organization's choice)."""
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    code = request.POST.get("language", "")
    if code and code not in dict(settings.LANGUAGES):
        messages.error(request, _("That language is not available."))
        return redirect("accounts:security")
    set_language(user=request.user, code=code)
    with translation.override(code or translation.get_language()):
        messages.success(request, _("Your pages will be in the language you chose."))
    return redirect("accounts:security")


@require_POST
def keepalive(request: HttpRequest) -> JsonResponse:
    """Touching the session is enough: the idle middleware has already refreshed it."""
    return JsonResponse({"signed_in": request.user.is_authenticated})
