"""The dashboard's figures counted in the database, to the definitions in `reports.figures`.

`reports.figures` states each figure as a pure function of one row per person; at state scale
(30,000 people, 400,000 contacts) building those rows and every reassessment plan in Python took
seconds. Here the same figures are counts, conditional counts and EXISTS tests in a fixed number
of queries. Reassessment windows are plain date arithmetic (enrolment + offset ± window) for
everyone without a break; the few people with a break, whose windows move, still go through
`assessments.schedule.plan`. `reports/tests/test_aggregates.py` holds both paths to the same
figures on the demo data.

The two raw queries (contacts, recovery capital) have one text per database, chosen by
`vendor_sql`; the suite runs that test on PostgreSQL and on SQLite, so each text is held to the
same Python figures on the same fixtures.
"""

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import pairwise
from typing import Any, TypeVar

from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    Count,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
)

from accounts.models import NAME_COLUMNS, shown_name
from accounts.selectors import display_names
from assessments.models import BARC10, Assessment
from assessments.schedule import PAUSED, Rule, offsets
from encounters.models import ContactType, Encounter, Outcome
from lib.db_routing import read_connection
from organizations.models import Organization
from participants.models import Participant, StatusChange
from reports import figures
from reports.figures import Change, MonthCount, MonthReach, Person, Range, Rate

Text = TypeVar("Text")  # a query's text, or the pieces a query is written from

REACHED = ~Q(contact_type=ContactType.OUTREACH) & Q(outcome=Outcome.REACHED)


def _days_after(field: str, days: int, outer: bool = False) -> ExpressionWrapper:
    base = OuterRef(field) if outer else F(field)
    return ExpressionWrapper(base + timedelta(days=days), output_field=DateField())


def _stayed(opens_after_days: int) -> Q:
    """Not among the people who had left the program before a window opened."""
    left = (
        ~Q(status__in=figures.OPEN_STATUSES)
        & Q(status_since__isnull=False)
        & Q(status_since__lt=_days_after("enrolled_on", opens_after_days))
    )
    return ~left


def assessed_between(organization: Organization, first: int, last: int) -> Exists:
    """A BARC-10 between `first` and `last` days after the outer person's enrolment."""
    return Exists(
        Assessment.objects.filter(
            organization=organization,
            participant_id=OuterRef("pk"),
            instrument=BARC10,
            administered_on__gte=_days_after("enrolled_on", first, outer=True),
            administered_on__lte=_days_after("enrolled_on", last, outer=True),
        )
    )


def on_a_break(organization: Organization) -> Q:
    """People whose reassessment windows a break may have moved: those `plan` must place."""
    stepped = StatusChange.objects.filter(organization=organization).filter(
        Q(to_status=PAUSED) | Q(from_status=PAUSED)
    )
    return Q(status=PAUSED) | Q(pk__in=stepped.values("participant_id"))


def windows_are_apart(rule: Rule) -> bool:
    """Whether no two windows up to the last follow-up point overlap; then a point is done
    exactly when a BARC-10 falls in its own window (one assessment cannot do two points)."""
    plain = Rule(rule.offsets_days, 0, rule.window_days, rule.baseline)
    points = [p for p in offsets(plain) if p <= max(figures.FOLLOW_UP_DAYS)]
    return all(b - a > 2 * rule.window_days for a, b in pairwise(points))


def people_counts(
    *, organization: Organization, people: "QuerySet[Participant]", period: Range, rule: Rule
) -> dict[str, Any]:
    """Enrolled, active, the federal follow-up and (for people without a break, when the
    windows are apart) the day 30/60/90 follow-up, in one aggregate over the people: 1 query."""
    start, end = period.start, period.end
    aggregates: dict[str, Any] = {
        "enrolled": Count("pk", filter=Q(enrolled_on__gte=start, enrolled_on__lte=end)),
        "active": Count("pk", filter=Q(status__in=figures.OPEN_STATUSES, enrolled_on__lte=end)),
    }
    opens = figures.FEDERAL_DAY - figures.FEDERAL_WINDOW
    closes = figures.FEDERAL_DAY + figures.FEDERAL_WINDOW
    federal = federal_counted(period)
    aggregates["federal_of"] = Count("pk", filter=federal)
    aggregates["federal_done"] = Count(
        "pk", filter=federal & Q(assessed_between(organization, opens, closes))
    )
    if windows_are_apart(rule):
        # Computed once per person (an annotation), not once per conditional count.
        people = people.annotate(
            moved=ExpressionWrapper(on_a_break(organization), output_field=BooleanField())
        )
        steady = Q(moved=False)
        for days in follow_up_days(rule):
            first, last = days - rule.window_days, days + rule.window_days
            counted = (
                steady
                & Q(enrolled_on__gte=start - timedelta(days=last))
                & Q(enrolled_on__lte=end - timedelta(days=last))
                & _stayed(first)
            )
            done = Q(assessed_between(organization, first, last))
            aggregates[f"done_{days}"] = Count("pk", filter=counted & done)
            # A window closing on the range's last day is still open then (overdue, not missed).
            aggregates[f"missed_{days}"] = Count(
                "pk", filter=counted & ~done & Q(enrolled_on__lt=end - timedelta(days=last))
            )
    return people.order_by().aggregate(**aggregates)


