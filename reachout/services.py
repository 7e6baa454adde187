"""Raising a reach-out-soon signal and acknowledging it; each write one transaction with its
audit event."""

import logging
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from assessments.reach_out import reach_out_reasons
from audit.models import Action
from audit.services import Target, record_event, record_member_action
from lib.signal_words import matching_words
from organizations.models import Membership
from organizations.services import save_organization_row
from participants.models import Participant
from reachout.models import (
    OnCallShift,
    ReachOutSettings,
    Reason,
    Response,
    Signal,
    Source,
    TextChoice,
)
from reachout.selectors import settings_for
from webhooks.models import EventType
from webhooks.services import emit_for

logger = logging.getLogger(__name__)

# Apps above this one act when a signal is raised, inside its transaction (the inbox writes
# the out-of-hours reply): each is called with the acting member (None when the system raised
# it for a person with no portal account) and the new signal.
OnRaised = Callable[[Membership | None, Signal], None]
_ON_RAISED: list[OnRaised] = []


def register_on_raised(hook: OnRaised) -> None:
    if hook not in _ON_RAISED:
        _ON_RAISED.append(hook)


def _raise(
    *,
    acting: Membership | None,
    participant: Participant,
    source: str,
    source_id: uuid.UUID,
    reasons: list[str],
    words_found: Sequence[str] = (),
) -> Signal | None:
    if not reasons:
        return None
    existing = Signal.objects.filter(source=source, source_id=source_id).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            signal = Signal.objects.create(
                organization=participant.organization,
                participant=participant,
                source=source,
                source_id=source_id,
                reasons=reasons,
                words_found="\n".join(words_found),
            )
            if acting is not None:
                record_member_action(
                    acting=acting,
                    action=Action.CREATE,
                    target=Target.of(signal),
                    participant_id=participant.id,
                    changed_fields=["reasons"],
                )
            else:
                record_event(
                    action=Action.CREATE,
                    actor=None,
                    organization=participant.organization,
                    role="",
                    target=Target.of(signal),
                    participant_id=participant.id,
                    changed_fields=["reasons"],
                )
            for hook in _ON_RAISED:
                # In its own savepoint: a failing reply never costs the person their check-in
                # or the signal (Today still shows it).
                try:
                    with transaction.atomic():
                        hook(acting, signal)
                except Exception as error:  # noqa: BLE001 - logged by type only
                    logger.error("after a signal, %s failed: %s", hook, type(error).__name__)
            transaction.on_commit(lambda: after_raise(acting=acting, signal_id=signal.pk))
            emit_for(signal, EventType.CHECK_IN_SIGNAL, "reach_out_signal")
    except IntegrityError:
        # The same check-in saved twice at once: the database keeps one signal.
        return Signal.objects.get(source=source, source_id=source_id)
    return signal


def raise_for_check_in(
    *,
    acting: Membership,
    participant: Participant,
    check_in_id: uuid.UUID,
    answers: Mapping[str, int | None],
    asked_for_call: bool,
) -> Signal | None:
    """A signal when the check-in's answers are among those the organization chose."""
    chosen = settings_for(acting.organization).reasons_on()
    reasons = [str(reason) for reason in reach_out_reasons(answers) if reason in chosen]
    if asked_for_call and Reason.CALL_ASKED in chosen:
        reasons.append(Reason.CALL_ASKED)
    return _raise(
        acting=acting,
        participant=participant,
        source=Source.CHECK_IN,
        source_id=check_in_id,
        reasons=reasons,
    )


def raise_for_call_request(
    *, acting: Membership, participant: Participant, request_id: uuid.UUID
) -> Signal | None:
    """A signal for "I'd like a call" asked from the portal, when the organization chose it."""
    chosen = settings_for(acting.organization).reasons_on()
    reasons = [Reason.CALL_ASKED.value] if Reason.CALL_ASKED in chosen else []
    return _raise(
        acting=acting,
        participant=participant,
        source=Source.CALL_REQUEST,
        source_id=request_id,
        reasons=reasons,
    )


def raise_for_message(
    *, acting: Membership, participant: Participant, message_id: uuid.UUID, text: str
) -> Signal | None:
    """A signal when a participant's message contains words the organization listed."""
    found = matching_words(text, settings_for(acting.organization).word_list())
    return _raise(
        acting=acting,
        participant=participant,
        source=Source.MESSAGE,
        source_id=message_id,
        reasons=[Reason.WORDS.value] if found else [],
        words_found=found,
    )


