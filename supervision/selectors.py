"""Reads for supervision: a coach's sessions and hours, a supervisor's coaches, the signed log,
the journal and the wellbeing self-checks."""

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta  # type: ignore[import-untyped,unused-ignore]
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from encounters.models import Encounter, NoteState
from lib.prepared import prepared
from organizations.models import Membership, Organization, Role
from supervision.models import (
    AgreedAction,
    AgreedActionQuerySet,
    Credential,
    JournalEntry,
    LogSignature,
    Requirement,
    SupervisionSession,
    Topic,
    TrainingCertificate,
    TrainingRecord,
    WellbeingCheck,
)


def requirement(organization: Organization) -> Requirement:
    found = Requirement.objects.filter(organization=organization).first()
    return found or Requirement(organization=organization)


def supervised_coaches(membership: Membership) -> QuerySet[Any]:
    """The coaches a supervisor may record supervision for: the coaches on their team."""
    from accounts.models import User

    if membership.role != Role.SUPERVISOR or membership.team_id is None:
        return User.objects.none()
    team = Membership.objects.active().filter(
        organization=membership.organization, team_id=membership.team_id, role=Role.COACH
    )
    return User.objects.filter(pk__in=team.values("user_id")).order_by("preferred_name")


def sessions_of(coach: Any, organization: Organization) -> QuerySet[SupervisionSession]:
    return (
        SupervisionSession.objects.filter(organization=organization, coaches=coach)
        .select_related("supervisor")
        .prefetch_related("topics", "coaches")
    )


def sessions_led(membership: Membership) -> QuerySet[SupervisionSession]:
    return (
        SupervisionSession.objects.filter(
            organization=membership.organization, supervisor_id=membership.user_id
        )
        .prefetch_related("coaches")
        .defer("notes")
    )


def sessions_with(membership: Membership) -> QuerySet[SupervisionSession]:
    """The sessions a member was a party to: as their supervisor or as one of the coaches. The
    only way one session is opened."""
    user_id = membership.user_id
    ids = SupervisionSession.objects.filter(
        Q(supervisor_id=user_id) | Q(coaches__id=user_id),
        organization=membership.organization,
    ).values("pk")
    return SupervisionSession.objects.filter(pk__in=ids).select_related("supervisor")


def actions_seen_by(membership: Membership) -> AgreedActionQuerySet:
    """Agreed actions this member is a party to (the coach, or the session's supervisor)."""
    return AgreedAction.objects.visible_to(membership.user, membership.organization).select_related(
        "coach", "done_by", "session__supervisor"
    )


def my_open_actions(membership: Membership) -> list[AgreedAction]:
    """A coach's open actions from their supervision, whoever of the two will do them."""
    return list(actions_seen_by(membership).still_open().filter(coach_id=membership.user_id))


def team_open_actions(membership: Membership) -> list[AgreedAction]:
    """A supervisor's open actions with the coaches on their team, from the sessions they led."""
    if membership.role != Role.SUPERVISOR:
        return []
    return list(
        actions_seen_by(membership)
        .still_open()
        .filter(
            session__supervisor_id=membership.user_id,
            coach_id__in=supervised_coaches(membership).values("pk"),
        )
    )


def reviews_openable(membership: Membership, actions: list[AgreedAction]) -> set[Any]:
    """Which of these actions' practice reviews the member may open now (a coach may stop
    sharing one): only those are linked."""
    from coaching.selectors import reviews_seen_by

    wanted = {a.review_id for a in actions if a.review_id}
    if not wanted:
        return set()
    return set(
        reviews_seen_by(
            user=membership.user,
            organization=membership.organization,
            owner_ids={a.coach_id for a in actions},
        )
        .filter(pk__in=wanted)
        .values_list("pk", flat=True)
    )


