"""SUPRT completion on the dashboard, as pure functions of one row per episode of care.

Shown only where the organization reports SUPRT (`Organization.reports_suprt`). Each time point
of `assessments.suprt_points` counts where its window *closed* in the range, like the BARC-10
follow-up; a point is done by a SUPRT-A stored under that point and dated inside its window:

- *Baseline*: enrolment to day 30; done by a baseline SUPRT-A by day 30.
- *6-month reassessment*: 180 days after the baseline (the enrolment until one is recorded),
  ±30 days. An episode that ended before or during the window needs none.
- *Annual assessment*: each anniversary of the baseline ±30 days, the same way; all years in
  one rate.
- *Closeout*: the end of care to 30 days after it.

SAMHSA judges a program on its follow-up rate with a target of 80%; the dashboard's follow-up
headline is the 6-month reassessment. The dashboard and its drill-down count the same in SQL
(`reports.suprt_counts`); these functions are the definition the tests hold that count to.
"""

from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any

from assessments.suprt import EpisodeRow as Episode  # the person, their episode, their SUPRT-A
from assessments.suprt_points import TimePoint, windows
from reports.figures import Range, Rate

TARGET = 0.8
POINTS = (TimePoint.BASELINE, TimePoint.REASSESSMENT, TimePoint.ANNUAL, TimePoint.CLOSEOUT)


def points(episodes: Iterable[Episode], period: Range) -> Iterator[tuple[Any, TimePoint, bool]]:
    """(person, time point, done) for every window that closed in the range."""
    for episode in episodes:
        baselines = [day for point, day in episode.records if point == TimePoint.BASELINE]
        found = windows(
            enrolled_on=episode.enrolled_on,
            baseline_on=min(baselines, default=None),
            ended_on=episode.ended_on,
            until=period.end,
        )
        for window in found:
            if window.end not in period:
                continue
            follow_up = window.point in (TimePoint.REASSESSMENT, TimePoint.ANNUAL)
            if follow_up and episode.ended_on is not None and episode.ended_on <= window.end:
                continue  # care ended before or during the window: no reassessment needed
            if window.point == TimePoint.BASELINE:
                done = any(
                    point == TimePoint.BASELINE and day <= window.end
                    for point, day in episode.records
                )
            else:
                done = any(
                    point == window.label and window.holds(day) for point, day in episode.records
                )
            yield episode.id, window.point, done


def completion(episodes: Iterable[Episode], period: Range) -> dict[str, Rate]:
    """Each time point's windows closed in the range, and how many were done, by `POINTS`."""
    done: Counter[str] = Counter()
    due: Counter[str] = Counter()
    for _person, point, was_done in points(episodes, period):
        due[point] += 1
        done[point] += was_done
    return {str(point): Rate(done[point], due[point]) for point in POINTS}


def meets_target(rate: Rate) -> bool | None:
    share = rate.share
    return None if share is None else share >= TARGET
