"""A participant's way into their own Cairn without email, each step audited in its own
transaction: an invitation code from their coach, a new password by a code sent by text."""

import logging
from dataclasses import dataclass
from datetime import timedelta

from axes.utils import reset as axes_reset
from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare
from django.utils.translation import ngettext

from accounts import codes, throttle
from accounts.models import (
    CodeDelivery,
    CodePurpose,
    NoticeKind,
    PortalCode,
    ThrottleScope,
    User,
)
from accounts.notices import leave_notice
from accounts.services import username_taken
from audit.models import Action
from audit.services import Target, record_event, record_member_action
from lib.sms import SendFailed, send_text
from organizations.models import Membership, Role
from participants.languages import texts_in
from participants.models import Participant

logger = logging.getLogger("cairn.accounts")  # the name operators already filter on


class CodeRefused(Exception):
    """The code did not open the door. The person is told calmly, never which reason it was."""

    def __init__(self, *, paused: bool = False) -> None:
        super().__init__("paused" if paused else "not valid")
        self.paused = paused


class AlreadySignedUp(Exception):
    """The participant already has a portal sign-in; an invitation would make a second one."""


class NoPhoneOnFile(Exception):
    """A code can only be texted to a phone number on the participant's record."""


@dataclass(frozen=True)
class IssuedCode:
    """A new code and its plain text, which exists only until it is texted or shown once."""

    record: PortalCode
    plain: str


def _issue_code(
    *,
    participant: Participant,
    purpose: CodePurpose,
    delivery: CodeDelivery,
    lifetime: timedelta,
    created_by: User | None,
) -> IssuedCode:
    """Retire the participant's earlier codes for the same purpose and make a new one."""
    now = timezone.now()
    PortalCode.objects.filter(participant=participant, purpose=purpose).usable().update(
        retired_at=now
    )
    while True:
        plain = codes.new_code()
        hashed = codes.code_hash(plain)
        if not PortalCode.objects.filter(code_hash=hashed).exists():
            break
    record = PortalCode.objects.create(
        organization_id=participant.organization_id,
        participant=participant,
        purpose=purpose,
        delivery=delivery,
        code_hash=hashed,
        created_by=created_by,
        expires_at=now + lifetime,
    )
    return IssuedCode(record=record, plain=plain)


def invitation_text(*, participant: Participant, code: str, start_url: str) -> str:
    """The invitation as texted, in the person's language (not the coach's): the organization
    is named only where the person said it's OK."""
    days = settings.CAIRN_INVITATION_CODE_HOURS // 24
    with translation.override(texts_in(participant)):
        text = ngettext(
            "Your code to set up your Cairn sign-in is %(code)s. Go to %(url)s and type it in. "
            "It works once, for %(days)d day.",
            "Your code to set up your Cairn sign-in is %(code)s. Go to %(url)s and type it in. "
            "It works once, for %(days)d days.",
            days,
        ) % {"code": codes.shown(code), "url": start_url, "days": days}
    if participant.organization_name_ok:
        return f"{participant.organization.name}: {text}"
    return str(text)


def create_portal_invitation(
    *, acting: Membership, participant: Participant, delivery: CodeDelivery
) -> IssuedCode:
    """A new invitation code (the earlier one stops working), audited as the coach's action."""
    if participant.user_id is not None:
        raise AlreadySignedUp
    if delivery == CodeDelivery.TEXT and not participant.phone:
        raise NoPhoneOnFile
    with transaction.atomic():
        issued = _issue_code(
            participant=participant,
            purpose=CodePurpose.INVITATION,
            delivery=delivery,
            lifetime=timedelta(hours=settings.CAIRN_INVITATION_CODE_HOURS),
            created_by=acting.user,
        )
        record_member_action(
            acting=acting,
            action=Action.CREATE,
            target=Target.of(issued.record),
            participant_id=participant.id,
            changed_fields=["delivery", "expires_at"],
        )
    return issued


def send_code_text(*, issued: IssuedCode, to: str, body: str) -> None:
    """Text the code; if the provider refuses, the code is retired (nobody has it) and re-raised.

    Sent outside the transaction that created the code: a slow provider never holds the audit
    chain's lock."""
    try:
        send_text(to=to, body=body)
    except SendFailed:
        PortalCode.objects.filter(pk=issued.record.pk).update(retired_at=timezone.now())
        logger.warning("a %s code could not be texted", issued.record.purpose)
        raise


