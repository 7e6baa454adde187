"""SUPRT completion counted in the database, to the rules `reports.suprt_figures` applies in Python.

At 30,000 people, reading one row per episode with its SUPRT-A records and walking the windows in
Python made the dashboard's first view wait a second or more. Here each episode's windows are
date arithmetic in one query: the baseline (enrolment to day 30), the 6-month reassessment
(anchor + 180 ± 30, the anchor being the first baseline, or the enrolment without one), each
annual assessment (anniversary of the anchor ± 30; a 29 February anchor has its anniversary on 28
February in other years) and the closeout (end of care to day 30). A window counts where it
closed in the range; the 6-month and annual ones only while care had not ended by their close.
A window is done by a SUPRT-A stored under its label and dated inside it (a baseline, by any
baseline dated by day 30).

The same windows give the dashboard's rates (`completion`) and the people behind one time point
for its drill-down (`people_at`).

These restate `assessments.suprt_points` (its constants are the ones used here), so
`reports/tests/test_suprt_counts.py` holds both reads to `reports.suprt_figures` over many
generated episodes and edge days, on PostgreSQL and on SQLite. What the two databases write
differently (a date some days on, a year, an anniversary) has one text per database, chosen by
`aggregates.vendor_sql`, as for the BARC-10 figures.
"""

import uuid
from datetime import timedelta
from typing import Any

from django.db.models import QuerySet

from assessments import suprt
from assessments.suprt_points import (
    BASELINE_DAYS,
    CLOSEOUT_DAYS,
    MAX_YEARS,
    REASSESSMENT_DAYS,
    WINDOW_DAYS,
    TimePoint,
)
from lib.db_routing import read_connection
from organizations.models import Organization
from participants.models import Participant
from reports.aggregates import vendor_sql
from reports.figures import Range, Rate
from reports.suprt_figures import POINTS

# Each episode's windows (point, the label a record is stored under, opens, closes). `calendar`
# holds the years in which an annual window closing in the range can have its anniversary, so
# each episode meets only those (one or two for a year's range), not fifty.
WINDOWS = """
WITH RECURSIVE calendar(year) AS (
    SELECT CAST(%s AS integer) UNION ALL SELECT year + 1 FROM calendar WHERE year < %s
), first_baseline AS (
    SELECT participant_id, min(administered_on) AS baseline_on FROM ({records}) AS r
    WHERE schedule_point = '{baseline}' GROUP BY participant_id
), episode AS MATERIALIZED (
    SELECT e.id, e.enrolled_on, e.ended_on, coalesce(b.baseline_on, e.enrolled_on) AS anchor
    FROM ({episodes}) AS e LEFT JOIN first_baseline AS b ON b.participant_id = e.id
), anniversary AS (
    SELECT id, ended_on, year - {year_of_anchor} AS years, {anniversary} AS due_on
    FROM episode CROSS JOIN calendar
), window_ AS (
    -- A baseline is done by any baseline record by day 30, however early: it opens on no day.
    SELECT id, ended_on, '{baseline}' AS point, '{baseline}' AS label,
           NULL AS opens, {baseline_closes} AS closes
    FROM episode
    UNION ALL
    SELECT id, ended_on, '{reassessment}', '{reassessment}',
           {reassessment_opens}, {reassessment_closes}
    FROM episode
    UNION ALL
    SELECT id, ended_on, '{annual}', '{annual}-' || years, {annual_opens}, {annual_closes}
    FROM anniversary WHERE years BETWEEN 1 AND {last_year}
    UNION ALL
    SELECT id, ended_on, '{closeout}', '{closeout}', ended_on, {closeout_closes}
    FROM episode WHERE ended_on IS NOT NULL
)"""
# A window `w` is done by a SUPRT-A stored under its label and dated inside it.
DONE = """EXISTS (
    SELECT 1 FROM ({records}) AS r
    WHERE r.participant_id = w.id AND r.schedule_point = w.label
      AND r.administered_on <= w.closes AND (w.opens IS NULL OR r.administered_on >= w.opens)
)"""
# The windows counted: those that closed in the range, except a 6-month or annual one of care
# that ended before or during it (no reassessment is needed then).
COUNTED = """w.closes >= %s AND w.closes <= %s
  AND (w.point IN ('{baseline}', '{closeout}') OR w.ended_on IS NULL OR w.ended_on > w.closes)"""

