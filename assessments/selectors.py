"""Reads for the assessments app that other pages show: the overview card, Today's list, plans."""

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Value
from django.utils import timezone

from accounts.models import AnyUser
from assessments import engine
from assessments.models import (
    BARC10,
    CHECKIN,
    Assessment,
    ItemResponse,
    ReassessmentSchedule,
    ReassessmentWindow,
)
from assessments.schedule import PAUSED, Plan, Point, Rule, Span, State, pause_spans, plan
from assessments.today_rows import reassessment_rows
from lib.prepared import prepared
from organizations.models import Membership, Organization
from participants.models import Participant, ParticipantStatus, StatusChange
from participants.selectors import own_open_caseload_of, per_coach

TODAY_LIMIT = 50


def default_rule(instrument_key: str = BARC10) -> Rule:
    defaults = engine.instrument(instrument_key).reassessment
    if defaults is None:
        return Rule()
    return Rule(
        offsets_days=defaults.offsets_days,
        repeat_every_days=defaults.repeat_every_days,
        window_days=defaults.window_days,
        baseline=defaults.baseline,
    )


def rule_from(row: ReassessmentSchedule | None) -> Rule:
    if row is None:
        return default_rule()
    return Rule(
        offsets_days=tuple(int(o) for o in row.offsets_days),
        repeat_every_days=row.repeat_every_days,
        window_days=row.window_days,
    )


def schedule_row(organization: Organization | int) -> ReassessmentSchedule | None:
    org_id = organization if isinstance(organization, int) else organization.pk
    found = _schedule_row.fetch(organization_id=org_id)
    return found[0] if found else None


@prepared
def _schedule_row(*, organization_id: int) -> "QuerySet[ReassessmentSchedule]":
    return ReassessmentSchedule.objects.filter(
        organization_id=organization_id, instrument=BARC10
    ).order_by("pk")[:1]


@dataclass
class History:
    """What the schedule needs about one participant: break steps and BARC-10 dates and totals."""

    steps: list[tuple[date, str]] = field(default_factory=list)
    assessed: list[tuple[date, int | None]] = field(default_factory=list)


def histories(
    organization_id: int, participants: "QuerySet[Any] | list[uuid.UUID]"
) -> dict[Any, History]:
    """Status steps into or out of a break and BARC-10 dates, for many participants in ONE query
    (a UNION), so the overview and Today stay at a fixed number of queries."""
    steps = (
        StatusChange.objects.filter(
            organization_id=organization_id, participant_id__in=participants
        )
        .filter(Q(to_status=PAUSED) | Q(from_status=PAUSED))
        .order_by()
        .values_list(
            "participant_id",
            "effective_on",
            "to_status",
            "created_at",
            Value(None, output_field=IntegerField()),
            Value(0, output_field=IntegerField()),
        )
    )
    assessed = (
        Assessment.objects.filter(
            organization_id=organization_id, participant_id__in=participants, instrument=BARC10
        )
        .order_by()
        .values_list(
            "participant_id",
            "administered_on",
            "instrument",
            "created_at",
            "total",
            Value(1, output_field=IntegerField()),
        )
    )
    found: dict[Any, History] = defaultdict(History)
    rows = sorted(steps.union(assessed, all=True), key=lambda r: (r[1], r[3]))
    for participant_id, day, text, _created, total, kind in rows:
        if kind == 0:
            found[participant_id].steps.append((day, text))
        else:
            found[participant_id].assessed.append((day, total))
    return found


def plan_for(
    *,
    enrolled_on: date,
    status: str,
    status_since: date | None,
    history: History,
    rule: Rule,
    today: date,
) -> Plan:
    spans: list[Span] = pause_spans(history.steps, status=status, status_since=status_since)
    return plan(
        enrolled_on=enrolled_on,
        rule=rule,
        today=today,
        status=status,
        spans=spans,
        done_dates=[day for day, _ in history.assessed],
    )