def raise_for_text(*, participant: Participant, message_id: uuid.UUID, text: str) -> Signal | None:
    """A text from a person with no portal account: the same listed words ask for a reach-out
    as in a portal message. With no membership to act as, the system raises it in the audit."""
    found = matching_words(text, settings_for(participant.organization).word_list())
    return _raise(
        acting=None,
        participant=participant,
        source=Source.MESSAGE,
        source_id=message_id,
        reasons=[Reason.WORDS.value] if found else [],
        words_found=found,
    )


@dataclass(frozen=True)
class Acknowledged:
    signal: Signal
    by_me: bool  # False: someone else had acknowledged it first; `signal` says who and when


def acknowledge(
    *, acting: Membership, signal: Signal, response: str, note: str = ""
) -> Acknowledged:
    """Record who reached out, when, and what they did. Two people at once: the first one wins
    and the other is told who already did."""
    assert response in Response.values
    with transaction.atomic():
        now = timezone.now()
        updated = Signal.objects.filter(pk=signal.pk, acknowledged_at__isnull=True).update(
            acknowledged_at=now,
            acknowledged_by=acting.user,
            response=response,
            response_note=note.strip(),
        )
        current = Signal.objects.select_related("acknowledged_by", "participant").get(pk=signal.pk)
        if updated:
            record_member_action(
                acting=acting,
                action=Action.UPDATE,
                target=Target.of(current),
                participant_id=current.participant_id,
                changed_fields=["response", "response_note"] if note.strip() else ["response"],
            )
    return Acknowledged(current, by_me=bool(updated))


def after_raise(*, acting: Membership | None, signal_id: uuid.UUID) -> None:
    """Once the signal is stored: text the coach if they chose that, and queue the texts to
    whoever covers it should nobody answer within the window."""
    from reachout import alerts  # the job handler registers itself on import

    # The signal is stored and on Today whatever happens here: a failure to text or to queue
    # must never turn the person's check-in into an error page.
    try:
        alerts.text_coach(signal_id)
    except Exception as error:  # noqa: BLE001 - logged by type; Today still shows the signal
        logger.error("coach text after a signal failed: %s", type(error).__name__)
    try:
        alerts.queue_escalation(acting=acting, signal_id=signal_id)
    except Exception as error:  # noqa: BLE001 - Today escalates without the job
        logger.error("escalation texts not queued: %s", type(error).__name__)


def save_text_choice(
    *, acting: Membership, phone: str, on_own_signals: bool, on_escalations: bool
) -> TextChoice:
    """A staff member's own choice of texts about signals (the phone number is encrypted)."""
    with transaction.atomic():
        choice, _created = TextChoice.objects.select_for_update().get_or_create(user=acting.user)
        changed = [
            name
            for name, value in (
                ("phone", phone),
                ("on_own_signals", on_own_signals),
                ("on_escalations", on_escalations),
            )
            if getattr(choice, name) != value
        ]
        choice.phone, choice.on_own_signals, choice.on_escalations = (
            phone,
            on_own_signals,
            on_escalations,
        )
        choice.save()
        if changed:
            record_member_action(
                acting=acting,
                action=Action.UPDATE,
                target=Target.of(choice),
                changed_fields=changed,
            )
    return choice


def save_settings(
    *, acting: Membership, values: Mapping[str, object]
) -> tuple[ReachOutSettings, list[str]]:
    """Store the organization's choices; returns the row and the names of what changed."""
    return save_organization_row(acting=acting, model=ReachOutSettings, values=values)


def add_shift(
    *,
    acting: Membership,
    person: Any,
    team: Any,
    starts_at: datetime,
    ends_at: datetime,
) -> OnCallShift:
    """Put someone on call (for one team, or the whole program when `team` is None)."""
    with transaction.atomic():
        shift = OnCallShift.objects.create(
            organization=acting.organization,
            team=team,
            person=person,
            starts_at=starts_at,
            ends_at=ends_at,
            created_by=acting.user,
        )
        record_member_action(
            acting=acting,
            action=Action.CREATE,
            target=Target.of(shift),
            changed_fields=["person", "team", "starts_at", "ends_at"],
        )
    return shift


def remove_shift(*, acting: Membership, shift: OnCallShift) -> None:
    with transaction.atomic():
        target = Target.of(shift)
        shift.delete()
        record_member_action(acting=acting, action=Action.DELETE, target=target)