def reviews_to_link(session: SupervisionSession, coach_ids: list[int]) -> QuerySet[Any]:
    """The practice reviews an action of this session may point to: these coaches' reviews the
    session's supervisor may see (shared with them)."""
    from coaching.selectors import reviews_seen_by

    return reviews_seen_by(
        user=session.supervisor, organization=session.organization, owner_ids=coach_ids
    ).filter(owner_id__in=coach_ids)


def topics_of(organization: Organization) -> QuerySet[Topic]:
    return Topic.objects.filter(organization=organization)


def topic_use(organization: Organization) -> dict[int, int]:
    """How many sessions used each of the program's topics."""
    rows = (
        SupervisionSession.topics.through.objects.filter(topic__organization=organization)
        .values("topic_id")
        .order_by()
        .annotate(n=Count("pk"))
    )
    return {row["topic_id"]: row["n"] for row in rows}


@dataclass(frozen=True)
class Hours:
    since: date
    supervision_minutes: int
    practice_minutes: int
    requirement: Requirement

    @property
    def supervision_hours(self) -> float:
        return round(self.supervision_minutes / 60, 1)

    @property
    def practice_hours(self) -> float:
        return round(self.practice_minutes / 60, 1)

    @property
    def supervision_left(self) -> float:
        return max(0.0, round(self.requirement.supervision_hours - self.supervision_hours, 1))

    @property
    def practice_left(self) -> float:
        return max(0.0, round(self.requirement.practice_hours - self.practice_hours, 1))


def hours(coach: Any, organization: Organization, *, today: date) -> Hours:
    """Supervision and supervised practice within the requirement's period, up to today:
    supervision is the minutes of the sessions the coach was in; supervised practice is the
    minutes of the contacts they signed."""
    need = requirement(organization)
    since = today - relativedelta(months=need.period_months)
    supervision = (
        sessions_of(coach, organization)
        .filter(held_on__gt=since, held_on__lte=today)
        .aggregate(total=Sum("minutes"))["total"]
    )
    practice = Encounter.objects.filter(
        organization=organization,
        author=coach,
        state=NoteState.SIGNED,
        occurred_on__gt=since,
        occurred_on__lte=today,
    ).aggregate(total=Sum("duration_minutes"))["total"]
    return Hours(since, int(supervision or 0), int(practice or 0), need)


def journal_of(membership: Membership) -> QuerySet[JournalEntry]:
    """The member's own entries: the only way the journal is ever read."""
    return JournalEntry.objects.filter(
        organization=membership.organization, writer_id=membership.user_id
    )


# How far ahead the manager's list of credentials to renew looks.
EXPIRING_DAYS = 90


def credentials_of(membership: Membership) -> QuerySet[Credential]:
    return Credential.objects.filter(
        organization=membership.organization, holder_id=membership.user_id
    )


def expiring(organization: Organization, *, today: date) -> QuerySet[Credential]:
    """Credentials of active staff that end in the next 90 days (or have ended), soonest first."""
    staff = Membership.objects.active().filter(organization=organization).values("user_id")
    return (
        Credential.objects.filter(
            organization=organization,
            holder_id__in=staff,
            expires_on__isnull=False,
            expires_on__lte=today + timedelta(days=EXPIRING_DAYS),
        )
        .select_related("holder")
        .defer("number")
        .order_by("expires_on", "holder__preferred_name")
    )


# Work outside these local hours, or at the weekend, counts as after hours.
DAY_STARTS, DAY_ENDS = 8, 18


@dataclass(frozen=True)
class Workload:
    """What a coach's last weeks asked of them, for them alone: never compared, never ranked."""

    open_caseload: int
    contacts_week: int
    contacts_month: int
    after_hours_month: int
    signals_week: int
    signals_month: int