def participant_plan(participant: Participant, *, today: date | None = None) -> Plan:
    history = histories(participant.organization_id, [participant.id]).get(
        participant.id, History()
    )
    return plan_for(
        enrolled_on=participant.enrolled_on,
        status=participant.status,
        status_since=participant.status_since,
        history=history,
        rule=rule_from(schedule_row(participant.organization_id)),
        today=today or timezone.localdate(),
    )


def overview_panel(*, participant: Participant) -> dict[str, Any]:
    """What the participant overview shows about assessments (one card): two queries."""
    today = timezone.localdate()
    rule = rule_from(schedule_row(participant.organization_id))
    history = histories(participant.organization_id, [participant.id]).get(
        participant.id, History()
    )
    schedule = plan_for(
        enrolled_on=participant.enrolled_on,
        status=participant.status,
        status_since=participant.status_since,
        history=history,
        rule=rule,
        today=today,
    )
    totals = [(day, total) for day, total in history.assessed if total is not None]
    latest = totals[-1] if totals else None
    barc10 = engine.instrument(BARC10)
    band = barc10.band_for(latest[1]) if latest else None
    return {
        "participant": participant,
        "latest": latest,
        "band": band.label("en") if band else "",
        "maximum": barc10.maximum,
        "next": schedule.next,
        "on_break": schedule.on_break,
        "closed": schedule.closed,
    }


@dataclass(frozen=True)
class DueReassessment:
    participant: Participant
    point: Point


def reassessments_due(
    *, organization: Organization, participants: "QuerySet[Participant]", today: date
) -> list[DueReassessment]:
    """Participants whose reassessment window is open and not yet done (due or overdue), in one
    indexed query on the stored windows (assessments.windows keeps them current)."""
    return _earliest_points(_open_windows(organization.pk, participants, today), today)


def _open_windows(
    organization_id: int, participants: "QuerySet[Participant]", today: date
) -> "QuerySet[ReassessmentWindow]":
    return (
        ReassessmentWindow.objects.filter(
            organization_id=organization_id,
            participant__in=participants.filter(
                status__in=(ParticipantStatus.ACTIVE, ParticipantStatus.REFERRED)
            ).values("id"),
            window_start__lte=today,
            window_end__gte=today,
        )
        .select_related("participant")
        .only(
            "participant_id",
            "label",
            "offset_days",
            "due_on",
            "window_days",
            "participant__id",
            "participant__preferred_name",
            "participant__pronouns",
            "participant__legal_name",
            "participant__date_of_birth",
            "participant__age_range",
        )
        .order_by("due_on", "participant__name_sort", "participant__preferred_name")
    )


def _own_people(*, organization_id: int, user_id: int) -> "QuerySet[Participant]":
    """Whom Today's section and My work count: the member's own open caseload, but not people
    who asked not to be contacted (a reassessment means reaching out)."""
    mine = own_open_caseload_of(user_id=user_id, organization_id=organization_id)
    return mine.open_to_outreach()


@prepared
def _own_open_windows(
    *, organization_id: int, user_id: int, today: date
) -> "QuerySet[ReassessmentWindow]":
    """Today's section: every open window of the member's own people, earliest first (a few
    hundred at most: one or two each on a caseload), which give both its first people and how
    many are due in all. Prepared (lib.prepared)."""
    mine = _own_people(organization_id=organization_id, user_id=user_id)
    return _open_windows(organization_id, mine, today)


def own_reassessments_due(*, membership: Membership, today: date) -> list[DueReassessment]:
    """Every reassessment due or overdue today for the member's own people (My work), the same
    people as Today's section, which shows the first of them."""
    mine = _own_people(organization_id=membership.organization_id, user_id=membership.user_id)
    return _earliest_points(_open_windows(membership.organization_id, mine, today), today)


def _earliest_points(rows: Any, today: date) -> list[DueReassessment]:
    due: list[DueReassessment] = []
    seen: set[Any] = set()
    for row in rows:
        if row.participant_id in seen:
            continue  # overlapping windows (a custom rule): the earliest point comes first
        seen.add(row.participant_id)
        state = State.DUE if today <= row.due_on else State.OVERDUE
        point = Point(row.label, row.offset_days, row.due_on, row.window_days, state)
        due.append(DueReassessment(row.participant, point))
    return due


