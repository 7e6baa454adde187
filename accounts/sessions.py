"""How long a session may sit idle, and sessions on a shared phone or computer.

A person marks a device as shared when they sign in ("This is a shared phone or computer"), or a
participant chooses it in their portal settings. Then the session ends when the browser closes,
the idle sign-out comes sooner, and portal pages use the plain title.
"""

from typing import cast

from django.conf import settings
from django.http import HttpRequest

from accounts.extensions import chose_shared_device

SHARED_DEVICE_KEY = "cairn_shared_device"


def mark_shared_device(request: HttpRequest) -> None:
    request.session[SHARED_DEVICE_KEY] = True
    request.session.set_expiry(0)  # the cookie dies with the browser, whatever the defaults say
    request.cairn_shared_device = True  # type: ignore[attr-defined]


def is_shared_device(request: HttpRequest) -> bool:
    """The session was marked shared, or the signed-in participant said their device is shared.

    The participant's choice is read once per request, and only for participants."""
    cached = getattr(request, "cairn_shared_device", None)
    if cached is not None:
        return cast(bool, cached)
    marked = bool(request.session.get(SHARED_DEVICE_KEY)) if hasattr(request, "session") else False
    chosen = False
    if not marked and _is_participant(request):
        # The portal owns the participant's choices (accounts.extensions).
        chosen = chose_shared_device(request.user)
    return _remember(request, marked=marked, chosen=chosen)


def note_participant_choice(request: HttpRequest, *, shared_device: bool) -> None:
    """The participant's own "shared device" setting, already read with their record, so
    `is_shared_device` need not look it up again for this request."""
    if getattr(request, "cairn_shared_device", None) is None:
        marked = bool(request.session.get(SHARED_DEVICE_KEY))
        _remember(request, marked=marked, chosen=shared_device)


def _remember(request: HttpRequest, *, marked: bool, chosen: bool) -> bool:
    """Whether this request is on a shared device; the participant's own choice also makes the
    session end with the browser."""
    if chosen and not marked:
        request.session.set_expiry(0)
    request.cairn_shared_device = marked or chosen  # type: ignore[attr-defined]
    return marked or chosen


def _is_participant(request: HttpRequest) -> bool:
    from organizations.models import Role

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    membership = getattr(request, "membership", None)
    if membership is not None:
        return bool(membership.role == Role.PARTICIPANT)
    # Before the organization middleware has run (the idle check): any participant role will do.
    memberships = getattr(request, "memberships", None)
    if memberships is not None:
        return any(m.role == Role.PARTICIPANT for m in memberships)
    return True  # unknown yet: let the preference lookup answer (staff have none)


def idle_timeout_minutes(request: HttpRequest) -> int:
    if is_shared_device(request):
        return min(settings.CAIRN_SHARED_DEVICE_IDLE_MINUTES, settings.CAIRN_IDLE_TIMEOUT_MINUTES)
    return int(settings.CAIRN_IDLE_TIMEOUT_MINUTES)
