"""SUPRT time points at their window edges (pure functions, no database)."""

from datetime import date, timedelta

import pytest

from assessments.suprt_points import TimePoint, anniversary, due_now, time_point_for

ENROLLED = date(2026, 1, 10)
BASELINE = date(2026, 1, 20)


def _point(days_after_baseline: int, *, ended_on: date | None = None) -> str | None:
    day = BASELINE + timedelta(days=days_after_baseline)
    window = time_point_for(day, enrolled_on=ENROLLED, baseline_on=BASELINE, ended_on=ended_on)
    return window.label if window else None


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        (149, None),
        (150, "reassessment"),
        (180, "reassessment"),
        (210, "reassessment"),
        (211, None),
        (334, None),
        (335, "annual-1"),
        (365, "annual-1"),
        (395, "annual-1"),
        (396, None),
        (730 - 30, "annual-2"),
        (730 + 30, "annual-2"),
        (730 + 31, None),
    ],
)
def test_reassessment_and_annual_windows_hold_exactly_their_edges(days, expected) -> None:
    assert _point(days) == expected


def test_without_a_baseline_any_record_is_the_baseline_and_it_is_due_within_30_days() -> None:
    window = time_point_for(ENROLLED, enrolled_on=ENROLLED, baseline_on=None, ended_on=None)
    assert window is not None and window.point == TimePoint.BASELINE
    assert (window.start, window.end) == (ENROLLED, ENROLLED + timedelta(days=30))
    assert due_now(
        today=ENROLLED + timedelta(days=30),
        enrolled_on=ENROLLED,
        baseline_on=None,
        ended_on=None,
        done=set(),
    )
    assert not due_now(
        today=ENROLLED + timedelta(days=31),
        enrolled_on=ENROLLED,
        baseline_on=None,
        ended_on=None,
        done=set(),
    )


def test_closeout_holds_the_30_days_after_the_end_of_care_and_wins_over_other_windows() -> None:
    ended = BASELINE + timedelta(days=170)
    assert _point(170, ended_on=ended) == "closeout"
    assert _point(200, ended_on=ended) == "closeout"
    assert _point(201, ended_on=ended) == "reassessment"  # day 31 after the end: not closeout
    due = due_now(
        today=ended + timedelta(days=5),
        enrolled_on=ENROLLED,
        baseline_on=BASELINE,
        ended_on=ended,
        done=set(),
    )
    assert due is not None and due.window.point == TimePoint.CLOSEOUT and not due.overdue


def test_a_done_point_is_not_due_and_an_open_one_past_its_date_is_overdue() -> None:
    kwargs = {"enrolled_on": ENROLLED, "baseline_on": BASELINE, "ended_on": None}
    day = BASELINE + timedelta(days=190)
    due = due_now(today=day, done={"baseline"}, **kwargs)  # type: ignore[arg-type]
    assert due is not None and due.window.label == "reassessment" and due.overdue
    assert due_now(today=day, done={"baseline", "reassessment"}, **kwargs) is None  # type: ignore[arg-type]
    early = due_now(today=BASELINE + timedelta(days=150), done={"baseline"}, **kwargs)  # type: ignore[arg-type]
    assert early is not None and not early.overdue


def test_a_29_february_baseline_has_its_anniversary_on_28_february() -> None:
    assert anniversary(date(2028, 2, 29), 1) == date(2029, 2, 28)
    assert anniversary(date(2028, 2, 29), 4) == date(2032, 2, 29)
