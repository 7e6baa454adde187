"""Reading contacts: the participant timeline and the coach's day."""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, NamedTuple

from django.db.models import Count, F, IntegerField, Q, QuerySet, TextField, Value
from django.db.models.functions import Cast, TruncDate

from accounts.models import AnyUser
from assessments.models import CHECKIN, Assessment
from assessments.selectors import care_flags
from assessments.selectors import today_section as assessments_today_section
from assessments.suprt import today_section as suprt_today_section
from encounters.extensions import today_lists
from encounters.models import CheckInSchedule, Encounter, NoteFeedback, NoteState, ReviewState
from encounters.open_notes import open_requests_for
from lib.prepared import prepared
from organizations.models import Membership, Organization
from participants.models import MemberScope, Participant, StatusChange
from participants.selectors import ENCRYPTED_FIELDS, own_open_caseload_of

TIMELINE_KINDS = ("contacts", "status")


@dataclass(frozen=True)
class TimelineEntry:
    when: datetime | date
    kind: str
    encounter: Encounter | None = None
    status_change: StatusChange | None = None

    @property
    def sort_key(self) -> tuple[date, str]:
        moment = self.when
        day = moment.date() if isinstance(moment, datetime) else moment
        return (day, moment.isoformat())


class TimelineRows:
    """A participant's contacts and status steps, newest first, paged by the database.

    `Paginator` asks for `count()` and one slice: the slice reads the page's keys from a UNION
    ordered like the old in-memory sort (day, contacts before status steps, time), then loads and
    decrypts only that page's rows. Four queries whatever the page or the history's length.
    """

    def __init__(self, participant: Participant, *, kind: str = "") -> None:
        self.participant = participant
        self.kind = kind

    def _keys(self) -> Any:
        where = {
            "organization_id": self.participant.organization_id,
            "participant_id": self.participant.pk,
        }
        parts: list[Any] = []
        if self.kind in ("", "contacts"):
            parts.append(
                Encounter.objects.filter(**where)
                .order_by()
                .annotate(
                    key=Cast("id", TextField()),
                    day=TruncDate("started_at", tzinfo=UTC),
                    rank=Value(0, output_field=IntegerField()),
                    moment=F("started_at"),
                )
                .values_list("key", "day", "rank", "moment")
            )
        if self.kind in ("", "status"):
            parts.append(
                StatusChange.objects.filter(**where)
                .order_by()
                .annotate(
                    key=Cast("id", TextField()),
                    day=F("effective_on"),
                    rank=Value(1, output_field=IntegerField()),
                    moment=F("created_at"),
                )
                .values_list("key", "day", "rank", "moment")
            )
        first, *others = parts
        return first.union(*others, all=True) if others else first

    def count(self) -> int:
        return int(self._keys().count())

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice) -> list[TimelineEntry]:
        # By day, contacts before status steps, then newest first (the page's keys only).
        keys = list(self._keys().order_by("-day", "rank", "-moment")[window])
        # A contact's key is its UUID as text, which each database spells its own way (SQLite:
        # 32 hex digits; PostgreSQL: dashed): read it back as a UUID on both.
        contact_ids = [uuid.UUID(key) for key, _day, rank, _when in keys if rank == 0]
        step_ids = [int(key) for key, _day, rank, _when in keys if rank == 1]
        contacts = (
            {
                e.id: e
                for e in Encounter.objects.filter(id__in=contact_ids).select_related(
                    "author", "service_type"
                )
            }
            if contact_ids
            else {}
        )
        steps = {}
        if keys and self.kind in ("", "status"):
            # Read by the page's days rather than by ids, so a page without status steps makes
            # the same read (an empty one) and the page's query count never depends on the data.
            days = [day for _key, day, _rank, _when in keys]
            steps = {
                str(s.id): s
                for s in StatusChange.objects.filter(
                    organization_id=self.participant.organization_id,
                    participant_id=self.participant.pk,
                    effective_on__range=(min(days), max(days)),
                ).select_related("changed_by")
                if s.id in step_ids
            }
        entries = []
        for key, _day, rank, _when in keys:
            if rank == 0 and uuid.UUID(key) in contacts:
                encounter = contacts[uuid.UUID(key)]
                entries.append(TimelineEntry(encounter.started_at, "contact", encounter=encounter))
            elif rank == 1 and key in steps:
                step = steps[key]
                entries.append(TimelineEntry(step.effective_on, "status", status_change=step))
        return entries


def timeline(participant: Participant, *, kind: str = "", limit: int = 500) -> list[TimelineEntry]:
    """Contacts and status steps in date order, newest first, up to `limit` entries."""
    return TimelineRows(participant, kind=kind)[:limit]


class Draft(NamedTuple):
    """A note left in draft, as Today lists it."""

    id: uuid.UUID
    contact_type: str
    started_at: datetime
    summary: str
    participant_name: str


DRAFT_COLUMNS = ("id", "contact_type", "started_at", "summary", "participant__preferred_name")


