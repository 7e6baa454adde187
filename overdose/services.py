"""Recording naloxone kits and overdoses, and closing post-overdose outreach; each write one
transaction with its audit event."""

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from audit.models import Action
from audit.services import Target, record_member_action
from organizations.models import Membership
from organizations.services import save_organization_row
from overdose.models import KitGiven, Outcome, OutreachPlan, OverdoseEvent, Whose
from overdose.selectors import outreach_plan
from participants.models import Participant

EVENT_FIELDS = (
    "whose",
    "happened_on",
    "place",
    "naloxone_used",
    "reversed",
    "emergency_services",
    "outcome",
    "in_their_words",
)


def record_kits(
    *,
    acting: Membership,
    participant: Participant,
    given_on: date,
    kits: int,
    training_given: bool,
) -> KitGiven:
    with transaction.atomic():
        row = KitGiven.objects.create(
            organization=acting.organization,
            participant=participant,
            given_on=given_on,
            kits=kits,
            training_given=training_given,
            given_by=acting.user,
        )
        record_member_action(
            acting=acting,
            action=Action.CREATE,
            target=Target.of(row),
            participant_id=participant.id,
            changed_fields=["given_on", "kits", "training_given"],
        )
    return row


def record_overdose(
    *, acting: Membership, participant: Participant, values: dict[str, Any], reported_by: str
) -> OverdoseEvent:
    """Their own overdose that they survived (or whose outcome is not known yet) starts
    post-overdose outreach: a first contact due within the program's hours (24 to 72) of
    learning of it."""
    now = timezone.now()
    within = timedelta(hours=outreach_plan(acting.organization).within_hours)
    starts_outreach = values["whose"] == Whose.THEIR_OWN and values["outcome"] != Outcome.DIED
    with transaction.atomic():
        event = OverdoseEvent.objects.create(
            organization=acting.organization,
            participant=participant,
            reported_by=reported_by,
            recorded_by=acting.user,
            recorded_at=now,
            outreach_due_at=now + within if starts_outreach else None,
            **{name: values[name] for name in EVENT_FIELDS},
        )
        record_member_action(
            acting=acting,
            action=Action.CREATE,
            target=Target.of(event),
            participant_id=participant.id,
            changed_fields=[name for name in EVENT_FIELDS if values[name] not in ("", None)],
        )
    return event


def mark_outreach_done(*, acting: Membership, event: OverdoseEvent) -> bool:
    """The coach reached the person after their overdose; marking twice changes nothing."""
    with transaction.atomic():
        updated = OverdoseEvent.objects.filter(
            pk=event.pk, outreach_due_at__isnull=False, outreach_done_at__isnull=True
        ).update(outreach_done_at=timezone.now(), outreach_done_by=acting.user)
        if updated:
            record_member_action(
                acting=acting,
                action=Action.UPDATE,
                target=Target.of(event),
                participant_id=event.participant_id,
                changed_fields=["outreach_done_at"],
            )
    return bool(updated)


def save_outreach_plan(
    *, acting: Membership, values: Mapping[str, object]
) -> tuple[OutreachPlan, list[str]]:
    """The program's post-overdose outreach: hours to a first contact, and its steps."""
    return save_organization_row(acting=acting, model=OutreachPlan, values=values)
