"""Reassessment dates as pure functions: no database, so month ends and breaks are easy to test.

The rules, in words:
- A baseline is due on the enrolment date, then a reassessment at each offset in days (30, 60,
  90 by default), then every `repeat_every_days` after the last offset (90 by default). Offsets
  are calendar days, so 31 January + 30 days is 2 March (1 March in a leap year).
- Each point has a window of ±`window_days` (14 by default) around its due date. It is done when
  an assessment of the instrument is recorded inside the window; one assessment does one point.
- A break ("taking a break", paused) that begins before a point's window closes moves the point
  later by the length of the break. While a break goes on, nothing is due.
- Closed, completed or moved on: nothing is due.
- States: upcoming (window not open yet), due (window open, due date not passed), overdue (due
  date passed, window still open), missed (window closed without an assessment), done.
"""

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

PAUSED = "paused"
OPEN_STATUSES = frozenset({"referred", "active", "paused"})
MAX_POINTS = 400  # a safety bound: 400 points of 90 days is a century


class State(StrEnum):
    DONE = "done"
    DUE = "due"
    OVERDUE = "overdue"
    UPCOMING = "upcoming"
    MISSED = "missed"
    AFTER_BREAK = "after_break"


@dataclass(frozen=True)
class Rule:
    offsets_days: tuple[int, ...] = (30, 60, 90)
    repeat_every_days: int = 90
    window_days: int = 14
    baseline: bool = True


@dataclass(frozen=True)
class Span:
    """Days on a break: from `start` up to (not including) `end`; `end` None while it goes on."""

    start: date
    end: date | None

    @property
    def days(self) -> int:
        return 0 if self.end is None else (self.end - self.start).days


@dataclass(frozen=True)
class Point:
    label: str
    offset_days: int
    due_on: date | None  # None while a break goes on
    window_days: int
    state: State
    done_on: date | None = None

    @property
    def window_start(self) -> date | None:
        return None if self.due_on is None else self.due_on - timedelta(days=self.window_days)

    @property
    def window_end(self) -> date | None:
        return None if self.due_on is None else self.due_on + timedelta(days=self.window_days)

    @property
    def is_baseline(self) -> bool:
        return self.offset_days == 0

    @property
    def needs_attention(self) -> bool:
        return self.state in (State.DUE, State.OVERDUE)


@dataclass(frozen=True)
class Plan:
    points: list[Point] = field(default_factory=list)
    on_break: bool = False
    closed: bool = False

    @property
    def next(self) -> Point | None:
        """The next point to work on: due or overdue first, else the first upcoming one."""
        waiting = (State.DUE, State.OVERDUE, State.UPCOMING)
        return next((p for p in self.points if p.state in waiting), None)

    @property
    def attention(self) -> Point | None:
        return next((p for p in self.points if p.needs_attention), None)


def label_for(offset_days: int) -> str:
    return "baseline" if offset_days == 0 else f"day-{offset_days}"


def offsets(rule: Rule) -> Iterator[int]:
    """0 (baseline), the offsets in order, then the repeats, without end (callers stop)."""
    if rule.baseline:
        yield 0
    listed = sorted({o for o in rule.offsets_days if o > 0})
    yield from listed
    if rule.repeat_every_days <= 0:
        return
    current = listed[-1] if listed else 0
    while True:
        current += rule.repeat_every_days
        yield current


def pause_spans(
    changes: Iterable[tuple[date, str]],
    *,
    status: str = "",
    status_since: date | None = None,
) -> list[Span]:
    """Breaks from status steps `(effective_on, to_status)` in the order they happened.

    The current status closes the story: someone paused now is on a break that goes on.
    """
    spans: list[Span] = []
    started: date | None = None
    for effective_on, to_status in changes:
        if to_status == PAUSED and started is None:
            started = effective_on
        elif to_status != PAUSED and started is not None:
            if effective_on > started:
                spans.append(Span(started, effective_on))
            started = None
    if started is None and status == PAUSED:
        started = status_since
    if started is not None and status == PAUSED:
        spans.append(Span(started, None))
    elif started is not None:
        # The history ends mid-break but the person is no longer paused (an unrecorded step):
        # count the break up to the day their current status began.
        end = status_since if status_since and status_since > started else started
        spans.append(Span(started, end))
    return spans


def shifted_due(
    base: date, *, spans: Sequence[Span], window_days: int, done: Sequence[date] = ()
) -> date | None:
    """The due date moved later by every break that began before its window closed, unless the
    point was already done (an assessment in its window) before that break began."""
    due = base
    window = timedelta(days=window_days)
    for span in sorted(spans, key=lambda s: s.start):
        if span.start > due + window:
            break
        if any(due - window <= day <= due + window and day < span.start for day in done):
            break
        if span.end is None:
            return None
        due += timedelta(days=span.days)
    return due


def plan(
    *,
    enrolled_on: date,
    rule: Rule,
    today: date,
    status: str = "active",
    spans: Sequence[Span] = (),
    done_dates: Iterable[date] = (),
) -> Plan:
    """Every point from enrolment up to the next one still ahead, each with its state."""
    dates = sorted(done_dates)
    spans = [
        Span(max(s.start, enrolled_on), s.end)
        for s in spans
        if s.end is None or s.end > enrolled_on
    ]
    closed = status not in OPEN_STATUSES
    on_break = any(s.end is None for s in spans)
    points: list[Point] = []
    used = 0  # assessments before this index are matched or fall outside every window
    for count, offset in enumerate(offsets(rule)):
        if count >= MAX_POINTS:
            break
        due = shifted_due(
            enrolled_on + timedelta(days=offset),
            spans=spans,
            window_days=rule.window_days,
            done=dates[used:],
        )
        label = label_for(offset)
        if due is None:
            if not closed:
                points.append(Point(label, offset, None, rule.window_days, State.AFTER_BREAK))
            break
        start, end = due - timedelta(days=rule.window_days), due + timedelta(days=rule.window_days)
        while used < len(dates) and dates[used] < start:
            used += 1
        if used < len(dates) and dates[used] <= end:
            points.append(Point(label, offset, due, rule.window_days, State.DONE, dates[used]))
            used += 1
            continue
        if closed:
            if start > today:
                break
            continue  # after closing, only what was done is shown
        if today < start:
            points.append(Point(label, offset, due, rule.window_days, State.UPCOMING))
            break
        state = State.DUE if today <= due else State.OVERDUE if today <= end else State.MISSED
        points.append(Point(label, offset, due, rule.window_days, state))
    return Plan(points=points, on_break=on_break and not closed, closed=closed)


def point_for(day: date, *, plan_points: Sequence[Point]) -> str:
    """Which point an assessment on `day` would do (the first open one whose window has it)."""
    for point in plan_points:
        if point.state == State.DONE or point.due_on is None:
            continue
        if (
            point.window_start
            and point.window_end
            and point.window_start <= day <= point.window_end
        ):
            return point.label
    return ""