@dataclass(frozen=True)
class Day:
    due: list[Participant]
    overdue: list[Participant]
    overdue_count: int
    quiet: list[Participant]
    quiet_count: int
    drafts: list[Draft]
    comments: list[Encounter]
    scheduled: list[CheckInSchedule]
    expiring_consents: list[Any]  # consent.selectors.expiring_for_today
    answered_consents: list[Any]  # consent.selectors.answered_for_today
    note_requests: list[NoteFeedback]
    call_requests: list[Any]  # portal.selectors.call_requests_for_today
    missed_appointments: list[Any]  # appointments.selectors.missed_for_today
    reach_out: list[Any]  # reachout.selectors.open_for_today
    overdose: list[Any]  # overdose.selectors.for_today
    billing: list[Any]  # billing.remaining.for_today: authorizations running low
    credentials: list[Any]  # supervision.selectors.credentials_ending_for_today: one's own
    silent_referrals: list[Any]  # referrals.selectors.silent_for_today: partners not answering
    check_ins: list[Assessment]
    # Other apps' sections, each rendered by its own `<app>/_today_section.html`.
    sections: list[dict[str, Any]]

    @property
    def check_ins_asking_for_care(self) -> int:
        """Check-ins listed today whose answers ask for care (a hard day, strong urges)."""
        return sum(
            1
            for check_in in self.check_ins
            if getattr(check_in, "hard_day", False) or getattr(check_in, "strong_urges", False)
        )


# Apps whose `selectors.today_section(membership=..., today=...)` Today gathers, in page order.
TODAY_SECTIONS: tuple[Callable[..., dict[str, Any]], ...] = (
    assessments_today_section,
    suprt_today_section,
)
# How many overdue or quiet people Today lists before offering "Show all".
LONG_LIST = 50
# What a due, overdue or quiet person's row shows (encounters.today_rows), and what sorts them.
ROW_FIELDS = (
    "id",
    "preferred_name",
    "pronouns",
    "contact_channels",
    "safe_times",
    "voicemail_ok",
    "preferred_language",
    "needs_interpreter",
    "interpreter_language",
    "organization_name_ok",
    "next_contact_on",
    "last_contact_on",
    # What tells two people apart on the page ({% person_label %}).
    "legal_name",
    "date_of_birth",
    "age_range",
)
# Rows that link to a participant show their name only: not their encrypted columns.
BRIEF_PARTICIPANT = tuple(f"participant__{name}" for name in ENCRYPTED_FIELDS)
# A returned note's row shows the supervisor's comment, not the note itself.
NOTE_TEXT = (
    "summary",
    "topics",
    "coach_actions",
    "participant_response",
    "own_words",
    "next_steps",
    "withheld_detail",
)


def _awaiting_cosign(rows: Any, user_id: int | None) -> Any:
    """Of these notes, those waiting for a co-signature that are not this member's own."""
    return rows.filter(review_state=ReviewState.PENDING).exclude(author_id=user_id)


def awaiting_cosign(*, scope: MemberScope) -> Any:
    """The notes of `review_queue` from plain values, for the navigation's prepared count."""
    return _awaiting_cosign(Encounter.objects.visible_to_member(**scope.values()), scope.user_id)


def review_queue(*, user: AnyUser, organization: Organization, author: str = "") -> Any:
    """Signed notes waiting for this supervisor's co-signature, oldest first; `author` (a
    coach's public id) narrows it to one coach's notes."""
    queue = _awaiting_cosign(Encounter.objects.visible_to(user, organization), user.pk)
    if author:
        queue = queue.filter(author__public_id=author)
    return queue.select_related("participant", "author").order_by("signed_at")


def cosign_waiting_counts(
    *, user: AnyUser, organization: Organization, author_ids: list[int]
) -> dict[int, int]:
    """How many notes each of these coaches has waiting for this supervisor's co-signature."""
    rows = (
        review_queue(user=user, organization=organization)
        .filter(author_id__in=author_ids)
        .values("author_id")
        .order_by()
        .annotate(n=Count("id"))
    )
    counts = dict.fromkeys(author_ids, 0)
    counts.update({row["author_id"]: row["n"] for row in rows})
    return counts


# Today's own queries, compiled once per process (lib.prepared): with the lists the other apps
# add, compiling them was 40% of the page's CPU time.


@prepared
def _followed_up(
    *, organization_id: int, user_id: int, today: date, cutoff: date
) -> QuerySet[Participant]:
    """Due, overdue and quiet people in one read of the columns their rows show, sorted by the
    caller. Nobody who asked not to be contacted is due, overdue or quiet."""
    reachable = own_open_caseload_of(user_id=user_id, organization_id=organization_id)
    return (
        reachable.open_to_outreach()
        .filter(
            Q(next_contact_on__lte=today)
            | Q(last_contact_on__lt=cutoff)
            | Q(last_contact_on__isnull=True, enrolled_on__lt=cutoff)
        )
        .only(*ROW_FIELDS)
        .order_by("name_sort", "preferred_name", "id")
    )


