"""Reassessment dates: calendar days across month ends and leap years, breaks, closed records."""

from datetime import date, timedelta

from assessments.schedule import Rule, Span, State, label_for, pause_spans, plan, shifted_due

RULE = Rule()


def _dues(enrolled: date, today: date, **kwargs: object) -> list[tuple[str, date | None, str]]:
    result = plan(enrolled_on=enrolled, rule=RULE, today=today, **kwargs)  # type: ignore[arg-type]
    return [(p.label, p.due_on, p.state) for p in result.points]


def test_default_points_are_baseline_30_60_90_then_every_90() -> None:
    enrolled = date(2026, 3, 2)
    result = plan(
        enrolled_on=enrolled,
        rule=RULE,
        today=date(2027, 3, 1),
        done_dates=[enrolled + timedelta(days=d) for d in (0, 30, 60, 90, 180, 270)],
    )
    # Every point up to the next one still ahead.
    assert [p.offset_days for p in result.points] == [0, 30, 60, 90, 180, 270, 360, 450]
    assert result.points[-2].state == State.OVERDUE and result.points[-1].state == State.UPCOMING
    assert result.attention == result.points[-2] == result.next
    assert label_for(0) == "baseline" and label_for(180) == "day-180"


def test_enrolled_31_january_counts_calendar_days_across_february() -> None:
    common = plan(enrolled_on=date(2027, 1, 31), rule=RULE, today=date(2027, 1, 1))
    leap = plan(enrolled_on=date(2028, 1, 31), rule=RULE, today=date(2028, 1, 1))
    assert common.points[0].due_on == date(2027, 1, 31)
    assert [
        p.due_on
        for p in plan(
            enrolled_on=date(2027, 1, 31),
            rule=RULE,
            today=date(2027, 5, 1),
            done_dates=[date(2027, 1, 31), date(2027, 3, 2), date(2027, 4, 1)],
        ).points
    ][:4] == [date(2027, 1, 31), date(2027, 3, 2), date(2027, 4, 1), date(2027, 5, 1)]
    leap_points = plan(
        enrolled_on=date(2028, 1, 31),
        rule=RULE,
        today=date(2028, 4, 30),
        done_dates=[date(2028, 1, 31), date(2028, 3, 1), date(2028, 3, 31)],
    ).points
    assert [p.due_on for p in leap_points][:4] == [
        date(2028, 1, 31),
        date(2028, 3, 1),
        date(2028, 3, 31),
        date(2028, 4, 30),
    ]
    assert leap_points[3].state == State.DUE
    assert common.points[0].state == State.UPCOMING and leap.points[0].state == State.UPCOMING


def test_enrolled_29_february_then_every_90_days_lands_on_real_dates() -> None:
    enrolled = date(2028, 2, 29)
    done = [enrolled + timedelta(days=d) for d in (0, 30, 60, 90, 180, 270)]
    result = plan(enrolled_on=enrolled, rule=RULE, today=date(2029, 2, 20), done_dates=done)
    assert result.attention is not None
    assert result.attention.due_on == date(2029, 2, 23)  # 360 days later, no 29 Feb needed
    assert result.attention.state == State.DUE


def test_window_states_due_overdue_missed_and_done_within_fourteen_days() -> None:
    enrolled = date(2026, 1, 1)
    due30 = date(2026, 1, 31)

    def state_on(today: date, done: list[date]) -> str:
        return (
            plan(enrolled_on=enrolled, rule=RULE, today=today, done_dates=[enrolled, *done])
            .points[1]
            .state
        )

    assert state_on(due30 - timedelta(days=15), []) == State.UPCOMING
    assert state_on(due30 - timedelta(days=14), []) == State.DUE
    assert state_on(due30, []) == State.DUE
    assert state_on(due30 + timedelta(days=1), []) == State.OVERDUE
    assert state_on(due30 + timedelta(days=14), []) == State.OVERDUE
    assert state_on(due30 + timedelta(days=15), []) == State.MISSED
    assert state_on(due30 + timedelta(days=20), [due30 + timedelta(days=14)]) == State.DONE
    # Recorded one day after the window closed: an extra, the point stays missed.
    assert state_on(due30 + timedelta(days=20), [due30 + timedelta(days=15)]) == State.MISSED


