"""How a reassessment point reads (assessments/_point.html and Today's rows share it)."""

from datetime import date

from django.template import engines

from assessments.schedule import Point, State


def _reads(point: Point) -> str:
    template = engines["django"].from_string('{% include "assessments/_point.html" %}')
    return template.render({"point": point}).strip()


def test_each_state_of_a_point_reads_in_plain_words() -> None:
    due = date(2026, 12, 1)
    assert _reads(Point("b", 0, due, 14, State.DUE)) == "Baseline: due by 1 Dec 2026"
    assert _reads(Point("d", 30, due, 14, State.DONE, date(2026, 11, 28))) == (
        "Day 30: done on 28 Nov 2026"
    )
    assert _reads(Point("d", 30, due, 14, State.OVERDUE)) == (
        "Day 30: was due 1 Dec 2026; still counts until 15 Dec 2026"
    )
    assert _reads(Point("d", 60, due, 14, State.UPCOMING)) == (
        "Day 60: due 1 Dec 2026 (can be done from 17 Nov 2026)"
    )
    assert _reads(Point("d", 90, due, 14, State.MISSED)) == (
        "Day 90: not done in its window (due 1 Dec 2026)"
    )
    assert _reads(Point("d", 90, None, 14, State.AFTER_BREAK)) == "Day 90: after the break"
