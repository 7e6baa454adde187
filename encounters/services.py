"""Recording, signing and amending contacts; each write is one transaction with its audit event."""

import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from audit.models import Action
from audit.services import Target, record_member_action
from encounters.extensions import signed_hooks
from encounters.models import (
    DEFAULT_SERVICE_TYPES,
    LATE_ENTRY_HOURS,
    Addendum,
    CheckInSchedule,
    ContactType,
    Encounter,
    NoteState,
    Outcome,
    ReviewState,
    ServiceType,
)
from organizations.models import Membership, Organization
from participants.models import Participant
from participants.selectors import asked_not_to_be_contacted
from webhooks.models import EventType
from webhooks.services import emit_for

CONTENT_FIELDS = (
    "contact_type", "outcome", "started_at", "duration_minutes", "setting", "service_type_id",
    "summary", "topics", "coach_actions", "participant_response", "own_words", "next_steps",
    "next_contact_on",
)  # fmt: skip


class NoteLocked(Exception):
    """The note is signed: it can only be amended by an addendum."""


class StaleNote(Exception):
    """The note was saved elsewhere after this edit began; nothing was written."""

    def __init__(self, current: Encounter) -> None:
        super().__init__("note changed since the form was opened")
        self.current = current


class EmptyNote(Exception):
    """There is nothing written to sign."""


def ensure_service_types(organization: Organization) -> None:
    """Give an organization the default service list once; admins edit it from there."""
    if ServiceType.objects.filter(organization=organization).exists():
        return
    ServiceType.objects.bulk_create(
        ServiceType(organization=organization, name=name, position=index)
        for index, name in enumerate(DEFAULT_SERVICE_TYPES)
    )


def save_service_type(
    *,
    acting: Membership,
    service: ServiceType | None,
    name: str | None = None,
    needs_cosign: bool | None = None,
    is_active: bool | None = None,
) -> ServiceType:
    """Add a service to the organization's list, or change one; services are never deleted
    because signed notes refer to them."""
    with transaction.atomic():
        if service is None:
            service = ServiceType.objects.create(
                organization=acting.organization,
                name=name or "",
                needs_cosign=bool(needs_cosign),
                position=ServiceType.objects.filter(organization=acting.organization).count(),
            )
            changed = ["name", "needs_cosign"]
        else:
            wanted = {"name": name, "needs_cosign": needs_cosign, "is_active": is_active}
            changed = [k for k, v in wanted.items() if v is not None and getattr(service, k) != v]
            for key in changed:
                setattr(service, key, wanted[key])
            service.save()
        record_member_action(
            acting=acting,
            action=Action.UPDATE,
            target=Target(type="encounters.servicetype", id=str(service.pk)),
            changed_fields=changed,
        )
    return service


def _audit(acting: Membership, action: Action, encounter: Encounter, fields: list[str]) -> None:
    record_member_action(
        acting=acting,
        action=action,
        target=Target.of(encounter),
        participant_id=encounter.participant_id,
        changed_fields=fields,
    )


def local_date(moment: datetime, organization: Organization) -> date:
    return moment.astimezone(ZoneInfo(organization.time_zone)).date()


def _touch_participant(encounter: Encounter) -> None:
    """A contact that reached the person moves 'last contact'; a next date moves 'next'."""
    updates: dict[str, Any] = {}
    if encounter.counts_as_contact:
        Participant.objects.filter(
            Q(last_contact_on__isnull=True) | Q(last_contact_on__lt=encounter.occurred_on),
            pk=encounter.participant_id,
        ).update(last_contact_on=encounter.occurred_on)
    if encounter.next_contact_on:
        updates["next_contact_on"] = encounter.next_contact_on
    if updates:
        # Someone who asked not to be contacted gets no outreach planned, even when a form
        # opened before they asked carries a next date (it stays on the note, as written).
        Participant.objects.open_to_outreach().filter(pk=encounter.participant_id).update(**updates)


def record_encounter(
    *, acting: Membership, participant: Participant, values: dict[str, Any], brief: bool
) -> Encounter:
    values = dict(values)
    goals = values.pop("goals_addressed", None)
    with transaction.atomic():
        encounter = Encounter(
            organization=acting.organization,
            participant=participant,
            author=acting.user,
            is_brief=brief,
            **values,
        )
        encounter.occurred_on = local_date(encounter.started_at, acting.organization)
        encounter.save(force_insert=True)
        if goals:
            encounter.goals_addressed.set(goals)
            values["goals_addressed"] = goals
        _touch_participant(encounter)
        _audit(
            acting, Action.CREATE, encounter, [k for k, v in values.items() if v not in ("", None)]
        )
    return encounter


def _refuse_if_locked(acting: Membership, encounter: Encounter) -> None:
    if encounter.state == NoteState.SIGNED or encounter.author_id != acting.user_id:
        raise NoteLocked


