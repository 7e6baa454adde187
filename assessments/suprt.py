"""SUPRT reads: whether an organization reports it, a person's time points, what the SUPRT-A
form can prefill from the record, and Today's "SUPRT due" list."""

import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Case, DateField, Q, QuerySet, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from assessments import engine
from assessments.models import SUPRT_A, SUPRT_C, Assessment, ItemResponse
from assessments.suprt_points import (
    ASSESSMENT_TYPE,
    BASELINE_DAYS,
    CLOSEOUT_DAYS,
    POINT_OF_TYPE,
    WORDS,
    DuePoint,
    TimePoint,
    Window,
    due_now,
    time_point_for,
)
from assessments.today_rows import suprt_rows
from lib.prepared import prepared
from organizations.models import Membership, Organization
from participants.models import Participant, ParticipantStatus, VeteranStatus
from participants.selectors import LABEL_FIELDS, own_caseload_of

ENDED = (ParticipantStatus.COMPLETED, ParticipantStatus.MOVED_ON, ParticipantStatus.CLOSED)
TODAY_LIMIT = 50


def reports_suprt(organization_id: int) -> bool:
    """Whether the organization reports SUPRT (its administrator's setting, for a SAMHSA grant):
    one query; where the organization is at hand, read `Organization.reports_suprt` instead."""
    return Organization.objects.filter(pk=organization_id, reports_suprt=True).exists()


def ended_on(participant: Participant) -> date | None:
    """The end of care: the day a completed, moved-on or closed status began."""
    return _ended(participant.status, participant.status_since, participant.enrolled_on)


def _ended(status: str, status_since: date | None, enrolled_on: date) -> date | None:
    if status in ENDED:
        return status_since or enrolled_on
    return None


@dataclass
class Standing:
    """What the time points of one person need: their SUPRT-A records' points and dates."""

    enrolled_on: date
    ended_on: date | None
    baseline_on: date | None = None
    done: set[str] = field(default_factory=set)

    def point_for(self, day: date) -> Window | None:
        return time_point_for(
            day, enrolled_on=self.enrolled_on, baseline_on=self.baseline_on, ended_on=self.ended_on
        )

    def due(self, today: date) -> DuePoint | None:
        return due_now(
            today=today,
            enrolled_on=self.enrolled_on,
            baseline_on=self.baseline_on,
            ended_on=self.ended_on,
            done=self.done,
        )


def _add(standing: Standing, point: str, day: date) -> None:
    standing.done.add(point)
    if point == TimePoint.BASELINE and (standing.baseline_on is None or day < standing.baseline_on):
        standing.baseline_on = day


def standing(participant: Participant) -> Standing:
    """One query: the person's SUPRT-A records (a time point is done by its SUPRT-A)."""
    found = Standing(participant.enrolled_on, ended_on(participant))
    for point, day in Assessment.objects.filter(
        organization_id=participant.organization_id, participant=participant, instrument=SUPRT_A
    ).values_list("schedule_point", "administered_on"):
        _add(found, point, day)
    return found


def prefill(
    *, participant: Participant, instrument: engine.Instrument, window: Window | None
) -> dict[str, engine.Answer]:
    """What the record already knows, keyed by item (the coach checks and can correct it)."""
    known: dict[str, engine.Answer] = {}
    if window is not None:
        known["time_point"] = engine.Answer(value=ASSESSMENT_TYPE[window.point])
    known["first_services_on"] = engine.Answer(text=participant.enrolled_on.isoformat())
    end = ended_on(participant)
    if end is not None:
        known["end_of_care_on"] = engine.Answer(text=end.isoformat())
    if participant.date_of_birth is not None:
        born = participant.date_of_birth
        known["birth_month"] = engine.Answer(text=f"{born.year:04d}-{born.month:02d}")
    if participant.veteran_status:
        known["veteran"] = engine.Answer(
            value=1 if participant.veteran_status == VeteranStatus.YES else 0
        )
    wanted = {item.prefill for item in instrument.items if item.prefill.startswith("last_")}
    if wanted:
        last = (
            Assessment.objects.filter(
                organization_id=participant.organization_id,
                participant=participant,
                instrument=instrument.key,
            )
            .order_by("-administered_on", "-created_at")
            .first()
        )
        if last is not None:
            for response in ItemResponse.objects.filter(
                organization_id=participant.organization_id, assessment=last
            ):
                if f"last_{response.item_key}" in wanted and response.text:
                    known[f"last_{response.item_key}"] = engine.Answer(text=response.text)
    return {
        item.key: known[item.prefill]
        for item in instrument.items
        if item.prefill and item.prefill in known
    }


@dataclass(frozen=True)
class SuprtDue:
    participant: Participant
    window: Window
    overdue: bool


# What a SUPRT time point is worked out from: no encrypted column, so a caseload of 250 people is
# not decrypted to find the few whose point is open (the names are read for those few only).
POINT_FIELDS = ("id", "enrolled_on", "status", "status_since")


