"""Recording an assessment (scored by the engine) and changing the organization's schedule."""

from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from assessments import engine, windows
from assessments.models import (
    BARC10,
    EXTRA,
    Assessment,
    ItemResponse,
    ReassessmentSchedule,
    Respondent,
)
from assessments.schedule import point_for
from assessments.selectors import default_rule, participant_plan
from audit.models import Action
from audit.services import Target, record_member_action
from organizations.models import Membership
from participants.models import Participant


class StaleSchedule(Exception):
    """Someone saved the schedule after this edit began; nothing was written."""

    def __init__(self, current: ReassessmentSchedule) -> None:
        super().__init__("schedule changed since the form was opened")
        self.current = current


def record_assessment(
    *,
    acting: Membership,
    participant: Participant,
    instrument: engine.Instrument,
    language: str,
    administered_on: date,
    answers: dict[str, int | None],
    skipped: set[str],
    note: str = "",
) -> Assessment:
    """Store every item's answer and the engine's score; InvalidAnswer stops it before writing."""
    result = engine.score(instrument, answers)
    point = EXTRA
    if instrument.key == BARC10:
        plan = participant_plan(participant, today=administered_on)
        point = point_for(administered_on, plan_points=plan.points) or EXTRA
    with transaction.atomic():
        assessment = Assessment.objects.create(
            organization=acting.organization,
            participant=participant,
            instrument=instrument.key,
            instrument_version=instrument.version,
            language=language,
            administered_on=administered_on,
            schedule_point=point,
            recorded_by=acting.user,
            total=result.total,
            is_complete=result.is_complete,
            answered=result.answered,
            item_count=result.item_count,
            note=note.strip(),
        )
        ItemResponse.objects.bulk_create(
            ItemResponse(
                organization=acting.organization,
                assessment=assessment,
                item_key=item.key,
                value=answers.get(item.key),
                skipped=item.key in skipped and answers.get(item.key) is None,
            )
            for item in instrument.items
        )
        record_member_action(
            acting=acting,
            action=Action.CREATE,
            target=Target.of(assessment),
            participant_id=participant.id,
            changed_fields=["answers", "total", *(["note"] if note.strip() else [])],
        )
        if instrument.key == BARC10:
            windows.refresh(
                organization_id=acting.organization.pk, participant_ids=[participant.id]
            )
    return assessment


def record_suprt(
    *,
    acting: Membership,
    participant: Participant,
    instrument: engine.Instrument,
    language: str,
    administered_on: date,
    answers: dict[str, engine.Answer],
    time_point: str,
    respondent: Respondent,
) -> Assessment:
    """Store a SUPRT-A or SUPRT-C record: every item's answer (a special answer such as "prefer
    not to say" is stored as its code, never as a blank; items skip logic hid are stored empty),
    the time point it belongs to and who answered. InvalidAnswer stops it before writing."""
    cleaned = engine.check_answers(instrument, answers)
    shown = engine.shown_items(instrument, cleaned)
    answered = sum(1 for item in shown if not cleaned[item.key].is_blank)
    with transaction.atomic():
        assessment = Assessment.objects.create(
            organization=acting.organization,
            participant=participant,
            instrument=instrument.key,
            instrument_version=instrument.version,
            language=language,
            administered_on=administered_on,
            schedule_point=time_point or EXTRA,
            respondent=respondent,
            recorded_by=acting.user,
            total=None,
            is_complete=True,
            answered=answered,
            item_count=len(instrument.items),
        )
        ItemResponse.objects.bulk_create(
            ItemResponse(
                organization=acting.organization,
                assessment=assessment,
                item_key=item.key,
                value=cleaned[item.key].value,
                text=cleaned[item.key].text,
            )
            for item in instrument.items
        )
        record_member_action(
            acting=acting,
            action=Action.CREATE,
            target=Target.of(assessment),
            participant_id=participant.id,
            changed_fields=["answers", f"time_point={time_point or EXTRA}"],
        )
    return assessment


def current_schedule(*, organization_id: int) -> ReassessmentSchedule:
    """The saved schedule, or an unsaved one holding the instrument's defaults."""
    row = ReassessmentSchedule.objects.filter(
        organization_id=organization_id, instrument=BARC10
    ).first()
    if row is not None:
        return row
    rule = default_rule(BARC10)
    return ReassessmentSchedule(
        organization_id=organization_id,
        instrument=BARC10,
        offsets_days=list(rule.offsets_days),
        repeat_every_days=rule.repeat_every_days,
        window_days=rule.window_days,
        version=0,
    )


def update_schedule(
    *, acting: Membership, values: dict[str, Any], expected_version: int
) -> list[str]:
    """Save changed fields only if no one else saved since `expected_version` was read."""
    with transaction.atomic():
        current = (
            ReassessmentSchedule.objects.select_for_update()
            .filter(organization=acting.organization, instrument=BARC10)
            .first()
        )
        if current is None:
            current = current_schedule(organization_id=acting.organization.pk)
        if current.version != expected_version:
            raise StaleSchedule(current=current)
        changed = [name for name, value in values.items() if getattr(current, name) != value]
        if not changed:
            return []
        creating = current.pk is None
        if creating:
            for name in changed:
                setattr(current, name, values[name])
            current.version = 1
            current.updated_by = acting.user
            current.save()
        else:
            ReassessmentSchedule.objects.filter(pk=current.pk).update(
                **{name: values[name] for name in changed},
                version=F("version") + 1,
                updated_by=acting.user,
                updated_at=timezone.now(),
            )
        record_member_action(
            acting=acting,
            action=Action.CREATE if creating else Action.UPDATE,
            target=Target(type="assessments.reassessmentschedule", id=acting.organization.slug),
            changed_fields=changed,
        )
        # Everyone's dates move with the rule: rebuilt in chunks of a few thousand people.
        windows.refresh_organizations([acting.organization.pk])
    return changed