def _refuse_code(
    *, found: PortalCode | None, address: str | None, target_type: str = "accounts.portalcode"
) -> None:
    """Audit one wrong, used or expired code and count it against the network address."""
    record_event(
        action=Action.SIGN_IN_FAILED,
        actor=None,
        organization=found.organization if found else None,
        target=Target(type=target_type, id=str(found.public_id) if found else ""),
        participant_id=found.participant_id if found else None,
    )
    paused = throttle.record_failure(ThrottleScope.ADDRESS, address or "")
    raise CodeRefused(paused=paused)


def _refuse_paused(scope: ThrottleScope) -> None:
    record_event(
        action=Action.PERMISSION_DENIED,
        actor=None,
        organization=None,
        target=Target(type="accounts.codethrottle", id=str(scope)),
    )
    raise CodeRefused(paused=True)


def check_invitation_code(*, typed: str, address: str | None) -> PortalCode:
    """The invitation this code belongs to, if it still works; else CodeRefused (audited)."""
    if throttle.is_paused(ThrottleScope.ADDRESS, address or ""):
        _refuse_paused(ThrottleScope.ADDRESS)
    found = (
        PortalCode.objects.filter(
            code_hash=codes.code_hash(codes.normalized(typed)), purpose=CodePurpose.INVITATION
        )
        .select_related("organization", "participant")
        .first()
    )
    usable = (
        found is not None
        and found.used_at is None
        and found.retired_at is None
        and found.expires_at > timezone.now()
        and found.participant.user_id is None
    )
    if not usable:
        _refuse_code(found=found, address=address)
    assert found is not None
    # A right code does not wipe the address's count of wrong ones: someone holding one code
    # of their own could otherwise guess at everyone else's without ever pausing.
    return found


def create_participant_account(*, code_id: int, username: str, password: str) -> User:
    """The participant's own sign-in, from a checked invitation code, used up in the same step."""
    now = timezone.now()
    with transaction.atomic():
        code = (
            PortalCode.objects.select_for_update()
            .usable()
            .filter(pk=code_id, purpose=CodePurpose.INVITATION)
            .first()
        )
        participant = (
            Participant.objects.select_for_update().filter(pk=code.participant_id).first()
            if code
            else None
        )
        if code is None or participant is None or participant.user_id is not None:
            raise CodeRefused
        if username_taken(username):
            raise UsernameTaken
        user = User(
            username=username,
            preferred_name=participant.preferred_name,
            pronouns=participant.pronouns,
        )
        user.set_password(password)
        user.save()
        Membership.objects.create(
            organization_id=participant.organization_id, user=user, role=Role.PARTICIPANT
        )
        participant.user = user
        participant.save(update_fields=["user", "updated_at"])
        code.used_at = now
        code.save(update_fields=["used_at"])
        record_event(
            action=Action.CREATE,
            actor=user,
            organization=participant.organization,
            role=Role.PARTICIPANT,
            target=Target.of(user),
            participant_id=participant.id,
            changed_fields=["username", "password", "membership", "participant"],
        )
        leave_notice(
            user=user,
            organization=participant.organization,
            kind=NoticeKind.PORTAL_SIGN_IN_SET_UP,
        )
    return user


class UsernameTaken(Exception):
    """Someone chose this sign-in name first."""


