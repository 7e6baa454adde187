"""Account changes, each audited in its own transaction: a second factor, a password chosen. A
participant's way in without email (codes) is the portal's: `portal.entry.services`."""

import logging

from django.db import transaction

from accounts.models import (
    AuthenticatorApp,
    NoticeKind,
    User,
)
from accounts.notices import leave_notice
from audit.models import Action
from audit.services import Target, record_event
from organizations.models import Membership
from organizations.selectors import active_memberships

logger = logging.getLogger("cairn.accounts")


def start_totp_enrolment(*, user: User) -> AuthenticatorApp:
    """Reuse the pending (unconfirmed) device or create one; nothing is audited until confirmed."""
    device = AuthenticatorApp.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = AuthenticatorApp.objects.create(
            user=user, name="Authenticator app", confirmed=False
        )
    return device


def confirm_totp_enrolment(*, user: User, device: AuthenticatorApp, token: str) -> bool:
    if device.user_id != user.pk or not device.verify_token(token):
        return False
    memberships = active_memberships(user)
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        record_event(
            action=Action.UPDATE,
            actor=user,
            organization=memberships[0].organization if memberships else None,
            role=memberships[0].role if memberships else "",
            target=Target.of(user),
            changed_fields=["two_factor"],
        )
    return True


def record_password_chosen(*, user: User) -> None:
    """A staff member chose their password through a one-time sign-in link (the caller saves
    it in the same transaction): audited, and the person is told at their next sign-in."""
    membership = Membership.objects.filter(user=user).select_related("organization").first()
    organization = membership.organization if membership else None
    record_event(
        action=Action.UPDATE,
        actor=user,
        organization=organization,
        role=membership.role if membership else "",
        target=Target.of(user),
        changed_fields=["password"],
    )
    leave_notice(user=user, organization=organization, kind=NoticeKind.PASSWORD_SET)


def username_taken(username: str) -> bool:
    return User.objects.filter(username__iexact=username).exists()


def set_language(*, user: User, code: str) -> None:
    """The staff member's own language; the audit trail names the change, not a participant."""
    if user.language == code:
        return
    with transaction.atomic():
        user.language = code
        user.save(update_fields=["language"])
        record_event(
            action=Action.UPDATE,
            actor=user,
            organization=None,
            role="",
            target=Target.of(user),
            changed_fields=["language"],
        )
