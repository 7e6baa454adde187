"""Sign-in, sign-out and failed sign-in, written to the audit trail."""

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from accounts import throttle
from accounts.models import ThrottleScope
from accounts.notices import show_new_notices
from audit.models import Action
from audit.services import Target, record_event
from lib.middleware import client_ip
from organizations.models import Membership, Role


def _home_membership(user: Any) -> Membership | None:
    return Membership.objects.active().filter(user=user).select_related("organization").first()


@receiver(user_logged_in)
def audit_sign_in(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    membership = _home_membership(user)
    record_event(
        action=Action.SIGN_IN,
        actor=user,
        organization=membership.organization if membership else None,
        role=membership.role if membership else "",
        target=Target.of(user),
    )
    if membership is None or membership.role != Role.PARTICIPANT:
        # Told by their own way in: whoever changed their sign-in or asked for their approval.
        # A participant reads theirs on their portal home, where they land.
        show_new_notices(request=request, user=user)


@receiver(user_logged_out)
def audit_sign_out(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    if user is None:
        return
    membership = _home_membership(user)
    reason = getattr(request, "cairn_sign_out_reason", "chosen")
    record_event(
        action=Action.SIGN_OUT,
        actor=user,
        organization=membership.organization if membership else None,
        role=membership.role if membership else "",
        target=Target(type="session", id=reason),
    )


@receiver(user_login_failed)
def audit_failed_sign_in(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # The typed username is never stored: people sometimes type a password into it.
    username = str(credentials.get("username") or "")
    user = get_user_model().objects.filter(username=username).first() if username else None
    membership = _home_membership(user) if user else None
    record_event(
        action=Action.SIGN_IN_FAILED,
        actor=None,
        organization=membership.organization if membership else None,
        target=Target.of(user) if user else None,
    )
    if request is not None:
        throttle.record_failure(ThrottleScope.SIGN_IN, client_ip(request) or "")
