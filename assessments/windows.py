"""Stored reassessment windows: computed from the schedule rules once per change, not per page.

Every write that can move a person's reassessment dates calls `refresh` for them: recording a
BARC-10 (assessments.services), changing the organization's schedule, and a status step (the
`StatusChange` receiver below, so a break moves the dates and a closed record drops them).
"""

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.models.signals import post_save
from django.utils import timezone

from assessments.models import ReassessmentWindow
from assessments.schedule import State
from assessments.selectors import History, histories, plan_for, rule_from, schedule_row
from lib.bulk import bulk_insert
from participants.models import Participant, StatusChange

# Windows are stored this far ahead; the daily `refresh_reassessments` run moves the horizon on.
HORIZON_DAYS = 400
CHUNK = 2000


def windows_for(
    *,
    organization_id: int,
    participant_id: Any,
    enrolled_on: date,
    status: str,
    status_since: date | None,
    history: History,
    rule: Any,
    today: date,
) -> list[ReassessmentWindow]:
    """The person's points not done yet whose windows are open now or open within the horizon."""
    schedule = plan_for(
        enrolled_on=enrolled_on,
        status=status,
        status_since=status_since,
        history=history,
        rule=rule,
        today=today + timedelta(days=HORIZON_DAYS),
    )
    if schedule.closed:
        return []
    rows = []
    for point in schedule.points:
        if point.state == State.DONE or point.due_on is None:
            continue
        if point.window_end is None or point.window_start is None or point.window_end < today:
            continue
        rows.append(
            ReassessmentWindow(
                organization_id=organization_id,
                participant_id=participant_id,
                label=point.label,
                offset_days=point.offset_days,
                due_on=point.due_on,
                window_days=point.window_days,
                window_start=point.window_start,
                window_end=point.window_end,
            )
        )
    return rows


def refresh(
    *,
    organization_id: int,
    participant_ids: Sequence[Any],
    today: date | None = None,
    overrides: dict[Any, tuple[str, date | None]] | None = None,
) -> int:
    """Recompute these people's windows (three reads and two writes per chunk); `overrides`
    gives a status and its date for people whose row is being changed in the same transaction."""
    today = today or timezone.localdate()
    rule = rule_from(schedule_row(organization_id))
    written = 0
    for start in range(0, len(participant_ids), CHUNK):
        ids = list(participant_ids[start : start + CHUNK])
        people = Participant.objects.filter(
            organization_id=organization_id, pk__in=ids
        ).values_list("id", "enrolled_on", "status", "status_since")
        found = histories(organization_id, ids)
        rows: list[ReassessmentWindow] = []
        for pk, enrolled_on, status, status_since in people:
            if overrides and pk in overrides:
                status, status_since = overrides[pk]
            rows += windows_for(
                organization_id=organization_id,
                participant_id=pk,
                enrolled_on=enrolled_on,
                status=status,
                status_since=status_since,
                history=found.get(pk, History()),
                rule=rule,
                today=today,
            )
        with transaction.atomic():
            ReassessmentWindow.objects.filter(
                organization_id=organization_id, participant_id__in=ids
            ).delete()
            bulk_insert(ReassessmentWindow, rows)
        written += len(rows)
    return written


def refresh_organizations(organization_ids: Iterable[int], *, today: date | None = None) -> int:
    """Every participant of these organizations (the command, the seed and a schedule change)."""
    written = 0
    for organization_id in organization_ids:
        ids = list(
            Participant.objects.filter(organization_id=organization_id)
            .order_by("id")
            .values_list("id", flat=True)
        )
        written += refresh(organization_id=organization_id, participant_ids=ids, today=today)
    return written


def _status_step(sender: Any, instance: StatusChange, created: bool, **kwargs: Any) -> None:
    """A status step moves the dates (a break) or ends them (closed): the participant row is
    updated after the step in the same transaction, so the step's own status is used here."""
    if not created or kwargs.get("raw"):
        return
    refresh(
        organization_id=instance.organization_id,
        participant_ids=[instance.participant_id],
        overrides={instance.participant_id: (instance.to_status, instance.effective_on)},
    )


def connect() -> None:
    post_save.connect(_status_step, sender=StatusChange, dispatch_uid="assessments.windows")
