"""Operations (issue 27): Prometheus metrics for a scraper that holds the token, with no
participant data in them, and logs as JSON lines on request."""

import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from appointments.models import Reminder, ReminderState
from jobs.models import Job, JobState
from jobs.runner import JobResult, Progress, register, submit
from organizations.models import Membership
from participants.models import Participant

TOKEN = "scraper-secret-1234"


@register("test.metrics")
def _waits(job: Job, progress: Progress) -> JobResult:
    return JobResult(filename="t.txt", content_type="text/plain", content=b"ok", summary="ok")


@pytest.fixture
def metrics_on(settings) -> None:
    settings.CAIRN_METRICS_TOKEN = TOKEN


def _scrape(authorization: str | None = None) -> tuple[int, str]:
    headers = {} if authorization is None else {"authorization": authorization}
    response = Client().get("/metrics", headers=headers)
    return response.status_code, response.content.decode()


def _gauge(body: str, name: str) -> float:
    line = next(line for line in body.splitlines() if line.startswith(f"{name} "))
    return float(line.split()[1])


@pytest.mark.django_db
def test_without_a_token_configured_there_is_no_metrics_page(settings) -> None:
    settings.CAIRN_METRICS_TOKEN = ""
    assert _scrape()[0] == 404
    assert _scrape("Bearer ")[0] == 404


@pytest.mark.django_db
@pytest.mark.usefixtures("metrics_on")
def test_a_wrong_or_missing_token_finds_nothing() -> None:
    assert _scrape()[0] == 404
    assert _scrape("Bearer scraper-secret-123")[0] == 404
    assert _scrape(TOKEN)[0] == 404


@pytest.mark.usefixtures("metrics_on")
def test_the_scraper_sees_pages_by_name_and_background_work_without_participant_data(
    demo, client_for
) -> None:
    pat = Participant.objects.get(preferred_name="Pat")
    ana = client_for("ana")
    overview = reverse("participants:detail", args=[pat.pk])
    assert ana.get(overview).status_code == 200
    job = submit(
        kind="test.metrics",
        acting=Membership.objects.select_related("organization", "user").get(user__username="mia"),
        title="Waiting",
        params={},
        not_before=timezone.now() + timedelta(hours=1),
    )
    five_minutes_ago = timezone.now() - timedelta(minutes=5)
    Job.objects.filter(pk=job.pk).update(not_before=five_minutes_ago, created_at=five_minutes_ago)
    due = Reminder.objects.filter(state=ReminderState.QUEUED, send_at__lte=timezone.now()).count()

    status, body = _scrape(f"Bearer {TOKEN}")

    assert status == 200
    views = [line for line in body.splitlines() if "view=" in line and "participants:" in line]
    assert any('view="participants:detail"' in line for line in views)
    assert _gauge(body, "cairn_jobs_queued") == Job.objects.filter(state=JobState.QUEUED).count()
    assert _gauge(body, "cairn_jobs_queued") >= 1
    assert 299 <= _gauge(body, "cairn_job_queue_lag_seconds") < 400
    assert _gauge(body, "cairn_reminders_due") == due
    assert str(pat.pk) not in body
    assert str(pat.pk).replace("-", "") not in body
    for name in ("Pat", "Ana"):
        assert f'"{name}' not in body and f" {name} " not in body


def test_logs_are_json_lines_when_asked(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[2]
    script = (
        "import django, logging; django.setup(); "
        "logging.getLogger('cairn.check').warning('a round failed (%s)', 'TimeoutError')"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "cairn.settings", "CAIRN_LOG_FORMAT": "json"}
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    line = json.loads(done.stderr.strip().splitlines()[-1])
    assert line["level"] == "WARNING"
    assert line["logger"] == "cairn.check"
    assert line["message"] == "a round failed (TimeoutError)"
    assert "time" in line