def today_section(*, membership: Membership, today: date) -> dict[str, Any]:
    """Today's "Reassessments due" section for this member's own open caseload: the first
    `TODAY_LIMIT` people, and how many more are due (all of them are on My work)."""
    rows = _own_open_windows.fetch(
        organization_id=membership.organization_id, user_id=membership.user_id, today=today
    )
    due = _earliest_points(rows, today)
    shown = due[:TODAY_LIMIT]
    total = len(due)
    return {
        "template": "assessments/_today_section.html",
        "reassessments": shown,
        "rows": reassessment_rows(shown),
        "more": max(0, total - len(shown)),
    }


def visible_assessments(*, user: AnyUser, organization: Organization) -> "QuerySet[Assessment]":
    """Assessments of participants this member may see (the scope for opening one by id)."""
    visible = Participant.objects.visible_to(user, organization)
    return Assessment.objects.filter(
        organization=organization, participant__in=visible.values("id")
    ).select_related("participant", "recorded_by")


# A check-in asks for care when the person is "Having a hard day" (1 on "today") or names
# strong urges (3 or more on "urges"): the answer values of `instruments/checkin.toml`.
HARD_DAY = 1
STRONG_URGES = 3
# How far back a supervisor's team table looks for check-ins that asked for care.
FLAGGED_DAYS = 7


def asks_for_care(organization: Organization) -> Exists:
    """True for a check-in (the outer Assessment row) whose answers ask for care."""
    return Exists(
        ItemResponse.objects.filter(organization=organization, assessment=OuterRef("pk")).filter(
            Q(item_key="today", value=HARD_DAY) | Q(item_key="urges", value__gte=STRONG_URGES)
        )
    )


def care_flags(organization: Organization) -> dict[str, Exists]:
    """Annotations for a check-in query: whether it says "Having a hard day" and whether it
    names strong urges (subqueries, so a list of check-ins stays one query)."""
    answers = ItemResponse.objects.filter(organization=organization, assessment=OuterRef("pk"))
    return {
        "hard_day": Exists(answers.filter(item_key="today", value=HARD_DAY)),
        "strong_urges": Exists(answers.filter(item_key="urges", value__gte=STRONG_URGES)),
    }


def _flagged_check_ins(
    *, user: AnyUser, organization: Organization, coach_ids: list[int], today: date
) -> "QuerySet[Assessment]":
    people = Participant.objects.visible_to(user, organization).filter(
        Q(coach_id__in=coach_ids) | Q(secondary_coach_id__in=coach_ids)
    )
    return Assessment.objects.filter(
        organization=organization,
        instrument=CHECKIN,
        administered_on__gte=today - timedelta(days=FLAGGED_DAYS),
        participant__in=people.values("id"),
    ).filter(asks_for_care(organization))


def flagged_check_in_counts(
    *, user: AnyUser, organization: Organization, coach_ids: list[int], today: date
) -> dict[int, int]:
    """Per coach, check-ins of their people in the last week that asked for care."""
    rows = (
        _flagged_check_ins(user=user, organization=organization, coach_ids=coach_ids, today=today)
        .values(primary=F("participant__coach_id"), secondary=F("participant__secondary_coach_id"))
        .order_by()
        .annotate(n=Count("id"))
    )
    return {
        coach_id: counts["n"] for coach_id, counts in per_coach(rows, coach_ids, ("n",)).items()
    }


def flagged_check_ins(
    *,
    user: AnyUser,
    organization: Organization,
    coach_ids: list[int],
    today: date,
    limit: int = 50,
) -> list[Assessment]:
    """The same check-ins, newest first, with whose they are and their (primary) coach."""
    return list(
        _flagged_check_ins(user=user, organization=organization, coach_ids=coach_ids, today=today)
        .select_related("participant__coach")
        .only(
            "id",
            "administered_on",
            "created_at",
            "participant__preferred_name",
            "participant__coach_id",
            "participant__coach__preferred_name",
            "participant__coach__first_name",
            "participant__coach__last_name",
            "participant__coach__username",
        )
        .order_by("-administered_on", "-created_at")[:limit]
    )