def record_refused_edit(*, acting: Membership, encounter: Encounter) -> None:
    """A change to a note that is signed (or someone else's) was attempted and refused."""
    _audit(acting, Action.PERMISSION_DENIED, encounter, ["signed note"])


@contextmanager
def _audited_refusal(acting: Membership, encounter: Encounter) -> Iterator[None]:
    """Record a refused change to a locked note after its transaction has rolled back."""
    try:
        yield
    except NoteLocked:
        record_refused_edit(acting=acting, encounter=encounter)
        raise


def update_encounter(
    *,
    acting: Membership,
    encounter: Encounter,
    values: dict[str, Any],
    expected_version: int,
    brief: bool,
) -> list[str]:
    with _audited_refusal(acting, encounter), transaction.atomic():
        current = Encounter.objects.select_for_update().get(pk=encounter.pk)
        _refuse_if_locked(acting, current)
        if current.version != expected_version:
            raise StaleNote(current)
        values = dict(values)
        goals = values.pop("goals_addressed", None)
        changed = [name for name, value in values.items() if getattr(current, name) != value]
        if goals is not None and {g.pk for g in goals} != set(
            current.goals_addressed.values_list("pk", flat=True)
        ):
            changed.append("goals_addressed")
            current.goals_addressed.set(goals)
        if current.is_brief and not brief:
            changed.append("is_brief")
        if not changed:
            return []
        for name, value in values.items():
            setattr(current, name, value)
        current.is_brief = current.is_brief and brief
        current.occurred_on = local_date(current.started_at, acting.organization)
        current.version = F("version") + 1
        current.save()
        _touch_participant(current)
        _audit(acting, Action.UPDATE, current, changed)
    encounter.refresh_from_db()
    return changed


def content_hash(encounter: Encounter, *, signer_id: int, signed_at: datetime) -> str:
    payload = {name: str(getattr(encounter, name)) for name in CONTENT_FIELDS}
    payload.update(signer=str(signer_id), signed_at=signed_at.isoformat(), id=str(encounter.id))
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def sign_encounter(*, acting: Membership, encounter: Encounter) -> Encounter:
    """Lock the note under the signer's name and credential; late entries are marked."""
    with _audited_refusal(acting, encounter), transaction.atomic():
        current = Encounter.objects.select_for_update().get(pk=encounter.pk)
        _refuse_if_locked(acting, current)
        if not current.has_content:
            raise EmptyNote
        now = timezone.now()
        current.state = NoteState.SIGNED
        current.signed_at = now
        current.signed_by = acting.user
        current.signer_credentials = acting.user.credentials
        current.late_entry = now - current.started_at > timedelta(hours=LATE_ENTRY_HOURS)
        current.content_hash = content_hash(current, signer_id=acting.user.pk, signed_at=now)
        if needs_cosign(current, acting):
            current.review_state = ReviewState.PENDING
        current.version += 1
        current.save()
        _audit(acting, Action.UPDATE, current, ["state", "signed_at"])
        for hook in signed_hooks():
            hook(acting=acting, encounter=current)
        emit_for(current, EventType.NOTE_SIGNED, "encounter")
    return current


def record_and_sign(
    *, acting: Membership, participant: Participant, values: dict[str, Any], brief: bool
) -> Encounter:
    """Save and sign: the note is created and signed in one transaction, each step audited as
    on its own. A note signing refuses (nothing written yet) is kept as a draft: the caller
    tells by `is_signed`."""
    with transaction.atomic():
        encounter = record_encounter(
            acting=acting, participant=participant, values=values, brief=brief
        )
        try:
            return sign_encounter(acting=acting, encounter=encounter)
        except EmptyNote:
            return encounter


def update_and_sign(
    *,
    acting: Membership,
    encounter: Encounter,
    values: dict[str, Any],
    expected_version: int,
    brief: bool,
) -> Encounter:
    """A draft saved and signed at once; kept as a saved draft when signing refuses."""
    with _audited_refusal(acting, encounter), transaction.atomic():
        update_encounter(
            acting=acting,
            encounter=encounter,
            values=values,
            expected_version=expected_version,
            brief=brief,
        )
        try:
            return sign_encounter(acting=acting, encounter=encounter)
        except EmptyNote:
            return encounter


def needs_cosign(encounter: Encounter, author_membership: Membership) -> bool:
    """The organization's choice: all notes, some service types, or notes of some coaches."""
    service = encounter.service_type
    return bool(
        author_membership.organization.cosign_all_notes
        or (service is not None and service.needs_cosign)
        or author_membership.notes_need_cosign
    )


class NotReviewable(Exception):
    """Only a signed note waiting for review, written by someone else, can be co-signed."""


