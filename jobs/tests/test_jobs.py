"""Background jobs: results reach only their owner, expire, fail calmly and run off the request."""

import io
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from audit.models import Action, AuditEvent
from jobs import runner
from jobs.models import Job, JobState
from jobs.runner import JobError, JobResult, Progress, register, submit
from lib.testing import sql_value, stored_columns
from organizations.models import Membership

pytestmark = pytest.mark.django_db


@register("test.echo")
def _echo(job: Job, progress: Progress) -> JobResult:
    rows = job.params["rows"]
    for number in range(rows):
        progress(number + 1, rows)
    return JobResult(
        filename="echo.csv",
        content_type="text/csv",
        content=job.params["text"].encode(),
        summary=f"{rows} rows",
    )


@register("test.refuse")
def _refuse(job: Job, progress: Progress) -> JobResult:
    raise JobError("The file has no rows to import.")


@register("test.crash")
def _crash(job: Job, progress: Progress) -> JobResult:
    raise ValueError("cell B7 held Pat Example's phone number")


def _ana(demo) -> Membership:
    return Membership.objects.get(user=demo.users["ana"])


def test_a_finished_job_offers_its_file_to_the_member_who_started_it(demo, client_for):
    job = submit(
        kind="test.echo",
        acting=_ana(demo),
        title="Contacts export",
        params={"rows": 3, "text": "id,when\n1,2026-11-01\n"},
    )
    assert job.state == JobState.DONE
    assert (job.done, job.total) == (3, 3)

    ana = client_for("ana")
    page = ana.get(reverse("jobs:status", args=[job.id])).content.decode()
    assert "Ready. 3 rows" in page
    assert "Download echo.csv" in page

    response = ana.get(reverse("jobs:download", args=[job.id]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="echo.csv"'
    assert response.content == b"id,when\n1,2026-11-01\n"
    event = AuditEvent.objects.filter(action=Action.EXPORT, target_id=str(job.id)).get()
    assert event.actor == demo.users["ana"]
    assert event.changed_fields == ["test.echo"]


def test_the_stored_result_is_encrypted(demo):
    job = submit(
        kind="test.echo",
        acting=_ana(demo),
        title="Export",
        params={"rows": 1, "text": "Jordan Example,555-0100"},
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT result FROM jobs_job WHERE id = %s", [sql_value(job.id)])
        (stored,) = cursor.fetchone()
    assert "Jordan" not in stored
    assert "Sm9yZGFu" not in stored  # nor its plain base64
    assert runner.result_bytes(Job.objects.get(id=job.id)) == b"Jordan Example,555-0100"


def test_the_stored_parameters_are_encrypted(demo):
    job = submit(
        kind="test.echo",
        acting=_ana(demo),
        title="Export",
        params={"rows": 1, "text": "x", "recipient": "Probation officer Dana Ruiz"},
    )
    stored = stored_columns(job, "params")["params"]
    assert stored.startswith("enc1:") and "Ruiz" not in stored
    assert Job.objects.get(id=job.id).params["recipient"] == "Probation officer Dana Ruiz"


def test_someone_elses_job_is_not_found(demo, client_for):
    job = submit(
        kind="test.echo", acting=_ana(demo), title="Export", params={"rows": 1, "text": "x"}
    )
    for username in ("ben", "mia"):
        client = client_for(username)
        assert client.get(reverse("jobs:status", args=[job.id])).status_code == 404
        assert client.get(reverse("jobs:download", args=[job.id])).status_code == 404
    assert "Export" not in client_for("ben").get(reverse("jobs:list")).content.decode()


def test_an_expired_download_is_gone_with_a_reason_and_its_file_is_deleted(demo, client_for):
    job = submit(
        kind="test.echo", acting=_ana(demo), title="Export", params={"rows": 1, "text": "x"}
    )
    Job.objects.filter(id=job.id).update(expires_at=timezone.now() - timedelta(minutes=1))

    response = client_for("ana").get(reverse("jobs:download", args=[job.id]))
    assert response.status_code == 410
    assert "This download has expired" in response.content.decode()
    assert not AuditEvent.objects.filter(action=Action.EXPORT, target_id=str(job.id)).exists()

    assert runner.clear_expired() == 1
    assert Job.objects.get(id=job.id).result == ""


def test_a_refused_job_shows_its_own_reason(demo, client_for):
    job = submit(kind="test.refuse", acting=_ana(demo), title="Import", params={})
    assert job.state == JobState.FAILED
    page = client_for("ana").get(reverse("jobs:status", args=[job.id])).content.decode()
    assert "The file has no rows to import." in page


def test_a_crash_is_told_calmly_and_the_log_holds_no_data(demo, client_for, caplog):
    job = submit(kind="test.crash", acting=_ana(demo), title="Import", params={})
    assert job.state == JobState.FAILED
    page = client_for("ana").get(reverse("jobs:status", args=[job.id])).content.decode()
    assert "Something went wrong and this stopped. Nothing was changed." in page
    assert "ValueError" in caplog.text
    assert "Pat Example" not in caplog.text
    assert "Pat Example" not in page


def test_a_job_whose_process_went_away_is_shown_as_stopped(demo, client_for):
    job = Job.objects.create(
        organization=_ana(demo).organization,
        requested_by=demo.users["ana"],
        kind="test.echo",
        title="Export",
        state=JobState.RUNNING,
        heartbeat_at=timezone.now() - timedelta(minutes=5),
    )
    page = client_for("ana").get(reverse("jobs:status", args=[job.id])).content.decode()
    assert "This stopped before it finished" in page
    assert "hx-trigger" not in page


def test_a_job_that_said_it_would_be_quiet_is_not_called_stopped_until_that_time_passes(
    demo, client_for
):
    job = Job.objects.create(
        organization=_ana(demo).organization,
        requested_by=demo.users["ana"],
        kind="test.echo",
        title="Import",
        state=JobState.RUNNING,
        heartbeat_at=timezone.now(),
    )
    Progress(job.id).expect_quiet(600, "Saving the listings")
    # Five minutes without a word, inside a ten-minute save: still working.
    Job.objects.filter(id=job.id).update(heartbeat_at=F("heartbeat_at") - timedelta(minutes=5))
    page = client_for("ana").get(reverse("jobs:status", args=[job.id])).content.decode()
    assert "This stopped before it finished" not in page
    assert "Saving the listings" in page
    # Past the ten minutes and the usual two: stopped.
    Job.objects.filter(id=job.id).update(heartbeat_at=timezone.now() - timedelta(minutes=3))
    page = client_for("ana").get(reverse("jobs:status", args=[job.id])).content.decode()
    assert "This stopped before it finished" in page


def test_a_running_job_polls_for_progress_and_works_without_javascript(demo, client_for):
    job = Job.objects.create(
        organization=_ana(demo).organization,
        requested_by=demo.users["ana"],
        kind="test.echo",
        title="Export",
        state=JobState.RUNNING,
        done=250,
        total=1000,
        heartbeat_at=timezone.now(),
    )
    ana = client_for("ana")
    page = ana.get(reverse("jobs:status", args=[job.id])).content.decode()
    assert 'hx-trigger="every 2s"' in page
    assert "250 of 1000" in page
    assert f'href="{reverse("jobs:status", args=[job.id])}">Check again' in page
    partial = ana.get(reverse("jobs:status", args=[job.id]), HTTP_HX_REQUEST="true")
    assert "<h1>" not in partial.content.decode()
    assert 'value="250"' in partial.content.decode()


def test_progress_is_written_at_most_twice_a_second_but_always_at_the_end(demo):
    job = Job.objects.create(
        organization=_ana(demo).organization, requested_by=demo.users["ana"], kind="x", title="x"
    )
    progress = Progress(job.id)
    progress(1, 100)
    progress(2, 100)  # within the interval: not written
    assert Job.objects.get(id=job.id).done == 1
    progress(100, 100)  # the last step always is
    assert Job.objects.get(id=job.id).done == 100


@pytest.mark.django_db(transaction=True)
def test_outside_tests_a_job_runs_in_the_background_after_the_request_commits(settings):
    from cairn.demo import build_demo

    world = build_demo(participants=2, seed=3)
    settings.CAIRN_JOBS_SYNC = False
    acting = Membership.objects.get(user=world.users["ana"])
    job = submit(kind="test.echo", acting=acting, title="Export", params={"rows": 5, "text": "ok"})
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.state == JobState.DONE:
            break
        time.sleep(0.05)
    assert job.state == JobState.DONE
    assert runner.result_bytes(job) == b"ok"


def test_in_worker_mode_jobs_wait_in_the_queue_until_run_jobs_takes_them(demo, settings):
    from django.core.management import call_command

    settings.CAIRN_JOBS_SYNC = False
    settings.CAIRN_JOBS_MODE = "worker"
    first = submit(kind="test.echo", acting=_ana(demo), title="A", params={"rows": 1, "text": "a"})
    second = submit(kind="test.echo", acting=_ana(demo), title="B", params={"rows": 1, "text": "b"})
    assert first.state == second.state == JobState.QUEUED

    call_command("run_jobs", "--once", stdout=io.StringIO())

    assert Job.objects.get(id=first.id).state == JobState.DONE
    assert runner.result_bytes(Job.objects.get(id=second.id)) == b"b"


def test_a_job_is_claimed_once_so_two_processes_never_both_run_it(demo, settings):
    settings.CAIRN_JOBS_SYNC = False
    settings.CAIRN_JOBS_MODE = "worker"
    job = submit(kind="test.echo", acting=_ana(demo), title="A", params={"rows": 1, "text": "a"})
    assert runner.run(job.id) is True
    assert runner.run(job.id) is False  # already taken (and done): nothing runs again
    assert runner.next_queued() is None
