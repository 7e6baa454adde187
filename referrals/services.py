"""Referral writes: sending one (only through the disclosure service), the partner's link and
code, the partner's answers, and the coach closing it. Each runs in one transaction with its
audit event; the partner, who has no account, is audited as the role "partner"."""

import hashlib
import hmac
import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import Enum

from django.db import transaction
from django.utils import timezone

from audit.models import Action
from audit.services import Target, record_event, record_member_action
from consent.services import disclose, disclosed_sections
from directory.models import Service
from lib.blind_index import keyed_hash
from organizations.models import Membership
from organizations.services import save_organization_row
from participants.models import Participant
from referrals.models import Referral, ReferralChange, ReferralSettings, ReferralState
from webhooks.models import EventType
from webhooks.services import emit_for

# The purpose a consent must name (or be a consent for treatment, payment and operations).
PURPOSE = "Referral"
LINK_DAYS = 30
CODE_TRIES = 5
PAUSE = timedelta(minutes=15)
PARTNER = "partner"  # the audit role of someone answering through a referral's link


class WrongState(Exception):
    """The referral is not in a state that allows this change; nothing was written."""


@dataclass(frozen=True)
class SentLink:
    """A referral with its partner link's secrets, shown to the coach once and never kept."""

    referral: Referral
    token: str
    code: str


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _give_link(referral: Referral, now: datetime) -> tuple[str, str]:
    token = secrets.token_urlsafe(32)
    code = f"{secrets.randbelow(10**8):08d}"
    referral.token_hash = hash_token(token)
    referral.code_hash = keyed_hash(code)
    referral.link_expires_at = now + timedelta(days=LINK_DAYS)
    referral.wrong_codes = 0
    referral.paused_until = None
    return token, code


def _change(referral: Referral, state: str, *, by: Membership | None, now: datetime) -> None:
    referral.state = state
    ReferralChange.objects.create(
        organization_id=referral.organization_id,
        referral=referral,
        state=state,
        changed_by=by.user if by else None,
        by_partner=by is None,
        changed_at=now,
    )
    emit_for(referral, EventType.REFERRAL_STATE_CHANGED, "referral")


def send_referral(
    *,
    acting: Membership,
    participant: Participant,
    service: Service,
    need: str,
    note: str,
    categories: list[str],
) -> SentLink:
    """Refers the participant to the service. What leaves goes through `disclose` (to the
    service's provider, for a referral): without a consent that covers it, DisclosureRefused
    is raised and nothing is written."""
    with transaction.atomic():
        disclosed = disclose(
            acting=acting,
            participant=participant,
            recipient=service.provider.name,
            purpose=PURPOSE,
            categories=categories,
        )
        now = timezone.now()
        referral = Referral(
            organization=acting.organization,
            participant=participant,
            service=service,
            disclosure=disclosed.disclosure,
            need=need,
            categories=categories,
            note_for_partner=note.strip()[:500],
            shared_sections=json.dumps(disclosed_sections(participant, categories)),
            state=ReferralState.SENT,
            sent_by=acting.user,
            sent_at=now,
        )
        token, code = _give_link(referral, now)
        referral.save(force_insert=True)
        _change(referral, ReferralState.SENT, by=acting, now=now)
        record_member_action(
            acting=acting,
            action=Action.CREATE,
            target=Target.of(referral),
            participant_id=participant.id,
            changed_fields=["state", "need", "note_for_partner", "categories", "link"],
        )
    return SentLink(referral, token, code)


def renew_link(*, acting: Membership, referral: Referral) -> SentLink:
    """A new link and code for the partner (the old ones stop working at once)."""
    with transaction.atomic():
        locked = Referral.objects.select_for_update().get(pk=referral.pk)
        if locked.state in ReferralState.final():
            raise WrongState(locked.state)
        token, code = _give_link(locked, timezone.now())
        locked.save(
            update_fields=[
                "token_hash",
                "code_hash",
                "link_expires_at",
                "wrong_codes",
                "paused_until",
            ]
        )
        record_member_action(
            acting=acting,
            action=Action.UPDATE,
            target=Target.of(locked),
            participant_id=locked.participant_id,
            changed_fields=["link"],
        )
    return SentLink(locked, token, code)