def federal_counted(period: Range) -> Q:
    """People whose 180-day (±30) window closed in the range, unless they had left before it
    opened (`figures.federal_follow_up`)."""
    closes = figures.FEDERAL_DAY + figures.FEDERAL_WINDOW
    return (
        Q(enrolled_on__gte=period.start - timedelta(days=closes))
        & Q(enrolled_on__lte=period.end - timedelta(days=closes))
        & _stayed(figures.FEDERAL_DAY - figures.FEDERAL_WINDOW)
    )


def behind(
    figure: str,
    *,
    organization: Organization,
    people: "QuerySet[Participant]",
    range_contacts: "QuerySet[Encounter]",
    period: Range,
) -> "QuerySet[Participant]":
    """The people behind one headline figure, as a query (the drill-down pages through it)."""
    if figure == "served":
        reached = range_contacts.filter(REACHED, participant_id=OuterRef("pk"))
        return people.filter(Exists(reached))
    if figure == "enrolled":
        return people.filter(enrolled_on__gte=period.start, enrolled_on__lte=period.end)
    if figure == "active":
        return people.filter(status__in=figures.OPEN_STATUSES, enrolled_on__lte=period.end)
    if figure == "federal":
        return people.filter(federal_counted(period))
    if figure == "recovery-capital":
        paired = (
            Assessment.objects.filter(
                organization=organization,
                participant_id__in=people.values("pk"),
                instrument=BARC10,
                total__isnull=False,
                administered_on__lte=period.end,
            )
            .order_by()
            .values("participant_id")
            .annotate(n=Count("pk"))
            .filter(n__gte=2)
            .values("participant_id")
        )
        return people.filter(pk__in=paired)
    raise ValueError(figure)


def follow_up_days(rule: Rule) -> list[int]:
    return [d for d in figures.FOLLOW_UP_DAYS if d in rule.offsets_days]


def caseload_counts(people: "QuerySet[Participant]", period: Range) -> list[tuple[Any, str, int]]:
    """Open caseload by coach: (coach id or None for no coach yet, the coach's name as shown,
    count), 1 query. What is kept of it is the ids and counts (`reports.cache`)."""
    rows = (
        people.order_by()
        .filter(status__in=figures.OPEN_STATUSES, enrolled_on__lte=period.end)
        .values_list("coach_id", *(f"coach__{column}" for column in NAME_COLUMNS))
        .annotate(n=Count("pk"))
    )
    return [
        (coach_id, shown_name(*names) if coach_id is not None else "", n)
        for coach_id, *names, n in rows
    ]


def named_caseload(rows: list[tuple[Any, str, int]]) -> list[tuple[str, int]]:
    """The counts by coach name (as `figures.caseload_by_coach`: "" for no coach yet), largest
    first."""
    named: Counter[str] = Counter()
    for _coach_id, name, n in rows:
        named[name] += n
    return sorted(named.items(), key=lambda item: (-item[1], item[0]))


def caseload(counts: list[tuple[Any, int]]) -> list[tuple[str, int]]:
    """Kept (coach id, count) pairs by the coaches' names as they are now (1 query, none
    without a coach): names are never kept."""
    names = display_names(coach_id for coach_id, _n in counts)
    return named_caseload([(coach_id, names.get(coach_id, ""), n) for coach_id, n in counts])