def workload(membership: Membership, *, today: date) -> Workload:
    from participants.selectors import own_open_caseload
    from reachout.models import Signal

    organization, user = membership.organization, membership.user
    zone = ZoneInfo(organization.time_zone)
    week_start = today - timedelta(days=today.weekday())
    month_start = today.replace(day=1)
    started = [
        moment.astimezone(zone)
        for moment in Encounter.objects.filter(
            organization=organization,
            author_id=user.pk,
            state=NoteState.SIGNED,
            occurred_on__gte=min(week_start, month_start),
            occurred_on__lte=today,
        ).values_list("started_at", flat=True)
    ]
    month = [m for m in started if m.date() >= month_start]
    answered = [
        moment.astimezone(zone).date()
        for moment in Signal.objects.filter(
            organization=organization,
            acknowledged_by_id=user.pk,
            acknowledged_at__date__gte=min(week_start, month_start),
        ).values_list("acknowledged_at", flat=True)
        if moment is not None
    ]
    return Workload(
        open_caseload=own_open_caseload(user=user, organization=organization).count(),
        contacts_week=sum(1 for m in started if m.date() >= week_start),
        contacts_month=len(month),
        after_hours_month=sum(
            1 for m in month if m.weekday() >= 5 or not DAY_STARTS <= m.hour < DAY_ENDS
        ),
        signals_week=sum(1 for day in answered if day >= week_start),
        signals_month=sum(1 for day in answered if day >= month_start),
    )


# A coach's own credential ending within this many days is on their Today.
REMIND_DAYS = 60


@prepared
def _credentials_ending(
    *, organization_id: int, user_id: int, since: date, until: date
) -> QuerySet[Any]:
    return Credential.objects.filter(
        organization_id=organization_id,
        holder_id=user_id,
        expires_on__gte=since,
        expires_on__lte=until,
    ).order_by("expires_on")


def credentials_ending_for_today(*, membership: Any, today: date) -> list[Any]:
    """The signed-in coach's own credentials that end in the next REMIND_DAYS days (or ended in
    the last week, so a lapse is not missed): one query, prepared."""
    ending = _credentials_ending.fetch(
        organization_id=membership.organization_id,
        user_id=membership.user_id,
        since=today - timedelta(days=7),
        until=today + timedelta(days=REMIND_DAYS),
    )
    for credential in ending:
        credential.ended = credential.expires_on < today
    return ending


# --- the signed supervision log ----------------------------------------------------------------


def coach_on_team(membership: Membership, coach_id: object) -> Any:
    """One coach of a supervisor's team, by public id, or None: the only way a supervisor opens
    a coach's page."""
    return supervised_coaches(membership).filter(public_id=coach_id).first()


def signatures_seen_by(membership: Membership) -> QuerySet[LogSignature]:
    """Signatures on a member's own log, and, for a supervisor, on the logs of the coaches on
    their team now. Nobody else (a manager, an administrator) opens one."""
    return LogSignature.objects.filter(
        Q(coach_id=membership.user_id)
        | Q(coach_id__in=supervised_coaches(membership).values("pk")),
        organization=membership.organization,
    ).select_related("coach", "signed_by")


def signatures_of(coach: Any, organization: Organization) -> QuerySet[LogSignature]:
    return LogSignature.objects.filter(organization=organization, coach=coach).select_related(
        "signed_by"
    )


@dataclass(frozen=True)
class SignedLog:
    """A coach's log for a signature's period: what the signature covers (recorded by the time
    of signing) and what was recorded since, with the hours of each."""

    signature: LogSignature
    covered: list[SupervisionSession]
    later: list[SupervisionSession]
    practice_minutes: int
    practice_minutes_later: int
    requirement: Requirement

    @property
    def supervision_hours(self) -> float:
        return round(sum(s.minutes for s in self.covered) / 60, 1)

    @property
    def practice_hours(self) -> float:
        return round(self.practice_minutes / 60, 1)

    @property
    def later_hours(self) -> float:
        return round(sum(s.minutes for s in self.later) / 60, 1)

    @property
    def practice_hours_later(self) -> float:
        return round(self.practice_minutes_later / 60, 1)

    @property
    def intact(self) -> bool:
        """Whether what the signature covers still reads as it was signed."""
        return self.signature.fingerprint == log_fingerprint(
            coach=self.signature.coach,
            organization=self.signature.organization,
            start=self.signature.period_start,
            end=self.signature.period_end,
            sessions=self.covered,
            practice_minutes=self.practice_minutes,
        )