def close_referral(*, acting: Membership, referral: Referral) -> None:
    """The coach closes the referral; its link opens nothing more."""
    with transaction.atomic():
        locked = Referral.objects.select_for_update().get(pk=referral.pk)
        if locked.state == ReferralState.CLOSED:
            return
        _change(locked, ReferralState.CLOSED, by=acting, now=timezone.now())
        locked.token_hash = None
        locked.save(update_fields=["state", "token_hash"])
        record_member_action(
            acting=acting,
            action=Action.UPDATE,
            target=Target.of(locked),
            participant_id=locked.participant_id,
            changed_fields=["state", "link"],
        )


# --- the partner, through the link ------------------------------------------------------------


def _partner_event(referral: Referral, action: Action, fields: list[str]) -> None:
    record_event(
        action=action,
        actor=None,
        organization=referral.organization,
        role=PARTNER,
        target=Target.of(referral),
        participant_id=referral.participant_id,
        changed_fields=fields,
    )


class CodeAnswer(Enum):
    OPEN = "open"
    WRONG = "wrong"
    PAUSED = "paused"


def try_code(*, referral: Referral, code: str) -> CodeAnswer:
    """Checks the code the partner typed; too many wrong codes pause the link for a while."""
    typed = "".join(ch for ch in code if ch.isdigit())
    now = timezone.now()
    with transaction.atomic():
        locked = Referral.objects.select_for_update().get(pk=referral.pk)
        if locked.paused_until is not None and locked.paused_until > now:
            return CodeAnswer.PAUSED
        if typed and hmac.compare_digest(keyed_hash(typed), locked.code_hash):
            first = locked.opened_at is None
            locked.wrong_codes = 0
            locked.paused_until = None
            locked.opened_at = locked.opened_at or now
            locked.save(update_fields=["wrong_codes", "paused_until", "opened_at"])
            if first:
                _partner_event(locked, Action.UPDATE, ["opened"])
            return CodeAnswer.OPEN
        locked.wrong_codes += 1
        answer = CodeAnswer.WRONG
        if locked.wrong_codes >= CODE_TRIES:
            locked.wrong_codes = 0
            locked.paused_until = now + PAUSE
            answer = CodeAnswer.PAUSED
        locked.save(update_fields=["wrong_codes", "paused_until"])
        _partner_event(locked, Action.PERMISSION_DENIED, ["code"])
    return answer


def partner_viewed(*, referral: Referral) -> None:
    _partner_event(referral, Action.VIEW, [])


class Answer:
    ACCEPT = "accept"
    DECLINE = "decline"
    SEEN = "seen"
    ALL = (ACCEPT, DECLINE, SEEN)


# Which answer the partner may give from which state.
ALLOWED = {
    Answer.ACCEPT: {ReferralState.SENT},
    Answer.DECLINE: {ReferralState.SENT, ReferralState.ACCEPTED},
    Answer.SEEN: {ReferralState.SENT, ReferralState.ACCEPTED},
}


def partner_answer(
    *, referral: Referral, answer: str, reason: str = "", first_service_on: date | None = None
) -> Referral:
    """The partner accepts, declines (with a reason), or says the first service happened."""
    now = timezone.now()
    with transaction.atomic():
        locked = Referral.objects.select_for_update().get(pk=referral.pk)
        if answer not in ALLOWED or locked.state not in ALLOWED[answer]:
            raise WrongState(locked.state)
        fields = ["state"]
        if answer == Answer.ACCEPT:
            _change(locked, ReferralState.ACCEPTED, by=None, now=now)
            locked.accepted_at = now
            fields.append("accepted_at")
        elif answer == Answer.DECLINE:
            _change(locked, ReferralState.DECLINED, by=None, now=now)
            locked.decline_reason = reason.strip()[:300]
            fields.append("decline_reason")
        else:
            if first_service_on is None:
                raise WrongState(locked.state)
            _change(locked, ReferralState.COMPLETED, by=None, now=now)
            locked.first_service_on = first_service_on
            # Seeing the person is accepting them, for the counts.
            locked.accepted_at = locked.accepted_at or now
            fields += ["first_service_on", "accepted_at"]
        locked.save(update_fields=fields)
        _partner_event(locked, Action.UPDATE, fields)
    return locked


def save_settings(
    *, acting: Membership, values: Mapping[str, object]
) -> tuple[ReferralSettings, list[str]]:
    """The program's referral choices (days a partner has to answer), audited as one update."""
    return save_organization_row(acting=acting, model=ReferralSettings, values=values)
