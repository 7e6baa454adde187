"""SUPRT time points as pure functions: which assessment a date belongs to, and what is due.

The rules, in words (SAMHSA's SUPRT schedule, as grantee guidance describes it):
- Baseline: within 30 days of intake (Cairn reads intake as the enrolment date, which the coach
  can correct on the form as the first services date).
- 6-month reassessment: due 180 days after the baseline, done anywhere from day 150 to day 210.
- Annual assessment: due on each 12-month anniversary of the baseline, ±30 days (a baseline on
  29 February has its anniversary on 28 February).
- Closeout: within 30 days of the end of care, completed with SUPRT-A. An episode that closes
  before or during a reassessment window needs no reassessment.
Until a baseline is recorded, the enrolment date stands in for it.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from functools import lru_cache

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

BASELINE_DAYS = 30
REASSESSMENT_DAYS = 180
WINDOW_DAYS = 30
CLOSEOUT_DAYS = 30
MAX_YEARS = 50


class TimePoint(StrEnum):
    BASELINE = "baseline"
    REASSESSMENT = "reassessment"
    ANNUAL = "annual"
    CLOSEOUT = "closeout"


# The option values of SUPRT-A's "Which assessment is this?" (instruments/suprt_a.toml).
ASSESSMENT_TYPE = {
    TimePoint.BASELINE: 1,
    TimePoint.REASSESSMENT: 2,
    TimePoint.ANNUAL: 3,
    TimePoint.CLOSEOUT: 4,
}
POINT_OF_TYPE = {value: point for point, value in ASSESSMENT_TYPE.items()}
WORDS = {
    TimePoint.BASELINE: pgettext_lazy("SUPRT time point", "Baseline"),
    TimePoint.REASSESSMENT: pgettext_lazy("SUPRT time point", "6-month reassessment"),
    TimePoint.ANNUAL: pgettext_lazy("SUPRT time point", "Annual assessment"),
    TimePoint.CLOSEOUT: pgettext_lazy("SUPRT time point", "Closeout"),
}


@dataclass(frozen=True)
class Window:
    """A time point's window; `due_on` is the last day for baseline and closeout (which are due
    "within 30 days"), the middle of the window for the 6-month and annual assessments."""

    point: TimePoint
    year: int  # which anniversary, for annual assessments; 0 otherwise
    due_on: date
    start: date
    end: date

    @property
    def label(self) -> str:
        """How the record stores it (Assessment.schedule_point): "annual-2" for the second."""
        return f"{self.point}-{self.year}" if self.year else str(self.point)

    @property
    def words(self) -> str:
        if self.year > 1:
            return str(_("Annual assessment, year %(year)s") % {"year": self.year})
        return str(WORDS[self.point])

    def holds(self, day: date) -> bool:
        return self.start <= day <= self.end


def anniversary(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year + years, day=28)


@lru_cache(maxsize=4096)
def windows(
    *,
    enrolled_on: date,
    baseline_on: date | None,
    ended_on: date | None,
    until: date,
) -> tuple[Window, ...]:
    """Every window that opens on or before `until` (and, for a closed episode, before it ended),
    in order; the closeout comes last. Kept per process for the last few thousand people asked
    about: Today asks again for each of a coach's people on every visit."""
    found = [
        Window(
            TimePoint.BASELINE,
            0,
            enrolled_on + timedelta(days=BASELINE_DAYS),
            enrolled_on,
            enrolled_on + timedelta(days=BASELINE_DAYS),
        )
    ]
    anchor = baseline_on or enrolled_on
    margin = timedelta(days=WINDOW_DAYS)
    due = anchor + timedelta(days=REASSESSMENT_DAYS)
    follow_ups = [Window(TimePoint.REASSESSMENT, 0, due, due - margin, due + margin)]
    for year in range(1, MAX_YEARS):
        due = anniversary(anchor, year)
        if due - margin > until:
            break
        follow_ups.append(Window(TimePoint.ANNUAL, year, due, due - margin, due + margin))
    last = min(until, ended_on) if ended_on else until
    found += [w for w in follow_ups if w.start <= last and (ended_on is None or w.start < ended_on)]
    if ended_on is not None:
        found.append(
            Window(
                TimePoint.CLOSEOUT,
                0,
                ended_on + timedelta(days=CLOSEOUT_DAYS),
                ended_on,
                ended_on + timedelta(days=CLOSEOUT_DAYS),
            )
        )
    return tuple(found)


def time_point_for(
    day: date, *, enrolled_on: date, baseline_on: date | None, ended_on: date | None
) -> Window | None:
    """Which assessment a record dated `day` is: the closeout inside its 30 days, the baseline
    while none is recorded, else the 6-month or annual window holding the day (None: outside
    every window, which the coach sees and may still record)."""
    found = windows(enrolled_on=enrolled_on, baseline_on=baseline_on, ended_on=ended_on, until=day)
    closeout = next((w for w in found if w.point == TimePoint.CLOSEOUT), None)
    if closeout is not None and closeout.holds(day):
        return closeout
    if baseline_on is None:
        return found[0]
    return next((w for w in found[1:] if w.point != TimePoint.CLOSEOUT and w.holds(day)), None)


@dataclass(frozen=True)
class DuePoint:
    window: Window
    overdue: bool


def due_now(
    *,
    today: date,
    enrolled_on: date,
    baseline_on: date | None,
    ended_on: date | None,
    done: set[str],
) -> DuePoint | None:
    """The open window not yet done today (the earliest), or None."""
    return _due_now(today, enrolled_on, baseline_on, ended_on, frozenset(done))


# Kept per process like `windows`: Today asks again for each of a coach's people on every visit.
@lru_cache(maxsize=8192)
def _due_now(
    today: date,
    enrolled_on: date,
    baseline_on: date | None,
    ended_on: date | None,
    done: frozenset[str],
) -> DuePoint | None:
    for window in windows(
        enrolled_on=enrolled_on, baseline_on=baseline_on, ended_on=ended_on, until=today
    ):
        if window.label in done or not window.holds(today):
            continue
        if window.point == TimePoint.BASELINE and baseline_on is not None:
            continue
        if ended_on is not None and window.point != TimePoint.CLOSEOUT:
            continue  # after the end of care only the closeout is asked for
        return DuePoint(window, overdue=today > window.due_on)
    return None