@dataclass(frozen=True)
class SuprtDueList:
    """The first people with a SUPRT time point open (earliest due first), and how many have
    one in all."""

    shown: list[SuprtDue]
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.shown)


def _own_people(*, organization_id: int, user_id: int, ended_since: date) -> QuerySet[Participant]:
    """The member's own people a SUPRT time point can be open for: open records, and those
    whose care ended on or after `ended_since` (their closeout)."""
    return own_caseload_of(user_id=user_id, organization_id=organization_id).filter(
        Q(status__in=ParticipantStatus.open()) | Q(status__in=ENDED, status_since__gte=ended_since)
    )


@prepared
def _own_point_rows(*, organization_id: int, user_id: int, ended_since: date) -> QuerySet[Any]:
    return (
        _own_people(organization_id=organization_id, user_id=user_id, ended_since=ended_since)
        .values_list(*POINT_FIELDS)
        .order_by("name_sort", "preferred_name", "id")
    )


@prepared
def _own_suprt_records(*, organization_id: int, user_id: int, ended_since: date) -> QuerySet[Any]:
    """Their SUPRT-A records' points and days (a time point is done by its SUPRT-A)."""
    people = _own_people(organization_id=organization_id, user_id=user_id, ended_since=ended_since)
    return Assessment.objects.filter(
        organization_id=organization_id, instrument=SUPRT_A, participant__in=people.values("id")
    ).values_list("participant_id", "schedule_point", "administered_on")


def _people_named(organization_id: int, ids: list[Any]) -> QuerySet[Participant]:
    """The people a list names, with what their SUPRT line and label show."""
    return Participant.objects.filter(organization_id=organization_id, pk__in=ids).only(
        *POINT_FIELDS, "organization_id", *LABEL_FIELDS
    )


# Ids no record has (record ids are random UUIDs), each different so that the list keeps its
# length: a prepared query's SQL has a place for each.
_PADDING = [uuid.UUID(int=place + 1) for place in range(TODAY_LIMIT)]


@prepared
def _named(*, organization_id: int, **ids: uuid.UUID) -> QuerySet[Participant]:
    """Up to TODAY_LIMIT people by id (`p0` … `p49`, padded with `_PADDING`): prepared
    (lib.prepared)."""
    return _people_named(organization_id, [ids[f"p{place}"] for place in range(TODAY_LIMIT)])


def own_suprt_due(
    *, membership: Membership, today: date, limit: int | None = TODAY_LIMIT
) -> SuprtDueList:
    """The member's own people (open, or ended in the last 30 days: their closeout) with a SUPRT
    time point open today and not done, the first `limit` of them named (every one when None):
    Today shows the first 50, My work all of them. Three queries (two when nobody is due, one
    without people, none when the organization does not report SUPRT)."""
    if not membership.organization.reports_suprt:
        return SuprtDueList([], 0)
    ids = {
        "organization_id": membership.organization_id,
        "user_id": membership.user_id,
        "ended_since": today - timedelta(days=CLOSEOUT_DAYS),
    }
    found = {
        pk: Standing(enrolled_on, _ended(status, status_since, enrolled_on))
        for pk, enrolled_on, status, status_since in _own_point_rows.fetch(**ids)
    }
    for pk, point, day in _own_suprt_records.fetch(**ids) if found else []:
        _add(found[pk], point, day)
    open_points = ((pk, person.due(today)) for pk, person in found.items())
    every = sorted(
        ((pk, point) for pk, point in open_points if point is not None),
        key=lambda pair: pair[1].window.due_on,
    )
    due = every[:limit]
    if not due:
        return SuprtDueList([], 0)
    due_ids = [pk for pk, _ in due]
    if len(due_ids) <= TODAY_LIMIT:
        # Today's section: one statement, compiled once, whatever the number named.
        padded = due_ids + _PADDING[: TODAY_LIMIT - len(due_ids)]
        named = _named.fetch(
            organization_id=membership.organization_id,
            **{f"p{place}": pk for place, pk in enumerate(padded)},
        )
    else:
        named = list(_people_named(membership.organization_id, due_ids))
    shown = {person.id: person for person in named}
    named_due = [SuprtDue(shown[pk], point.window, point.overdue) for pk, point in due]
    return SuprtDueList(named_due, len(every))


def today_section(*, membership: Membership, today: date) -> dict[str, Any]:
    """Today's "SUPRT due" section: the first people, and how many more (all on My work)."""
    due = own_suprt_due(membership=membership, today=today)
    return {
        "template": "assessments/_suprt_today_section.html",
        "suprt": due.shown,
        "rows": suprt_rows(due.shown),
        "more": due.more,
    }


