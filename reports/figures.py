"""Every dashboard figure as a pure function of plain rows, so each can be computed by hand.

`reports.selectors.by_person` turns the database into these rows (one row per person in scope,
one row per month and category for contacts, BARC-10 dates and totals); nothing here touches
the database. The page itself counts the same figures in SQL (`reports.aggregates`), and
`reports/tests/test_aggregates.py` holds both to the same numbers. Definitions, as the
dashboard states them:

- A *contact* is any recorded contact in the range; it *reached* the person unless it was an
  outreach attempt or a call or message that did not get through.
- *Participants served*: people with at least one contact that reached them in the range.
- *New enrolments*: people whose enrolment date falls in the range.
- *Active caseload by coach*: people with an open status (referred, active, taking a break)
  enrolled on or before the range end, by their coach.
- *Hours of service*: the minutes of contacts that reached the person, in hours.
- *Engagement*: per month, contacts that reached someone divided by the people reached.
- *Retention at N days*: of the people enrolled in the range at least N days before its end,
  the share with a contact that reached them on or after day N of their enrolment (and by the
  range end).
- *Follow-up completion at 30/60/90 days*: of the reassessment points whose window (the
  organization's schedule, ±14 days by default, moved by breaks) closed in the range, the share
  with a BARC-10 inside the window. People who had left the program before a window opened
  are not counted.
- *BARC-10 follow-up at 180 days*: a BARC-10 recorded between day 150 and day 210 after
  enrolment (180 days ±30), counted for people whose window closed in the range. Where the
  organization reports SUPRT, the federal follow-up is SUPRT's own (`reports.suprt_figures`).
- *Recovery-capital change*: people with at least two BARC-10 totals by the range end; their
  first (baseline) and latest totals: n, mean change, share with a gain, share at 47 or more.
"""

import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

from assessments.schedule import PAUSED, Rule, Span, State, pause_spans, plan
from assessments.selectors import History  # break steps and BARC-10 (date, total), oldest first

OPEN_STATUSES = ("referred", "active", "paused")
RETENTION_DAYS = (30, 60, 90, 180)
FOLLOW_UP_DAYS = (30, 60, 90)
FEDERAL_DAY, FEDERAL_WINDOW, FEDERAL_TARGET = 180, 30, 0.8
SUSTAINED_TOTAL = 47  # a BARC-10 total associated with sustained remission


@dataclass(frozen=True)
class Range:
    start: date
    end: date

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end


@dataclass(frozen=True)
class Person:
    """One participant in scope, with what their contacts in the range add up to."""

    id: uuid.UUID
    enrolled_on: date
    status: str
    status_since: date | None
    coach: str  # the coach's display name ("" without a coach)
    contacts_in_range: int = 0  # contacts that reached them in the range
    last_contact_on: date | None = None  # latest contact that reached them, by the range end


@dataclass(frozen=True)
class MonthCount:
    """Contacts of one kind (a contact type or service name) in one month."""

    month: date
    key: str
    contacts: int
    minutes: int = 0


@dataclass(frozen=True)
class MonthReach:
    """Contacts that reached someone in one month, and how many different people they reached."""

    month: date
    contacts: int
    people: int


@dataclass(frozen=True)
class Rate:
    done: int
    of: int

    @property
    def share(self) -> float | None:
        return self.done / self.of if self.of else None


@dataclass(frozen=True)
class Change:
    n: int
    mean_change: float | None
    gained: Rate
    at_sustained: Rate


def served(people: Iterable[Person]) -> list[Person]:
    return [p for p in people if p.contacts_in_range > 0]


def enrolled(people: Iterable[Person], period: Range) -> list[Person]:
    return [p for p in people if p.enrolled_on in period]


def active(people: Iterable[Person], period: Range) -> list[Person]:
    return [p for p in people if p.status in OPEN_STATUSES and p.enrolled_on <= period.end]


def caseload_by_coach(people: Iterable[Person], period: Range) -> list[tuple[str, int]]:
    """(coach, open caseload), largest first; people without a coach are listed as ""."""
    counts = Counter(p.coach for p in active(people, period))
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def hours(months: Iterable[MonthCount]) -> float:
    return round(sum(m.minutes for m in months) / 60, 1)


def table(
    months: Iterable[MonthCount], period: Range
) -> tuple[list[date], list[str], list[list[int]]]:
    """Month columns (every month of the range, empty ones too), category rows, the counts."""
    cells: dict[str, dict[date, int]] = defaultdict(dict)
    for m in months:
        cells[m.key][m.month] = cells[m.key].get(m.month, 0) + m.contacts
    columns = month_starts(period)
    keys = sorted(cells, key=lambda k: (-sum(cells[k].values()), k))
    return columns, keys, [[cells[k].get(month, 0) for month in columns] for k in keys]


def month_starts(period: Range) -> list[date]:
    months, day = [], period.start.replace(day=1)
    while day <= period.end:
        months.append(day)
        day = (day + timedelta(days=32)).replace(day=1)
    return months


