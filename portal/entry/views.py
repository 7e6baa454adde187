"""Getting into the portal without email: a code from the coach, a code by text for a new password.

The coach gives the code (`portal_invite`, still at /accounts/portal-invite/). The other pages are
for people who are not signed in. What a code opens is remembered in the session
only as a row id (never the code) and only for a short while.
"""

import functools
import time
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.forms import CodeForm, PortalInvitationForm, ResetForm, ResetRequestForm, SignUpForm
from accounts.models import CodeDelivery, User
from accounts.selectors import code_organization_id
from accounts.sessions import mark_shared_device
from audit.services import Target, record_page_view
from lib.middleware import client_ip
from lib.phones import for_display
from lib.sms import SendFailed
from organizations.access import acting_membership, member_required
from organizations.models import Membership, Role
from participants.access import participant_or_404
from portal.access import ViewFunc
from portal.entry.services import (
    CodeRefused,
    UsernameTaken,
    check_invitation_code,
    create_participant_account,
    create_portal_invitation,
    invitation_text,
    request_password_reset,
    reset_password_with_code,
    send_code_text,
)
from portal.services import save_preferences
from safety.selectors import crisis_help_lines

START_KEY = "cairn_portal_start"
RESET_KEY = "cairn_portal_reset"
START_STEP_SECONDS = 30 * 60
SIGN_IN_BACKEND = "django.contrib.auth.backends.ModelBackend"