def log_fingerprint(
    *,
    coach: Any,
    organization: Organization,
    start: date,
    end: date,
    sessions: list[SupervisionSession],
    practice_minutes: int,
) -> str:
    """SHA-256 of the log's content, one line per session in a fixed order (ids, never names
    that can be renamed, and never the notes): the same log gives the same fingerprint."""
    lines = [
        "cairn supervision log v1",
        f"{organization.pk}|{coach.public_id}|{start.isoformat()}|{end.isoformat()}",
        f"practice_minutes|{practice_minutes}",
    ]
    for s in sorted(sessions, key=lambda s: (s.held_on, str(s.pk))):
        topics = ",".join(sorted(str(t.public_id) for t in s.topics.all()))
        lines.append(
            f"{s.pk}|{s.held_on.isoformat()}|{s.minutes}|{s.kind}|{s.mode}|{topics}|"
            f"{s.supervisor_id}"
        )
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def practice_minutes(
    coach: Any, organization: Organization, *, start: date, end: date, signed_by: datetime | None
) -> int:
    """Minutes of the contacts the coach signed for days in the period (by `signed_by`, if
    given): the supervised practice that hours() counts."""
    found = Encounter.objects.filter(
        organization=organization,
        author=coach,
        state=NoteState.SIGNED,
        occurred_on__gte=start,
        occurred_on__lte=end,
    )
    if signed_by is not None:
        found = found.filter(signed_at__lte=signed_by)
    return int(found.aggregate(total=Sum("duration_minutes"))["total"] or 0)


def log_for_period(coach: Any, organization: Organization, *, start: date, end: date) -> list[Any]:
    return list(
        sessions_of(coach, organization)
        .filter(held_on__gte=start, held_on__lte=end)
        .defer("notes")
        .order_by("held_on", "created_at")
    )


def signed_log(signature: LogSignature) -> SignedLog:
    coach, organization = signature.coach, signature.organization
    start, end = signature.period_start, signature.period_end
    sessions = log_for_period(coach, organization, start=start, end=end)
    covered = [s for s in sessions if s.created_at <= signature.signed_at]
    minutes = practice_minutes(
        coach, organization, start=start, end=end, signed_by=signature.signed_at
    )
    every = practice_minutes(coach, organization, start=start, end=end, signed_by=None)
    return SignedLog(
        signature=signature,
        covered=covered,
        later=[s for s in sessions if s.created_at > signature.signed_at],
        practice_minutes=minutes,
        practice_minutes_later=every - minutes,
        requirement=requirement(organization),
    )


def signer_credential(membership: Membership, *, today: date) -> str:
    """The signer's current credential as it should read under their name: the first that has
    not ended, by its name (the number stays encrypted on the credential)."""
    found = (
        credentials_of(membership)
        .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today))
        .order_by("name")
        .first()
    )
    if found is None:
        return ""
    return found.name[:200]


# --- the wellbeing self-check ------------------------------------------------------------------


def checks_of(membership: Membership) -> QuerySet[WellbeingCheck]:
    """The member's own self-checks: the only way one is opened, changed or deleted."""
    return WellbeingCheck.objects.filter(
        organization=membership.organization, coach_id=membership.user_id
    )


def checks_shared_with(membership: Membership, coach: Any) -> QuerySet[WellbeingCheck]:
    """The self-checks a coach on this supervisor's team shares with them: read for the summary
    (the scale answers) only; the coach's own words are never loaded."""
    if not supervised_coaches(membership).filter(pk=coach.pk).exists():
        return WellbeingCheck.objects.none()
    return WellbeingCheck.objects.filter(
        organization=membership.organization, coach=coach, shared_at__isnull=False
    ).defer("words")