# One pass over the range's contacts (a materialized CTE), then small aggregates over it:
# per month, type and service (hashed, no sort), the people reached per month and overall
# through one row per person and month (GROUPING SETS with DISTINCT sorted the whole range), and
# retention from each person's latest reaching contact in the range. For retention that is the
# same as their latest by the range's end: the cohort enrolled in the range, so a contact before
# the range's start can never be on or after "enrolment + days".
CONTACTS = """
WITH c AS MATERIALIZED (
    SELECT c.occurred_on AS day, {month} AS month,
           c.contact_type, c.service_type_id, c.reached, c.duration_minutes AS minutes,
           c.participant_id
    FROM ({contacts}) AS c
), per_person AS (
    SELECT month, participant_id, count(*) AS n, max(day) AS latest FROM c WHERE reached
    GROUP BY month, participant_id
), served AS MATERIALIZED (
    SELECT participant_id, max(latest) AS latest FROM per_person GROUP BY participant_id
), cohort AS MATERIALIZED (
    SELECT p.enrolled_on, served.latest
    FROM ({cohort}) AS p LEFT JOIN served ON served.participant_id = p.id
)
SELECT 1, month, contact_type, s.name, n, minutes
FROM (
    SELECT month, contact_type, service_type_id, count(*) AS n,
           coalesce(sum(minutes) FILTER (WHERE reached), 0) AS minutes
    FROM c GROUP BY month, contact_type, service_type_id
) AS g LEFT JOIN encounters_servicetype AS s ON s.id = g.service_type_id
UNION ALL
SELECT 2, month, NULL, NULL, sum(n), count(*) FROM per_person GROUP BY month
UNION ALL
SELECT 3, NULL, NULL, NULL, 0, count(*) FROM served
{retention}
"""

# Per retention point: people whose point fell by the range's end (n), and those of them
# reached on or after it (other).
RETENTION = """UNION ALL
SELECT 4, NULL, '{days}', NULL, count(*) FILTER (WHERE enrolled_on <= %s),
       count(*) FILTER (WHERE enrolled_on <= %s AND latest >= {days_after})
FROM cohort"""

# What differs between the databases in these texts: the first day of a contact's month, and a
# date some days after another (SQLite keeps dates as ISO text, so `+` would add to the year).
MONTH = {
    "postgresql": "date_trunc('month', c.occurred_on)::date",
    "sqlite": "date(c.occurred_on, 'start of month')",
}
DAYS_AFTER = {"postgresql": "enrolled_on + {days}", "sqlite": "date(enrolled_on, '+{days} days')"}


def vendor_sql(texts: dict[str, Text]) -> Text:
    """This database's text of a query; a database without one is a programming error."""
    try:
        return texts[connection.vendor]
    except KeyError:
        raise NotImplementedError(f"no {connection.vendor} text for this query") from None


def as_date(value: Any) -> Any:
    """A month as `datetime.date` on both databases (SQLite's date() answers ISO text)."""
    return date.fromisoformat(value) if isinstance(value, str) else value


@dataclass
class Contacts:
    by_type: list[MonthCount]
    by_service: list[MonthCount]
    reach: list[MonthReach]
    served: int  # different people reached in the range
    retention: dict[int, Rate]  # `figures.retention` for the people enrolled in the range


def contacts(
    range_contacts: "QuerySet[Encounter]", *, people: "QuerySet[Participant]", period: Range
) -> Contacts:
    """Contacts per month by type and by service, the people reached per month and in the whole
    range, and retention of the people enrolled in the range, in one pass over the range's
    contacts: 1 query."""
    inner = range_contacts.annotate(
        reached=ExpressionWrapper(REACHED, output_field=BooleanField()),
    ).values(
        "occurred_on",
        "contact_type",
        "service_type_id",
        "reached",
        "duration_minutes",
        "participant_id",
    )
    sql, params = inner.query.sql_with_params()
    cohort = (
        people.order_by()
        .filter(enrolled_on__gte=period.start, enrolled_on__lte=period.end)
        .values("id", "enrolled_on")
    )
    cohort_sql, cohort_params = cohort.query.sql_with_params()
    retention = "\n".join(
        RETENTION.format(days=int(d), days_after=vendor_sql(DAYS_AFTER).format(days=int(d)))
        for d in figures.RETENTION_DAYS
    )
    edges = [period.end - timedelta(days=d) for d in figures.RETENTION_DAYS for _ in (0, 1)]
    found = Contacts([], [], [], 0, {})
    by_type: Counter[tuple[Any, str]] = Counter()
    by_service: Counter[tuple[Any, str]] = Counter()
    minutes_by_type: Counter[tuple[Any, str]] = Counter()
    minutes_by_service: Counter[tuple[Any, str]] = Counter()
    with read_connection().cursor() as cursor:
        cursor.execute(
            CONTACTS.format(
                month=vendor_sql(MONTH), contacts=sql, cohort=cohort_sql, retention=retention
            ),
            [*params, *cohort_params, *edges],
        )
        for part, month_text, kind, service, n, other in cursor.fetchall():
            month = as_date(month_text)
            if part == 1:  # other: minutes of the contacts that reached someone
                by_type[month, kind or ""] += n
                minutes_by_type[month, kind or ""] += other
                by_service[month, service or ""] += n
                minutes_by_service[month, service or ""] += other
            elif part == 2:  # n: contacts that reached someone; other: people reached
                found.reach.append(MonthReach(month, int(n), other))
            elif part == 3:
                found.served = other
            else:  # kind: the retention point's days; n: people due by then; other: kept
                found.retention[int(kind)] = Rate(other, int(n))
    found.by_type = [MonthCount(m, k, n, minutes_by_type[m, k]) for (m, k), n in by_type.items()]
    found.by_service = [
        MonthCount(m, k, n, minutes_by_service[m, k]) for (m, k), n in by_service.items()
    ]
    found.reach.sort(key=lambda r: r.month)
    found.retention = {d: found.retention[d] for d in figures.RETENTION_DAYS}
    return found