@prepared
def _drafts(*, organization_id: int, user_id: int) -> QuerySet[Any]:
    """The member's notes left in draft, newest first, as plain rows (`Draft`): Today shows
    only these columns of up to fifty notes."""
    return (
        Encounter.objects.filter(
            organization_id=organization_id, author_id=user_id, state=NoteState.DRAFT
        )
        .values_list(*DRAFT_COLUMNS)
        .order_by("-started_at")[:50]
    )


@prepared
def _returned(*, organization_id: int, user_id: int) -> QuerySet[Encounter]:
    return (
        Encounter.objects.filter(
            organization_id=organization_id,
            author_id=user_id,
            review_state=ReviewState.RETURNED,
            review_comment_seen=False,
        )
        .select_related("participant", "reviewed_by")
        .defer(*NOTE_TEXT, *BRIEF_PARTICIPANT)
        .order_by("-reviewed_at")[:50]
    )


@prepared
def _schedules(*, organization_id: int, user_id: int, weekday: int) -> QuerySet[CheckInSchedule]:
    """Check-in schedules on this weekday (the caller keeps those that fall today) of people
    open to outreach: nobody who asked not to be contacted has a schedule fire."""
    reachable = own_open_caseload_of(
        user_id=user_id, organization_id=organization_id
    ).open_to_outreach()
    return (
        CheckInSchedule.objects.filter(
            organization_id=organization_id,
            weekday=weekday,
            ended_on__isnull=True,
            paused=False,
            participant__in=reachable.values("id"),
        )
        .select_related("participant")
        .defer(*BRIEF_PARTICIPANT)
    )


@prepared
def _own_check_ins(*, organization_id: int, user_id: int, since: date) -> QuerySet[Assessment]:
    """Check-ins people did themselves since `since` (a coach's own check-in records are
    already in their notes)."""
    mine = own_open_caseload_of(user_id=user_id, organization_id=organization_id)
    return (
        Assessment.objects.filter(
            organization_id=organization_id,
            instrument=CHECKIN,
            administered_on__gte=since,
            participant__in=mine.values("id"),
            recorded_by_id=F("participant__user_id"),
        )
        .select_related("participant")
        .only("id", "created_at", "participant__preferred_name")
        .annotate(**care_flags(Organization(pk=organization_id)))
        .order_by("-created_at")[:50]
    )


def coach_day(
    *,
    membership: Membership,
    today: date,
    overdue_shown: int | None = LONG_LIST,
    quiet_shown: int | None = LONG_LIST,
) -> Day:
    """The coach's own people: follow-ups due today, overdue ones, long quiet spells, drafts.

    The overdue and quiet lists show their first `LONG_LIST` people unless asked for all
    (`None`); their counts are always of everyone."""
    user, organization = membership.user, membership.organization
    ids = {"organization_id": organization.id, "user_id": user.pk}
    cutoff = today - timedelta(days=organization.out_of_touch_days)
    people = _followed_up.fetch(**ids, today=today, cutoff=cutoff)
    due = [p for p in people if p.next_contact_on == today]
    overdue = sorted(
        (p for p in people if p.next_contact_on and p.next_contact_on < today),
        key=lambda p: p.next_contact_on or today,
    )
    quiet = sorted(
        (p for p in people if not p.next_contact_on or p.next_contact_on > today),
        # Never in touch last, as PostgreSQL sorts NULLs after dates.
        key=lambda p: (p.last_contact_on is None, p.last_contact_on or today),
    )
    drafts = [Draft._make(row) for row in _drafts.fetch(**ids)]
    comments = _returned.fetch(**ids)
    scheduled = [
        schedule
        for schedule in _schedules.fetch(**ids, weekday=today.weekday())
        if schedule.falls_on(today)
    ]
    due_ids = {p.id for p in due}
    scheduled = [s for s in scheduled if s.participant_id not in due_ids]
    # What the apps above this one add (consent, portal): encounters.extensions.
    lists = today_lists(membership=membership, today=today)
    # Check-ins they did themselves since yesterday (a coach's own check-in records are already
    # in their notes).
    check_ins: list[Assessment] = _own_check_ins.fetch(  # annotated with care_flags
        **ids, since=today - timedelta(days=1)
    )
    return Day(
        due=due,
        overdue=overdue[:overdue_shown],
        overdue_count=len(overdue),
        quiet=quiet[:quiet_shown],
        quiet_count=len(quiet),
        drafts=drafts,
        comments=comments,
        scheduled=scheduled,
        expiring_consents=lists.get("expiring_consents", []),
        answered_consents=lists.get("answered_consents", []),
        note_requests=open_requests_for(user=user, organization=organization),
        call_requests=lists.get("call_requests", []),
        missed_appointments=lists.get("missed_appointments", []),
        reach_out=lists.get("reach_out", []),
        overdose=lists.get("overdose", []),
        billing=lists.get("billing", []),
        credentials=lists.get("credentials", []),
        silent_referrals=lists.get("silent_referrals", []),
        check_ins=check_ins,
        sections=[section(membership=membership, today=today) for section in TODAY_SECTIONS],
    )