def signed_out_only(view: ViewFunc) -> ViewFunc:
    """Someone already signed in goes to their own home instead of making a second account."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated:
            return redirect("home")
        return view(request, *args, **kwargs)

    return wrapped


def _pause_minutes() -> int:
    return int(settings.CAIRN_CODE_PAUSE_MINUTES)


def _wrong_code_message() -> str:
    return _(
        "That code didn't work. Please check it and try again. A code works only once and "
        "only for a few days. Your coach can give you a new one."
    )


def _fresh_step(request: HttpRequest, key: str, seconds: int) -> dict[str, Any] | None:
    """The remembered first step, if it is recent; an old one is forgotten."""
    state = request.session.get(key)
    if isinstance(state, dict) and time.time() - float(state.get("at", 0)) < seconds:
        return state
    request.session.pop(key, None)
    return None


def _sign_in(request: HttpRequest, user: User, *, shared_device: bool = False) -> None:
    login(request, user, backend=SIGN_IN_BACKEND)
    if shared_device:
        mark_shared_device(request)


@signed_out_only
def start(request: HttpRequest) -> HttpResponse:
    """Step 1 of setting up a sign-in: the code the coach gave."""
    form = CodeForm(request.POST or None)
    paused = False
    if request.method == "POST" and form.is_valid():
        try:
            code = check_invitation_code(
                typed=form.cleaned_data["code"], address=client_ip(request)
            )
        except CodeRefused as refused:
            paused = refused.paused
            if not paused:
                form.add_error("code", _wrong_code_message())
        else:
            request.session[START_KEY] = {"code": code.pk, "at": time.time()}
            return redirect("portal:start_account")
    return render(
        request,
        "portal/start.html",
        {"form": form, "paused": paused, "pause_minutes": _pause_minutes()},
        status=429 if paused else 200,
    )


@signed_out_only
def start_account(request: HttpRequest) -> HttpResponse:
    """Step 2: the person chooses their sign-in name and password, and is signed in."""
    state = _fresh_step(request, START_KEY, START_STEP_SECONDS)
    if state is None:
        return redirect("portal:start")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = create_participant_account(
                code_id=int(state["code"]),
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password1"],
            )
        except UsernameTaken:
            form.add_error("username", _("Someone already has that name. Please try another."))
        except CodeRefused:
            request.session.pop(START_KEY, None)
            messages.error(request, _wrong_code_message())
            return redirect("portal:start")
        else:
            request.session.pop(START_KEY, None)
            shared = bool(form.cleaned_data["shared_device"])
            _sign_in(request, user, shared_device=shared)
            if shared:
                membership = Membership.objects.select_related("organization", "user").get(
                    user=user, role=Role.PARTICIPANT
                )
                save_preferences(
                    acting=membership,
                    participant=user.participant_record,
                    values={"shared_device": True},
                )
            messages.success(
                request,
                _("Welcome! This is your own Cairn. Your sign-in name is %(name)s.")
                % {"name": user.username},
            )
            return redirect("portal:home")
    lines = crisis_help_lines(code_organization_id(int(state["code"])))
    return render(request, "portal/start_account.html", {"form": form, "crisis_help_lines": lines})


@signed_out_only
def reset(request: HttpRequest) -> HttpResponse:
    """A new password without email: a code by text to the phone on file."""
    form = ResetRequestForm(request.POST or None)
    paused = False
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"].strip()
        try:
            request_password_reset(
                username=username,
                address=client_ip(request),
                reset_url=request.build_absolute_uri(reverse("portal:reset_code")),
            )
        except CodeRefused:
            paused = True
        else:
            request.session[RESET_KEY] = {"username": username, "at": time.time()}
            return redirect("portal:reset_code")
    return render(
        request,
        "portal/reset.html",
        {"form": form, "paused": paused, "pause_minutes": _pause_minutes()},
        status=429 if paused else 200,
    )


@signed_out_only
def reset_code(request: HttpRequest) -> HttpResponse:
    """The texted code and the new password; right afterwards the person is signed in."""
    state = _fresh_step(request, RESET_KEY, settings.CAIRN_RESET_CODE_MINUTES * 60)
    if state is None:
        return redirect("portal:reset")
    username = str(state["username"])
    form = ResetForm(request.POST or None, username=username)
    paused = False
    if request.method == "POST" and form.is_valid():
        try:
            user = reset_password_with_code(
                username=username,
                typed=form.cleaned_data["code"],
                password=form.cleaned_data["password1"],
                address=client_ip(request),
            )
        except CodeRefused as refused:
            paused = refused.paused
            if not paused:
                form.add_error(
                    "code",
                    _(
                        "That code didn't work. Please check it, or ask for a new code. "
                        "A code works only once, for a short time."
                    ),
                )
        else:
            request.session.pop(RESET_KEY, None)
            _sign_in(request, user)
            messages.success(request, _("Your new password is saved. You are signed in."))
            return redirect("home")
    return render(
        request,
        "portal/reset_code.html",
        {"form": form, "paused": paused, "pause_minutes": _pause_minutes()},
        status=429 if paused else 200,
    )


@member_required(*Role.care_team())
def portal_invite(request: HttpRequest, participant_id: str) -> HttpResponse:
    """A coach gives a participant on their caseload a one-time code to set up their portal
    sign-in: by text to the phone on file, or on paper. The code is shown or sent once only."""
    participant = participant_or_404(request, participant_id)
    record_page_view(request=request, target=Target.of(participant), participant_id=participant.id)
    context: dict[str, Any] = {
        "participant": participant,
        "code_days": settings.CAIRN_INVITATION_CODE_HOURS // 24,
    }
    if participant.user_id is not None:
        return render(request, "accounts/portal_invite.html", {**context, "has_account": True})
    phone = for_display(participant.phone)
    form = PortalInvitationForm(request.POST or None, phone_shown=phone)
    if request.method == "POST" and form.is_valid():
        delivery = CodeDelivery(form.cleaned_data["delivery"])
        issued = create_portal_invitation(
            acting=acting_membership(request), participant=participant, delivery=delivery
        )
        start_url = request.build_absolute_uri(reverse("portal:start"))
        context.update(issued=issued, start_url=start_url, phone=phone)
        if delivery == CodeDelivery.TEXT:
            body = invitation_text(participant=participant, code=issued.plain, start_url=start_url)
            try:
                send_code_text(issued=issued, to=participant.phone, body=body)
            except SendFailed:
                form.add_error(
                    None,
                    _(
                        "The text could not be sent just now, so that code will not work. "
                        "Please try again in a minute, or print a code on paper instead."
                    ),
                )
                return render(request, "accounts/portal_invite.html", {**context, "form": form})
            response = render(request, "accounts/portal_invite_sent.html", context)
        else:
            response = render(request, "accounts/portal_invite_paper.html", context)
        # The code is on this page once: never kept by a browser cache or a shared proxy.
        response["Cache-Control"] = "no-store"
        return response
    return render(request, "accounts/portal_invite.html", {**context, "form": form})