def request_password_reset(*, username: str, address: str | None, reset_url: str) -> None:
    """Text a new-password code to a participant with a phone on file.

    The caller always says the same thing afterwards, so nobody learns whether a name exists.
    Two limits, so that nobody can use them against someone else:
    - per network address, every request counts whatever the name (names that do not exist
      too): one address going through a list of names is paused, and only that address;
    - per sign-in name, the texts sent: after a few, no more are sent for a while (nobody can
      fill a person's phone), but the name is never paused: the person, from wherever they
      are, goes on to type the newest code they were sent, which keeps working."""
    if throttle.is_paused(ThrottleScope.ADDRESS, address or ""):
        _refuse_paused(ThrottleScope.ADDRESS)
    if throttle.is_paused(ThrottleScope.REQUEST, address or ""):
        _refuse_paused(ThrottleScope.REQUEST)
    throttle.record_failure(ThrottleScope.REQUEST, address or "")
    user = User.objects.filter(username=username, is_active=True).first()
    participant = (
        Participant.objects.filter(
            user=user,
            organization__memberships__user=user,
            organization__memberships__role=Role.PARTICIPANT,
            organization__memberships__is_active=True,
        )
        .select_related("organization")
        .first()
        if user
        else None
    )
    if participant is None or not participant.phone:
        membership = Membership.objects.filter(user=user).first() if user else None
        record_event(
            action=Action.SIGN_IN_FAILED,
            actor=None,
            organization=membership.organization if membership else None,
            target=Target(type="accounts.passwordreset", id=str(user.public_id) if user else ""),
        )
        return
    if throttle.is_paused(ThrottleScope.ACCOUNT, username):
        record_event(
            action=Action.PERMISSION_DENIED,
            actor=None,
            organization=participant.organization,
            target=Target(type="accounts.codethrottle", id=str(ThrottleScope.ACCOUNT)),
            participant_id=participant.id,
        )
        return  # enough texts for now; the newest code sent still works
    throttle.record_failure(ThrottleScope.ACCOUNT, username)
    with transaction.atomic():
        issued = _issue_code(
            participant=participant,
            purpose=CodePurpose.RESET,
            delivery=CodeDelivery.TEXT,
            lifetime=timedelta(minutes=settings.CAIRN_RESET_CODE_MINUTES),
            created_by=None,
        )
        record_event(
            action=Action.CREATE,
            actor=None,
            organization=participant.organization,
            target=Target.of(issued.record),
            participant_id=participant.id,
            changed_fields=["delivery", "expires_at"],
        )
    body = ngettext(
        "Your code for a new Cairn password is %(code)s. Type it at %(url)s. "
        "It works once, for %(minutes)d minute. If you did not ask for it, you can ignore it.",
        "Your code for a new Cairn password is %(code)s. Type it at %(url)s. "
        "It works once, for %(minutes)d minutes. If you did not ask for it, you can ignore it.",
        settings.CAIRN_RESET_CODE_MINUTES,
    ) % {
        "code": codes.shown(issued.plain),
        "url": reset_url,
        "minutes": settings.CAIRN_RESET_CODE_MINUTES,
    }
    if participant.organization_name_ok:
        body = f"{participant.organization.name}: {body}"
    try:
        send_code_text(issued=issued, to=participant.phone, body=str(body))
    except SendFailed:
        return  # the same answer as ever; the person can ask again or ask their coach


def reset_password_with_code(
    *, username: str, typed: str, password: str, address: str | None
) -> User:
    """Set a new password with a texted code; wrong codes are counted per address and per code."""
    if throttle.is_paused(ThrottleScope.ADDRESS, address or ""):
        _refuse_paused(ThrottleScope.ADDRESS)
    now = timezone.now()
    with transaction.atomic():
        pending = (
            PortalCode.objects.select_for_update(of=("self",))
            .usable()
            .filter(purpose=CodePurpose.RESET, participant__user__username=username)
            .select_related("organization", "participant__user")
            .first()
        )
        right = pending is not None and constant_time_compare(
            pending.code_hash, codes.code_hash(codes.normalized(typed))
        )
        if pending is not None and not right:
            pending.failed_attempts += 1
            if pending.failed_attempts >= throttle.failure_limit():
                pending.retired_at = now  # guessing at one code ends it; ask for a new one
            pending.save(update_fields=["failed_attempts", "retired_at"])
    if not right:
        _refuse_code(found=pending, address=address)
    assert pending is not None
    user = pending.participant.user
    assert user is not None
    with transaction.atomic():
        claimed = PortalCode.objects.usable().filter(pk=pending.pk).update(used_at=now)
        if not claimed:
            raise CodeRefused
        user.set_password(password)
        user.save(update_fields=["password"])
        record_event(
            action=Action.UPDATE,
            actor=user,
            organization=pending.organization,
            role=Role.PARTICIPANT,
            target=Target.of(user),
            participant_id=pending.participant_id,
            changed_fields=["password"],
        )
        leave_notice(
            user=user, organization=pending.organization, kind=NoticeKind.PORTAL_PASSWORD_RESET
        )
    throttle.clear(ThrottleScope.ACCOUNT, username)  # the phone's owner may ask again
    axes_reset(username=username)  # a pause on password sign-in ends with the new password
    return user
