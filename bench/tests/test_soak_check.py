"""The soak's verdicts (`bench.soak_check`) fail when something was lost, doubled, half-saved or
left running. Plain logic: no database and no server, so it runs in the normal suite on both
databases; the soak itself (`make soak`) is not part of `make test`."""

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from bench.soak_check import (
    BatchRow,
    Call,
    JobRow,
    Ledger,
    Window,
    check_group_sessions,
    check_imports,
    check_jobs,
    check_writes,
    count_errors,
    markers_in,
    page_figures,
    recovery_seconds,
)

A, B, C = "soak-00000000000000aa", "soak-00000000000000bb", "soak-00000000000000cc"


def _ledger() -> Ledger:
    ledger = Ledger()
    ledger.ack(A, "contact")
    ledger.ack(B, "contact")
    ledger.give_up(C, "contact")
    return ledger


def test_markers_are_read_from_the_decrypted_notes_once_per_note() -> None:
    notes = [f"Talked about the week. {A}", f"{B} and again {B}", "a note from before", ""]
    assert markers_in(notes) == Counter({A: 1, B: 1})


def test_every_acknowledged_write_stored_once_passes() -> None:
    assert check_writes(_ledger(), Counter({A: 1, B: 1}), kind="contact") == []
    # A write that never got an answer may or may not have been saved.
    assert check_writes(_ledger(), Counter({A: 1, B: 1, C: 1}), kind="contact") == []


def test_a_missing_acknowledged_write_fails() -> None:
    assert check_writes(_ledger(), Counter({A: 1}), kind="contact") == [
        f"contact: acknowledged write {B} is missing"
    ]


def test_a_duplicated_write_fails_whether_acknowledged_or_not() -> None:
    found = Counter({A: 2, B: 1, C: 2})
    assert check_writes(_ledger(), found, kind="contact") == [
        f"contact: acknowledged write {A} is stored 2 times",
        f"contact: unanswered write {C} is stored 2 times",
    ]


def test_a_stored_marker_nobody_sent_fails() -> None:
    stray = "soak-ffffffffffffffff"
    problems = check_writes(_ledger(), Counter({A: 1, B: 1, stray: 1}), kind="contact")
    assert problems == [f"contact: {stray} is stored but was never sent"]


def test_an_answer_after_giving_up_counts_as_acknowledged() -> None:
    ledger = Ledger()
    ledger.give_up(A, "check_in")
    ledger.ack(A, "check_in")
    assert ledger.acked == {A: "check_in"} and ledger.unknown == {}
    assert check_writes(ledger, Counter(), kind="check_in") == [
        f"check_in: acknowledged write {A} is missing"
    ]


def test_a_half_written_import_fails() -> None:
    whole = [BatchRow("1", "applied", 300, 300), BatchRow("2", "checked", 0, 0)]
    assert check_imports(whole) == []
    assert check_imports([BatchRow("3", "applied", 300, 120)]) == [
        "import 3: applied with 120 of 300 rows"
    ]
    assert check_imports([BatchRow("4", "checked", 0, 50)]) == [
        "import 4: 50 rows saved while it is checked"
    ]


def test_a_group_session_without_contacts_fails() -> None:
    assert check_group_sessions({"s1": 4, "s2": 1}) == []
    assert check_group_sessions({"s1": 4, "s2": 0}) == [
        "group session s2: saved without any contact"
    ]


def test_a_job_left_working_fails_until_it_is_silent_long_enough_to_show_stopped() -> None:
    now = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
    stale = timedelta(minutes=2)
    finished = [
        JobRow("1", "exports.export", "done", now, now),
        JobRow("2", "imports.apply", "failed", now, now),
        JobRow("3", "exports.export", "running", now - timedelta(minutes=3), now),
    ]
    assert check_jobs(finished, now=now, stale_after=stale) == []
    working = JobRow("4", "imports.apply", "running", now - timedelta(seconds=30), now)
    waiting = JobRow("5", "exports.export", "queued", None, now - timedelta(hours=1))
    assert check_jobs([working, waiting], now=now, stale_after=stale) == [
        "job 4 (imports.apply) is still running",
        "job 5 (exports.export) is still queued",
    ]


def test_errors_count_only_outside_the_restart_window() -> None:
    window = Window("PostgreSQL restart", 50.0, 52.0)
    calls = [
        Call("today", 10.0, 0.1, 200),
        Call("today", 50.5, 0.1, 500),  # in the window
        Call("today", 49.9, 0.2, 0),  # ends in it
        Call("caseload", 60.0, 0.1, 502),
        Call("contact_write", 61.0, 0.1, 302, expected=302),
        Call("contact_write", 62.0, 0.1, 200, expected=302),  # a form error: not a failure
    ]
    errors = count_errors(calls, [window])
    assert (errors.inside, errors.outside) == (2, 1)
    assert errors.first_outside == "caseload at 60.0 s: 502"


def test_recovery_is_until_the_last_failure_and_none_without_a_success() -> None:
    calls = [
        Call("today", 10.0, 0.5, 0),
        Call("today", 11.0, 1.0, 500),
        Call("today", 13.0, 0.1, 200),
    ]
    assert recovery_seconds(calls, 9.0) == 3.0
    assert recovery_seconds(calls, 12.0) == 0.0
    assert recovery_seconds(calls[:2], 9.0) is None
    # A later fault's failures are its own.
    later = [*calls, Call("today", 20.0, 0.1, 500)]
    assert recovery_seconds(later, 9.0) == pytest.approx(11.1)
    assert recovery_seconds(later, 9.0, until=15.0) == 3.0
    assert recovery_seconds(later, 9.0, until=20.05) == 3.0  # ends after the next fault began


def test_page_figures_take_percentiles_of_answered_requests_only() -> None:
    calls = [Call("today", float(i), (i + 1) / 1000, 200) for i in range(100)]
    calls.append(Call("today", 100.0, 30.0, 0))
    (today,) = page_figures(calls)
    assert (today.requests, today.failed) == (101, 1)
    assert (today.p50_ms, today.p95_ms, today.p99_ms) == (50.5, 95.0, 99.0)
