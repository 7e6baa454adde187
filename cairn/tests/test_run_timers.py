"""`manage.py run_timers`, which `make run` starts beside the web server: each round sends the
reminders that are due and runs the jobs whose time has come; a failing round is logged by its
error type only and the command carries on."""

import io
import logging
from datetime import time, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from appointments.models import ReminderLead, ReminderState, ReminderWay
from appointments.reminder_services import TextingHours, save_reminder_choice
from appointments.services import book_appointment, local_start
from cairn.demo import DemoWorld
from jobs.models import Job, JobState
from jobs.runner import JobResult, Progress, register, submit
from lib import sms
from organizations.models import Membership
from participants.models import Participant


@register("test.timers")
def _note(job: Job, progress: Progress) -> JobResult:
    return JobResult(filename="t.txt", content_type="text/plain", content=b"ok", summary="ok")


@pytest.fixture
def ana(demo: DemoWorld) -> Membership:
    return Membership.objects.select_related("organization", "user").get(user__username="ana")


def _due_reminder(ana: Membership) -> object:
    pat = Participant.objects.select_related("organization").get(user__username="pat")
    save_reminder_choice(
        acting=ana,
        participant=pat,
        wanted=True,
        lead=ReminderLead.DAY_BEFORE,
        way=ReminderWay.TEXT,
        hours=TextingHours(opens=None, closes=None),
    )
    appointment = book_appointment(
        acting=ana,
        participant=pat,
        starts_at=local_start(
            organization_zone=timezone.get_current_timezone_name(),
            day=timezone.localdate() + timedelta(days=3),
            at=time(11),
        ),
        duration_minutes=45,
        place="Harbor center",
    )
    reminder = appointment.reminders.get()
    appointment.reminders.update(send_at=timezone.now() - timedelta(minutes=1))
    return reminder


def test_a_round_sends_due_reminders_and_runs_jobs_whose_time_has_come(ana) -> None:
    reminder = _due_reminder(ana)
    job = submit(
        kind="test.timers",
        acting=ana,
        title="Later",
        params={},
        not_before=timezone.now() + timedelta(hours=1),
    )
    Job.objects.filter(pk=job.pk).update(not_before=timezone.now() - timedelta(seconds=1))
    out = io.StringIO()
    call_command("run_timers", every=1, max_seconds=0.2, stdout=out)
    assert out.getvalue().strip() == "1 round"
    reminder.refresh_from_db()  # type: ignore[attr-defined]
    assert reminder.state == ReminderState.SENT  # type: ignore[attr-defined]
    assert [m.body[:9] for m in sms.outbox] == ["Reminder:"]
    job.refresh_from_db()
    assert job.state == JobState.DONE


def test_a_failing_round_is_logged_by_its_kind_only_and_the_command_goes_on(
    ana, monkeypatch, caplog
) -> None:
    def fail() -> None:
        raise RuntimeError("Pat's phone is 555-0100")

    monkeypatch.setattr("cairn.management.commands.run_timers.send_due_reminders", fail)
    out = io.StringIO()
    with caplog.at_level(logging.ERROR):
        call_command("run_timers", every=1, max_seconds=0.2, stdout=out)
    assert out.getvalue().strip() == "1 round"
    assert "timers: a round failed (RuntimeError)" in caplog.text
    assert "555-0100" not in caplog.text and "Pat" not in caplog.text


@pytest.mark.django_db
def test_the_first_round_gives_sqlites_planner_statistics_and_leaves_postgresql_to_autovacuum(
    ana,
) -> None:
    from django.db import connection

    def stat_tables() -> set[str]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")
            if not cursor.fetchall():
                return set()
            cursor.execute("SELECT DISTINCT tbl FROM sqlite_stat1")
            return {row[0] for row in cursor.fetchall()}

    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS sqlite_stat1")
        assert stat_tables() == set()
    call_command("run_timers", every=1, max_seconds=0.2, stdout=io.StringIO())
    if connection.vendor == "sqlite":
        assert {"accounts_user", "participants_participant"} <= stat_tables()
    else:
        from lib.planner import refresh_statistics

        assert refresh_statistics(sqlite_only=True) is False