def certificate_of(record: TrainingRecord) -> TrainingCertificate | None:
    return TrainingCertificate.objects.filter(record=record).first()


def training_of(membership: Membership) -> QuerySet[TrainingRecord]:
    """The member's own training records, each marked with whether a certificate is kept: the
    only way a record (and so its certificate) is opened."""
    return TrainingRecord.objects.filter(
        organization=membership.organization, holder_id=membership.user_id
    ).annotate(has_certificate=Exists(TrainingCertificate.objects.filter(record=OuterRef("pk"))))


@dataclass(frozen=True)
class TrainingHours:
    since: date
    hours: Decimal
    requirement: Requirement

    @property
    def left(self) -> Decimal:
        return max(Decimal(0), Decimal(self.requirement.training_hours) - self.hours)


def training_since(need: Requirement, *, today: date) -> date:
    """Trainings after this day (up to today) count toward the requirement."""
    return today - relativedelta(months=need.training_period_months)


def training_hours(coach: Any, need: Requirement, *, today: date) -> TrainingHours:
    """The hours of the coach's trainings within the requirement's training period: one query."""
    since = training_since(need, today=today)
    total = TrainingRecord.objects.filter(
        organization_id=need.organization_id,
        holder_id=coach.pk,
        taken_on__gt=since,
        taken_on__lte=today,
    ).aggregate(total=Sum("hours"))["total"]
    return TrainingHours(since, total or Decimal(0), need)


def training_people(membership: Membership) -> QuerySet[Any]:
    """Whose training hours a member may see as a list: a supervisor their team's coaches; a
    manager or an administrator the program's active care team. Never the certificates."""
    from accounts.models import User

    members = Membership.objects.active().filter(organization=membership.organization)
    if membership.role == Role.SUPERVISOR:
        if membership.team_id is None:
            return User.objects.none()
        members = members.filter(team_id=membership.team_id, role=Role.COACH)
    elif membership.role in Role.program_keepers():
        members = members.filter(role__in=Role.care_team())
    else:
        return User.objects.none()
    return User.objects.filter(pk__in=members.values("user_id")).order_by("preferred_name")


def training_hours_of(membership: Membership, *, today: date) -> list[tuple[Any, TrainingHours]]:
    """Each person's training hours against the requirement, by name (a list for renewals,
    never a ranking): three queries whatever the team's size."""
    need = requirement(membership.organization)
    since = training_since(need, today=today)
    people = list(training_people(membership))
    totals = dict(
        TrainingRecord.objects.filter(
            organization=membership.organization,
            holder_id__in=[person.pk for person in people],
            taken_on__gt=since,
            taken_on__lte=today,
        )
        .values("holder_id")
        .order_by()
        .annotate(total=Sum("hours"))
        .values_list("holder_id", "total")
    )
    return [
        (person, TrainingHours(since, totals.get(person.pk) or Decimal(0), need))
        for person in people
    ]


def supervision_log(coach: Any, organization: Organization) -> tuple[list[Any], list[list[Any]]]:
    """The coach's supervision log for a certification board: dates, minutes, format, topics
    and who supervised (who signs it), never the notes."""
    rows = [
        [
            s.held_on,
            s.minutes,
            s.get_kind_display(),
            s.get_mode_display(),
            "; ".join(t.name for t in s.topics.all()),
            s.supervisor.display_name,
        ]
        for s in sessions_of(coach, organization).defer("notes")
    ]
    header = [_("Date"), _("Minutes"), _("Format"), _("How"), _("Topics"), _("Supervisor")]
    return header, rows


# The program's figures look back over this month and the three before it; a self-check counts
# for the program if its coach shared it in the last SHARED_DAYS days.
PROGRAM_MONTHS = 4
SHARED_DAYS = 90


@dataclass(frozen=True)
class ProgramMonth:
    month: date
    cells: list[Any]  # reports.suppression cells: coaches, contacts, after hours, ..., signals