# Per time point, the windows counted and those done (constant texts put together: no input).
COMPLETION = f"""{WINDOWS}
SELECT point, count(*), count(*) FILTER (WHERE {DONE})
FROM window_ AS w WHERE {COUNTED}
GROUP BY point
"""  # noqa: S608
# The people with a window of one time point counted, and whether all of theirs were done.
PEOPLE = f"""{WINDOWS}
SELECT w.id, count(*) FILTER (WHERE {DONE}) = count(*)
FROM window_ AS w WHERE {COUNTED} AND w.point = %s
GROUP BY w.id
"""  # noqa: S608

# What differs between the databases: a date some days after another (SQLite keeps dates as ISO
# text), a date's year, and an anniversary in a given calendar year.
VENDOR = {
    "postgresql": {
        "days_after": "({day} + {days})",
        "year_of_anchor": "CAST(extract(year FROM anchor) AS integer)",
        # PostgreSQL adds years as the calendar does: 29 February + 1 year is 28 February.
        "anniversary": "CAST(anchor + make_interval(years => year - "
        "CAST(extract(year FROM anchor) AS integer)) AS date)",
    },
    "sqlite": {
        "days_after": "date({day}, '{days:+d} days')",
        "year_of_anchor": "CAST(strftime('%%Y', anchor) AS integer)",
        # SQLite would roll 29 February over to 1 March: the day before 1 March instead.
        "anniversary": "CASE WHEN strftime('%%m-%%d', anchor) = '02-29'"
        " THEN date(printf('%%04d-03-01', year), '-1 day')"
        " ELSE printf('%%04d', year) || substr(anchor, 5) END",
    },
}


def text(query: str, vendor: dict[str, str], *, episodes: str, records: str) -> str:
    """`COMPLETION` or `PEOPLE` in this database's words."""

    def after(day: str, days: int) -> str:
        return vendor["days_after"].format(day=day, days=days)

    return query.format(
        episodes=episodes,
        records=records,
        year_of_anchor=vendor["year_of_anchor"],
        anniversary=vendor["anniversary"],
        last_year=MAX_YEARS - 1,
        baseline=TimePoint.BASELINE,
        reassessment=TimePoint.REASSESSMENT,
        annual=TimePoint.ANNUAL,
        closeout=TimePoint.CLOSEOUT,
        baseline_closes=after("enrolled_on", BASELINE_DAYS),
        reassessment_opens=after("anchor", REASSESSMENT_DAYS - WINDOW_DAYS),
        reassessment_closes=after("anchor", REASSESSMENT_DAYS + WINDOW_DAYS),
        annual_opens=after("due_on", -WINDOW_DAYS),
        annual_closes=after("due_on", WINDOW_DAYS),
        closeout_closes=after("ended_on", CLOSEOUT_DAYS),
    )


def completion(
    *, organization: Organization, people: "QuerySet[Participant]", period: Range
) -> dict[str, Rate]:
    """`suprt_figures.completion` of the people's episodes, counted in the database: 1 query."""
    with read_connection().cursor() as cursor:
        cursor.execute(*_query(COMPLETION, organization=organization, people=people, period=period))
        counted = {point: Rate(done, due) for point, due, done in cursor.fetchall()}
    return {str(point): counted.get(str(point), Rate(0, 0)) for point in POINTS}


def people_at(
    point: str, *, organization: Organization, people: "QuerySet[Participant]", period: Range
) -> dict[uuid.UUID, bool]:
    """The people behind one time point's rate (`suprt_figures.points`), and whether a SUPRT-A
    did each of their windows there (a person with two annual windows in a long range: done
    only if both were): 1 query."""
    query, params = _query(PEOPLE, organization=organization, people=people, period=period)
    with read_connection().cursor() as cursor:
        cursor.execute(query, [*params, point])
        return {_uuid(person): bool(done) for person, done in cursor.fetchall()}


def _query(
    query: str, *, organization: Organization, people: "QuerySet[Participant]", period: Range
) -> tuple[str, list[Any]]:
    episodes, episode_params = suprt.episode_values(
        people=people, start=period.start, end=period.end
    ).query.sql_with_params()
    records, record_params = suprt.record_values(
        organization_id=organization.pk, end=period.end
    ).query.sql_with_params()
    # An annual window closing in the range has its anniversary WINDOW_DAYS before its close.
    margin = timedelta(days=WINDOW_DAYS)
    years = [(period.start - margin).year, (period.end - margin).year]
    return (
        text(query, vendor_sql(VENDOR), episodes=episodes, records=records),
        [*years, *record_params, *episode_params, *record_params, period.start, period.end],
    )


def _uuid(value: Any) -> uuid.UUID:
    """A participant's id as stored: a UUID on PostgreSQL, its 32 hex digits on SQLite."""
    return value if isinstance(value, uuid.UUID) else uuid.UUID(value)