def _review(
    *, acting: Membership, encounter: Encounter, state: str, comment: str = ""
) -> Encounter:
    with transaction.atomic():
        current = Encounter.objects.select_for_update().get(pk=encounter.pk)
        if current.review_state != ReviewState.PENDING or current.author_id == acting.user_id:
            raise NotReviewable
        current.review_state = state
        current.reviewed_by = acting.user
        current.reviewed_at = timezone.now()
        current.review_comment = comment.strip()
        current.review_comment_seen = not comment.strip()
        current.save(
            update_fields=[
                "review_state",
                "reviewed_by",
                "reviewed_at",
                "review_comment",
                "review_comment_seen",
                "updated_at",
            ]
        )
        _audit(acting, Action.UPDATE, current, ["review_state"])
    return current


def cosign_encounter(*, acting: Membership, encounter: Encounter) -> Encounter:
    return _review(acting=acting, encounter=encounter, state=ReviewState.COSIGNED)


def return_encounter(*, acting: Membership, encounter: Encounter, comment: str) -> Encounter:
    return _review(acting=acting, encounter=encounter, state=ReviewState.RETURNED, comment=comment)


def mark_review_comment_seen(*, acting: Membership, encounter: Encounter) -> None:
    if encounter.author_id == acting.user_id and not encounter.review_comment_seen:
        Encounter.objects.filter(pk=encounter.pk).update(review_comment_seen=True)


def add_addendum(*, acting: Membership, encounter: Encounter, text: str) -> Addendum:
    """A dated addition; an addendum from the author answers a returned note, which then goes
    back to the supervisor."""
    if encounter.state != NoteState.SIGNED:
        raise ValueError("addenda are for signed notes; edit the draft instead")
    with transaction.atomic():
        if encounter.review_state == ReviewState.RETURNED and encounter.author_id == acting.user_id:
            Encounter.objects.filter(pk=encounter.pk).update(
                review_state=ReviewState.PENDING, review_comment_seen=True
            )
        addendum = Addendum.objects.create(
            organization=acting.organization,
            encounter=encounter,
            author=acting.user,
            text=text.strip(),
            content_hash=hashlib.sha256(
                f"{encounter.content_hash}|{acting.user_id}|{text.strip()}".encode()
            ).hexdigest(),
        )
        _audit(acting, Action.CREATE, encounter, ["addendum"])
    return addendum


@dataclass(frozen=True)
class OutcomeResult:
    encounter: Encounter
    next_contact_on: date | None


def record_call_outcome(
    *, acting: Membership, participant: Participant, outcome: str, next_contact_on: date | None
) -> OutcomeResult:
    """Today's one-click outcome: an attempt is logged and signed at once; a call that reached
    the person starts a draft note to finish. Either way the next contact is rescheduled."""
    reached = outcome == Outcome.REACHED
    labels = dict(Outcome.choices)
    # Read fresh: "please don't contact me" may have been recorded in another tab meanwhile.
    # The call is still recorded; no next try is planned.
    if asked_not_to_be_contacted(participant):
        next_contact_on = None
    encounter = record_encounter(
        acting=acting,
        participant=participant,
        brief=True,
        values={
            "contact_type": ContactType.PHONE if reached else ContactType.OUTREACH,
            "outcome": outcome,
            "started_at": timezone.now(),
            "summary": f"Phone call: {str(labels[outcome]).lower()}.",
            "next_contact_on": next_contact_on,
        },
    )
    if not reached:
        encounter = sign_encounter(acting=acting, encounter=encounter)
    return OutcomeResult(encounter=encounter, next_contact_on=next_contact_on)


def create_schedule(
    *, acting: Membership, participant: Participant, values: dict[str, Any]
) -> CheckInSchedule:
    with transaction.atomic():
        schedule = CheckInSchedule.objects.create(
            organization=acting.organization,
            participant=participant,
            created_by=acting.user,
            **values,
        )
        record_member_action(
            acting=acting,
            action=Action.CREATE,
            target=Target(type="encounters.checkinschedule", id=str(schedule.id)),
            participant_id=participant.id,
            changed_fields=list(values),
        )
    return schedule


def change_schedule(*, acting: Membership, schedule: CheckInSchedule, action: str) -> None:
    """Pause, resume or end a schedule: one click each, audited."""
    if action == "pause":
        schedule.paused = True
    elif action == "resume":
        schedule.paused = False
    elif action == "end":
        schedule.ended_on = timezone.localdate()
    else:
        raise ValueError(action)
    with transaction.atomic():
        schedule.save(update_fields=["paused", "ended_on"])
        record_member_action(
            acting=acting,
            action=Action.UPDATE,
            target=Target(type="encounters.checkinschedule", id=str(schedule.id)),
            participant_id=schedule.participant_id,
            changed_fields=["ended_on" if action == "end" else "paused"],
        )
