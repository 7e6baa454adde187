"""Each dashboard figure against a small table of people and dates worked out by hand."""

import uuid
from datetime import date, timedelta

from assessments.schedule import Rule
from assessments.selectors import History
from reports import figures
from reports.figures import MonthCount, MonthReach, Person, Range, Rate

YEAR = Range(date(2026, 1, 1), date(2026, 12, 31))
JAN1 = date(2026, 1, 1)


def person(enrolled: date, **values: object) -> Person:
    defaults: dict[str, object] = {"status": "active", "status_since": None, "coach": "Ana"}
    defaults.update(values)
    return Person(id=uuid.uuid4(), enrolled_on=enrolled, **defaults)  # type: ignore[arg-type]


def days(n: int, start: date = JAN1) -> date:
    return start + timedelta(days=n)


def test_served_enrolled_and_active_caseload_by_coach() -> None:
    people = [
        person(date(2025, 6, 1), contacts_in_range=3, coach="Ana"),
        person(date(2026, 2, 1), contacts_in_range=0, coach="Ana"),
        person(date(2026, 3, 1), contacts_in_range=1, coach="Ben", status="closed"),
        person(date(2026, 4, 1), contacts_in_range=2, coach="Ben", status="paused"),
        person(date(2027, 1, 5), contacts_in_range=0, coach="Ben"),  # enrolled after the range
    ]
    assert len(figures.served(people)) == 3
    assert len(figures.enrolled(people, YEAR)) == 3
    assert len(figures.active(people, YEAR)) == 3
    assert figures.caseload_by_coach(people, YEAR) == [("Ana", 2), ("Ben", 1)]


def test_contacts_per_month_table_has_every_month_and_hours_count_minutes() -> None:
    rows = [
        MonthCount(date(2026, 1, 1), "phone", 3, 45),
        MonthCount(date(2026, 3, 1), "phone", 1, 15),
        MonthCount(date(2026, 3, 1), "text", 5, 30),
    ]
    months, keys, cells = figures.table(rows, Range(date(2026, 1, 10), date(2026, 3, 2)))
    assert months == [date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)]
    assert keys == ["text", "phone"]  # most contacts first
    assert cells == [[0, 0, 5], [3, 0, 1]]
    assert figures.hours(rows) == 1.5


def test_engagement_is_contacts_per_person_reached_each_month() -> None:
    reach = [MonthReach(date(2026, 1, 1), 9, 4), MonthReach(date(2026, 2, 1), 0, 0)]
    assert figures.engagement(reach) == [(date(2026, 1, 1), 2.2)]


def test_retention_counts_a_contact_on_or_after_day_n_among_those_enrolled_long_enough() -> None:
    people = [
        person(JAN1, last_contact_on=days(30)),  # in contact at day 30, not at 60
        person(JAN1, last_contact_on=days(29)),  # not even at 30
        person(JAN1, last_contact_on=days(200)),  # at 30, 60, 90 and 180
        person(JAN1),  # never reached
        person(date(2026, 12, 15), last_contact_on=date(2026, 12, 20)),  # too recent for day 30
        person(date(2025, 12, 1), last_contact_on=date(2026, 6, 1)),  # enrolled before the range
    ]
    assert figures.retention(people, YEAR) == {
        30: Rate(2, 4),
        60: Rate(1, 4),
        90: Rate(1, 4),
        180: Rate(1, 4),
    }


def test_follow_up_counts_reassessments_inside_their_fourteen_day_windows() -> None:
    edge_out, edge_in = person(JAN1), person(JAN1)
    histories = {
        # Day 16 is the first day of the day-30 window; 75 is one day after the day-60 window
        # and one day before the day-90 one.
        edge_out.id: History(assessed=[(days(0), 30), (days(16), 31), (days(75), 33)]),
        # Day 44, 46 and 104: the last, first and last day of the day-30, 60 and 90 windows.
        edge_in.id: History(
            assessed=[(days(0), 30), (days(44), 31), (days(46), 32), (days(104), 34)]
        ),
    }
    rates = figures.follow_up([edge_out, edge_in], histories, rule=Rule(), period=YEAR)
    assert rates == {30: Rate(2, 2), 60: Rate(1, 2), 90: Rate(1, 2)}


def test_follow_up_leaves_out_windows_closing_outside_the_range_and_people_who_had_left() -> None:
    late = person(date(2026, 12, 20))  # day-30 window closes in 2027
    left = person(JAN1, status="closed", status_since=days(10))
    rates = figures.follow_up([late, left], {}, rule=Rule(), period=YEAR)
    assert rates == {30: Rate(0, 0), 60: Rate(0, 0), 90: Rate(0, 0)}


def test_federal_follow_up_window_is_day_150_to_day_210() -> None:
    people = [person(JAN1) for _ in range(4)]
    histories = {
        p.id: History(assessed=[(days(0), 30), (days(day), 35)])
        for p, day in zip(people, (150, 210, 149, 211), strict=True)
    }
    rate, counted = figures.federal_follow_up(people, histories, YEAR)
    assert rate == Rate(2, 4)
    assert figures.percent(rate) == "50%"
    assert set(counted) == {p.id for p in people}


def test_federal_follow_up_counts_only_windows_closed_in_the_range() -> None:
    not_yet = person(date(2026, 6, 5))  # day 210 is 1 Jan 2027
    closed_early = person(JAN1, status="moved_on", status_since=days(100))
    on_the_edge = person(date(2026, 6, 4))  # day 210 is 31 Dec 2026
    rate, counted = figures.federal_follow_up([not_yet, closed_early, on_the_edge], {}, YEAR)
    assert rate == Rate(0, 1)
    assert counted == [on_the_edge.id]


def test_recovery_capital_pairs_first_and_latest_totals() -> None:
    gain, drop, single = person(JAN1), person(JAN1), person(JAN1)
    histories = {
        gain.id: History(assessed=[(days(0), 30), (days(30), None), (days(90), 40)]),
        drop.id: History(assessed=[(days(0), 50), (days(90), 48)]),
        single.id: History(assessed=[(days(0), 20)]),
    }
    change, paired = figures.recovery_capital([gain, drop, single], histories, YEAR)
    assert change.n == 2
    assert change.mean_change == 4.0  # (+10 - 2) / 2
    assert change.gained == Rate(1, 2)
    assert change.at_sustained == Rate(1, 2)  # 48 is 47 or more; 40 is not
    assert paired == [gain.id, drop.id]


def test_a_rate_with_nobody_counted_reads_as_a_dash() -> None:
    assert figures.percent(Rate(0, 0)) == "—"