@dataclass(frozen=True)
class ProgramWellbeing:
    """How the work weighs on the program's care team as a whole: counts only, small ones
    hidden, never a name, never a ranking (issue #25)."""

    months: list[ProgramMonth]
    shared_coaches: str
    questions: list[tuple[str, list[Any]]]  # (short name, cells per scale point + total)


def program_wellbeing(organization: Organization, *, today: date) -> ProgramWellbeing:
    """Five queries whatever the program's size: contacts and signals grouped by month in the
    database, the shared self-checks of the last 90 days decrypted here (their answers are
    encrypted), one per coach (the latest)."""
    from django.db.models.functions import TruncMonth
    from django.utils import timezone as django_timezone

    from reachout.models import Signal
    from reports.suppression import suppress_count, suppress_table
    from supervision.wellbeing import QUESTIONS, SCALE, SHORT

    first = (today.replace(day=1) - relativedelta(months=PROGRAM_MONTHS - 1)).replace(day=1)
    after_hours = (
        Q(started_at__hour__lt=DAY_STARTS)
        | Q(started_at__hour__gte=DAY_ENDS)
        | Q(started_at__iso_week_day__gte=6)
    )
    # Hours and weekdays are the organization's own: lookups read the active time zone.
    with django_timezone.override(ZoneInfo(organization.time_zone)):
        contacts = {
            (row["month"].year, row["month"].month): row
            for row in Encounter.objects.filter(
                organization=organization,
                state=NoteState.SIGNED,
                occurred_on__gte=first,
                occurred_on__lte=today,
            )
            .annotate(month=TruncMonth("occurred_on"))
            .values("month")
            .order_by("month")
            .annotate(
                coaches=Count("author_id", distinct=True),
                contacts=Count("pk"),
                after_hours=Count("pk", filter=after_hours),
                coaches_after_hours=Count("author_id", filter=after_hours, distinct=True),
            )
        }
        answered = {
            (row["month"].year, row["month"].month): row["answered"]
            for row in Signal.objects.filter(
                organization=organization,
                acknowledged_at__date__gte=first,
                acknowledged_at__date__lte=today,
            )
            .annotate(month=TruncMonth("acknowledged_at"))
            .values("month")
            .order_by("month")
            .annotate(answered=Count("pk"))
        }
    months = [first + relativedelta(months=step) for step in range(PROGRAM_MONTHS)]
    rows = []
    for month in months:
        found = contacts.get((month.year, month.month), {})
        rows.append(
            [
                found.get("coaches", 0),
                found.get("contacts", 0),
                found.get("after_hours", 0),
                found.get("coaches_after_hours", 0),
                answered.get((month.year, month.month), 0),
            ]
        )
    # The columns count different things, so no totals: each count stands alone, and any from
    # 1 to 10 is hidden.
    hidden = suppress_table(rows, row_totals=False, col_totals=False)

    care_team = Membership.objects.active().filter(
        organization=organization, role__in=Role.care_team()
    )
    latest: dict[Any, dict[str, Any]] = {}
    for coach_id, answers in (
        WellbeingCheck.objects.filter(
            organization=organization,
            shared_at__isnull=False,
            taken_at__date__gte=today - timedelta(days=SHARED_DAYS),
            coach_id__in=care_team.values("user_id"),
        )
        .order_by("coach_id", "-taken_at")
        .values_list("coach_id", "answers")
    ):
        latest.setdefault(coach_id, answers or {})
    table = [
        [sum(1 for answers in latest.values() if answers.get(key) == point) for point in SCALE]
        for key in QUESTIONS
    ]
    cells = suppress_table(table, row_totals=True, col_totals=False) if table else []
    return ProgramWellbeing(
        months=[ProgramMonth(month, row) for month, row in zip(months, hidden, strict=True)],
        shared_coaches=suppress_count(len(latest)),
        questions=[(str(SHORT[key]), row) for key, row in zip(QUESTIONS, cells, strict=True)],
    )