@contextmanager
def without_jit() -> Iterator[None]:
    """PostgreSQL compiles these big aggregates with JIT, which took longer (seconds, on a
    busy machine) than running them: turn it off for the dashboard's transaction only, and
    give its sorts room (the setting ends with the transaction). Other databases have no such
    settings, and on SQLite a transaction would take the write lock (IMMEDIATE) for a read."""
    reading = read_connection()  # a replica's transaction is read-only; SET LOCAL still holds
    if reading.vendor != "postgresql":
        yield
        return
    with transaction.atomic(using=reading.alias):
        with reading.cursor() as cursor:
            # Sorts for the distinct counts stay in memory instead of spilling to disk.
            cursor.execute("SET LOCAL jit = off; SET LOCAL work_mem = '64MB'")
        yield


RECOVERY_CAPITAL = {
    # Each person's first and latest totals by an ordered array: one pass, no window sort.
    "postgresql": """
SELECT count(*), coalesce(sum(latest - first), 0), count(*) FILTER (WHERE latest > first),
       count(*) FILTER (WHERE latest >= %s)
FROM (
    SELECT (array_agg(total ORDER BY administered_on, created_at))[1] AS first,
           (array_agg(total ORDER BY administered_on, created_at))[count(*)] AS latest
    FROM assessments_assessment
    WHERE organization_id = %s AND instrument = %s AND total IS NOT NULL
      AND administered_on <= %s AND participant_id IN ({people})
    GROUP BY participant_id
    HAVING count(*) >= 2
) AS paired
""",
    # SQLite has no arrays: the same first and latest by window functions over the same order.
    "sqlite": """
SELECT count(*), coalesce(sum(latest - first), 0), count(*) FILTER (WHERE latest > first),
       count(*) FILTER (WHERE latest >= %s)
FROM (
    SELECT DISTINCT participant_id,
           first_value(total) OVER running AS first,
           last_value(total) OVER running AS latest
    FROM (
        SELECT participant_id, total, administered_on, created_at,
               count(*) OVER (PARTITION BY participant_id) AS n
        FROM assessments_assessment
        WHERE organization_id = %s AND instrument = %s AND total IS NOT NULL
          AND administered_on <= %s AND participant_id IN ({people})
    ) AS own
    WHERE n >= 2
    WINDOW running AS (
        PARTITION BY participant_id ORDER BY administered_on, created_at
        ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
    )
) AS paired
""",
}


def recovery_capital(
    *, organization: Organization, people: "QuerySet[Participant]", period: Range
) -> Change:
    """`figures.recovery_capital`'s first and latest totals, paired per person in SQL: 1 query."""
    inner, params = people.order_by().values("pk").query.sql_with_params()
    with read_connection().cursor() as cursor:
        cursor.execute(
            vendor_sql(RECOVERY_CAPITAL).format(people=inner),
            [figures.SUSTAINED_TOTAL, organization.pk, BARC10, period.end, *params],
        )
        n, change, gained, sustained = cursor.fetchone()
    mean = round(change / n, 1) if n else None
    return Change(n, mean, Rate(gained, n), Rate(sustained, n))


def plain_people(people: "QuerySet[Participant]") -> list[Person]:
    """Rows for `figures.follow_up` (no contacts: it does not read them): 1 query."""
    rows = people.order_by().values_list("pk", "enrolled_on", "status", "status_since")
    return [Person(pid, enrolled_on, status, since, "") for pid, enrolled_on, status, since in rows]


def merge(rates: dict[int, Rate], more: dict[int, Rate]) -> dict[int, Rate]:
    return {d: Rate(rates[d].done + more[d].done, rates[d].of + more[d].of) for d in rates}


def counted_follow_up(row: dict[str, Any], rule: Rule) -> dict[int, Rate]:
    rates = {d: Rate(0, 0) for d in figures.FOLLOW_UP_DAYS}
    for days in follow_up_days(rule):
        done = row[f"done_{days}"]
        rates[days] = Rate(done, done + row[f"missed_{days}"])
    return rates