def test_one_assessment_does_one_point() -> None:
    enrolled = date(2026, 1, 1)
    result = plan(
        enrolled_on=enrolled,
        rule=Rule(offsets_days=(10,), repeat_every_days=0, window_days=14),
        today=date(2026, 1, 10),
        done_dates=[date(2026, 1, 8)],
    )
    assert [(p.label, p.state) for p in result.points] == [
        ("baseline", State.DONE),
        ("day-10", State.DUE),
    ]


def test_a_break_moves_later_due_dates_by_its_length() -> None:
    enrolled = date(2026, 1, 1)
    on_break = [Span(date(2026, 1, 10), date(2026, 1, 30))]  # 20 days
    assert shifted_due(date(2026, 1, 31), spans=on_break, window_days=14) == date(2026, 2, 20)
    result = plan(
        enrolled_on=enrolled,
        rule=RULE,
        today=date(2026, 2, 20),
        spans=on_break,
        done_dates=[enrolled],
    )
    assert [(p.label, p.due_on, p.state) for p in result.points] == [
        ("baseline", enrolled, State.DONE),
        ("day-30", date(2026, 2, 20), State.DUE),
        ("day-60", date(2026, 3, 22), State.UPCOMING),
    ]


def test_two_breaks_add_up_and_a_break_after_the_window_changes_nothing() -> None:
    spans = [Span(date(2026, 1, 5), date(2026, 1, 15)), Span(date(2026, 2, 1), date(2026, 2, 6))]
    assert shifted_due(date(2026, 1, 31), spans=spans, window_days=14) == date(2026, 2, 15)
    late = [Span(date(2026, 3, 1), date(2026, 3, 20))]
    assert shifted_due(date(2026, 1, 31), spans=late, window_days=14) == date(2026, 1, 31)


def test_nothing_is_due_while_on_a_break() -> None:
    enrolled = date(2026, 1, 1)
    steps = [(enrolled, "active"), (date(2026, 1, 20), "paused")]
    spans = pause_spans(steps, status="paused", status_since=date(2026, 1, 20))
    assert spans == [Span(date(2026, 1, 20), None)]
    result = plan(
        enrolled_on=enrolled,
        rule=RULE,
        today=date(2026, 2, 5),
        status="paused",
        spans=spans,
        done_dates=[enrolled],
    )
    assert result.on_break and result.attention is None
    assert [p.state for p in result.points] == [State.DONE, State.AFTER_BREAK]


def test_status_history_gives_the_break_spans() -> None:
    steps = [
        (date(2026, 1, 1), "active"),
        (date(2026, 2, 1), "paused"),
        (date(2026, 2, 15), "active"),
        (date(2026, 4, 1), "paused"),
        (date(2026, 4, 3), "active"),
    ]
    assert pause_spans(steps, status="active") == [
        Span(date(2026, 2, 1), date(2026, 2, 15)),
        Span(date(2026, 4, 1), date(2026, 4, 3)),
    ]


def test_closed_completed_and_moved_on_have_nothing_due() -> None:
    enrolled = date(2026, 1, 1)
    for status in ("closed", "completed", "moved_on"):
        result = plan(
            enrolled_on=enrolled,
            rule=RULE,
            today=date(2026, 4, 5),
            status=status,
            done_dates=[enrolled, date(2026, 2, 1)],
        )
        assert result.closed and result.next is None and result.attention is None
        assert [p.state for p in result.points] == [State.DONE, State.DONE]


def test_no_repeats_ends_the_schedule_after_the_last_offset() -> None:
    enrolled = date(2026, 1, 1)
    rule = Rule(offsets_days=(30,), repeat_every_days=0, window_days=7)
    result = plan(enrolled_on=enrolled, rule=rule, today=date(2027, 1, 1), done_dates=[enrolled])
    assert [p.label for p in result.points] == ["baseline", "day-30"]
    assert result.next is None