def time_point_label(
    *,
    instrument: engine.Instrument,
    answers: dict[str, engine.Answer],
    standing: Standing,
    day: date,
) -> str:
    """The time point a record is stored under: SUPRT-A's own "Which assessment is this?"
    answer when given (the coach may correct Cairn's reckoning), else the window holding the
    day; "" when neither says (outside every window)."""
    window = standing.point_for(day)
    chosen = answers.get("assessment_type", engine.Answer()).value
    point = POINT_OF_TYPE.get(chosen) if instrument.key == SUPRT_A and chosen else None
    if point is None:
        return window.label if window is not None else ""
    if point != TimePoint.ANNUAL:
        return str(point)
    if window is not None and window.point == TimePoint.ANNUAL:
        return window.label
    anchor = standing.baseline_on or standing.enrolled_on
    return f"{TimePoint.ANNUAL}-{max(1, round((day - anchor).days / 365))}"


def point_words(label: str) -> str:
    """A stored time point as words ("Annual assessment, year 2"); "" for none."""
    point, _sep, year = label.partition("-")
    if point not in TimePoint.__members__.values():
        return ""
    words = WORDS[TimePoint(point)]
    if year.isdigit() and int(year) > 1:
        return str(_("Annual assessment, year %(year)s") % {"year": year})
    return str(words)


def portal_invitation(*, participant: Participant, today: date) -> Window | None:
    """The time point whose SUPRT-C the participant may answer in the portal today: an open
    baseline, 6-month or annual window without a SUPRT-C yet (two queries). SUPRT-C is not
    asked at closeout."""
    if not reports_suprt(participant.organization_id):
        return None
    found = Standing(participant.enrolled_on, ended_on(participant))
    answered: set[str] = set()
    for instrument, point, day in Assessment.objects.filter(
        organization_id=participant.organization_id,
        participant=participant,
        instrument__in=(SUPRT_A, SUPRT_C),
    ).values_list("instrument", "schedule_point", "administered_on"):
        if instrument == SUPRT_A:
            _add(found, point, day)
        else:
            answered.add(point)
    window = found.point_for(today)
    if window is None or window.point == TimePoint.CLOSEOUT or window.label in answered:
        return None
    return window


@dataclass(frozen=True)
class EpisodeRow:
    """One person's episode of care and their SUPRT-A records (point, date), oldest first."""

    id: Any
    enrolled_on: date
    ended_on: date | None
    records: list[tuple[str, date]]


def episodes(
    *, organization_id: int, people: "QuerySet[Participant]", start: date, end: date
) -> list[EpisodeRow]:
    """The people whose SUPRT windows can close between `start` and `end`, with their SUPRT-A
    records up to `end`: two queries (`candidates` says who is left out)."""
    found = candidates(people, start=start, end=end)
    rows = {
        pid: EpisodeRow(
            pid,
            enrolled,
            (since or enrolled) if status in ENDED else None,
            [],
        )
        for pid, enrolled, status, since in found.values_list(
            "pk", "enrolled_on", "status", "status_since"
        )
    }
    records = (
        records_by(organization_id=organization_id, end=end)
        .filter(participant_id__in=found.values("pk"))
        .order_by("participant_id", "administered_on")
        .values_list("participant_id", "schedule_point", "administered_on")
    )
    for pid, point, day in records:
        if pid in rows:
            rows[pid].records.append((point, day))
    return list(rows.values())


def candidates(
    people: "QuerySet[Participant]", *, start: date, end: date
) -> "QuerySet[Participant]":
    """The people whose SUPRT windows can close between `start` and `end`. Left out: people
    enrolled after `end`, and people whose care ended before the range (except a baseline or
    closeout still closing in it)."""
    margin = start - timedelta(days=max(CLOSEOUT_DAYS, BASELINE_DAYS))
    return people.order_by().filter(
        Q(enrolled_on__lte=end)
        & (~Q(status__in=ENDED) | Q(status_since__gte=margin) | Q(enrolled_on__gte=margin))
    )


def records_by(*, organization_id: int, end: date) -> "QuerySet[Assessment]":
    """The organization's SUPRT-A records dated up to `end` (what does a time point)."""
    return Assessment.objects.filter(
        organization_id=organization_id, instrument=SUPRT_A, administered_on__lte=end
    ).order_by()


def episode_values(
    *, people: "QuerySet[Participant]", start: date, end: date
) -> "QuerySet[Participant, dict[str, Any]]":
    """The people of `episodes` as a query to count over in SQL, one row per person: `id`,
    `enrolled_on` and `ended_on` (the end of care, as `ended_on` reads it; null while care goes
    on)."""
    return (
        candidates(people, start=start, end=end)
        .annotate(
            ended_on=Case(
                When(status__in=ENDED, then=Coalesce("status_since", "enrolled_on")),
                output_field=DateField(),
            )
        )
        .values("id", "enrolled_on", "ended_on")
    )


def record_values(*, organization_id: int, end: date) -> "QuerySet[Assessment, Any]":
    """The SUPRT-A records as `participant_id`, `schedule_point`, `administered_on`."""
    return records_by(organization_id=organization_id, end=end).values(
        "participant_id", "schedule_point", "administered_on"
    )