def engagement(reach: Iterable[MonthReach]) -> list[tuple[date, float]]:
    """Contacts per person reached, per month, to one decimal."""
    return [(r.month, round(r.contacts / r.people, 1)) for r in reach if r.people]


def retention(people: Iterable[Person], period: Range) -> dict[int, Rate]:
    """Share still in contact at each of RETENTION_DAYS (see the module docstring)."""
    cohort = enrolled(people, period)
    rates: dict[int, Rate] = {}
    for days in RETENTION_DAYS:
        eligible = [p for p in cohort if p.enrolled_on + timedelta(days=days) <= period.end]
        kept = [
            p
            for p in eligible
            if p.last_contact_on and p.last_contact_on >= p.enrolled_on + timedelta(days=days)
        ]
        rates[days] = Rate(len(kept), len(eligible))
    return rates


def _left_before(person: Person, day: date | None) -> bool:
    return (
        day is not None
        and person.status not in OPEN_STATUSES
        and person.status_since is not None
        and person.status_since < day
    )


def follow_up(
    people: Iterable[Person], histories: dict[uuid.UUID, History], *, rule: Rule, period: Range
) -> dict[int, Rate]:
    """Reassessments done within their window at FOLLOW_UP_DAYS (see the module docstring)."""
    done: Counter[int] = Counter()
    due: Counter[int] = Counter()
    for _person, days, was_done in follow_up_points(people, histories, rule=rule, period=period):
        due[days] += 1
        done[days] += was_done
    return {days: Rate(done[days], due[days]) for days in FOLLOW_UP_DAYS}


def follow_up_points(
    people: Iterable[Person], histories: dict[uuid.UUID, History], *, rule: Rule, period: Range
) -> Iterator[tuple[uuid.UUID, int, bool]]:
    """(person, day, done) for each point at FOLLOW_UP_DAYS counted in the range: the people
    behind `follow_up`, for the drill-down."""
    # Points after day 90 cannot change which assessment does an earlier point: stop there.
    rule = replace(rule, repeat_every_days=0)
    last_close = timedelta(days=max(FOLLOW_UP_DAYS) + rule.window_days)
    for person in people:
        history = histories.get(person.id, History())
        if not history.steps and person.enrolled_on + last_close < period.start:
            continue  # every window closed before the range, and no break moved one later
        spans: list[Span] = pause_spans(
            history.steps,
            status=person.status if person.status == PAUSED else "active",
            status_since=person.status_since,
        )
        points = plan(
            enrolled_on=person.enrolled_on,
            rule=rule,
            today=period.end,
            spans=spans,
            done_dates=[day for day, _ in history.assessed],
        ).points
        for point in points:
            if point.offset_days not in FOLLOW_UP_DAYS or point.window_end is None:
                continue
            if point.window_end not in period or _left_before(person, point.window_start):
                continue
            if point.state in (State.DONE, State.MISSED):
                yield person.id, point.offset_days, point.state == State.DONE


def federal_window(enrolled_on: date) -> tuple[date, date]:
    middle = enrolled_on + timedelta(days=FEDERAL_DAY)
    return middle - timedelta(days=FEDERAL_WINDOW), middle + timedelta(days=FEDERAL_WINDOW)


def federal_follow_up(
    people: Iterable[Person], histories: dict[uuid.UUID, History], period: Range
) -> tuple[Rate, list[uuid.UUID]]:
    """The 180-day (±30) follow-up rate, and the people counted in it (for the drill-down)."""
    counted: list[uuid.UUID] = []
    done = 0
    for person in people:
        opens, closes = federal_window(person.enrolled_on)
        if closes not in period or _left_before(person, opens):
            continue
        counted.append(person.id)
        dates = [day for day, _ in histories.get(person.id, History()).assessed]
        if any(opens <= day <= closes for day in dates):
            done += 1
    return Rate(done, len(counted)), counted


def recovery_capital(
    people: Iterable[Person], histories: dict[uuid.UUID, History], period: Range
) -> tuple[Change, list[uuid.UUID]]:
    """Paired first and latest BARC-10 totals by the range end (see the module docstring)."""
    pairs: list[tuple[int, int]] = []
    paired: list[uuid.UUID] = []
    for person in people:
        history = histories.get(person.id, History())
        totals = [t for day, t in history.assessed if t is not None and day <= period.end]
        if len(totals) < 2:
            continue
        pairs.append((totals[0], totals[-1]))
        paired.append(person.id)
    n = len(pairs)
    mean = round(sum(last - first for first, last in pairs) / n, 1) if n else None
    gained = sum(1 for first, last in pairs if last > first)
    sustained = sum(1 for _, last in pairs if last >= SUSTAINED_TOTAL)
    return Change(n, mean, Rate(gained, n), Rate(sustained, n)), paired


def percent(rate: Rate) -> str:
    share = rate.share
    return "—" if share is None else f"{round(share * 100)}%"


def ids(people: Sequence[Person]) -> list[uuid.UUID]:
    return [p.id for p in people]
