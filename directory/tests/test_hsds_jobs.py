"""An HSDS file's dry run and import run as background jobs: the upload streams to disk, the
file's page shows the job's progress and then what it found, a file that would change nothing
offers no import, and an import that stops midway leaves the directory as it was."""

import io
import json
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from cairn.tests.html_parts import elements
from directory import hsds_files, hsds_services
from directory.hsds_services import export_directory
from directory.models import HsdsImport, HsdsImportState, Service
from jobs import runner
from jobs.models import Job, JobState
from organizations.models import Membership


def _keeper(membership: Membership) -> Client:
    client = Client()
    client.force_login(membership.user)
    return client


def _upload(client: Client, name: str, raw: bytes) -> Any:
    upload = io.BytesIO(raw)
    upload.name = name
    return client.post("/directory/keep/hsds/", {"file": upload})


def _page(client: Client, url: str) -> tuple[str, str]:
    """The page's main text (spaces collapsed) and its HTML."""
    html = client.get(url).content.decode()
    (main,) = elements(html, "main")
    return " ".join(main.text.split()), html


def _import_buttons(html: str) -> list[str]:
    """The text of each form that posts to the import (its only text is its button's)."""
    forms = [f for f in elements(html, "form") if f.attrs.get("action", "").endswith("/import/")]
    return [f.text for f in forms]


def test_an_upload_is_checked_by_a_job_and_imported_by_another(harbor, riverside) -> None:
    keeper = _keeper(riverside)
    response = _upload(keeper, "partner.zip", export_directory(acting=harbor, form="zip"))
    assert response.status_code == 302
    record = HsdsImport.objects.select_related("job").get(organization=riverside.organization)
    assert record.job is not None and record.job.kind == hsds_services.CHECK_JOB
    assert record.job.state == JobState.DONE and record.job.summary == "0 problems found."
    assert hsds_files.path_of(record.id).exists()  # waiting on disk for its import
    on_jobs_page = _page(keeper, f"/jobs/{record.job.id}/")[0]
    assert "Ready. 0 problems found." in on_jobs_page and "expired" not in on_jobs_page

    text, html = _page(keeper, response["Location"])
    assert "Would be added15" in text and _import_buttons(html) == ["Import 15 services"]
    assert "Importing adds 15 new services, updates 0 and leaves 0 as they are." in text

    keeper.post(f"/directory/keep/hsds/{record.id}/import/")
    record.refresh_from_db()
    assert record.job.kind == hsds_services.IMPORT_JOB and record.job.state == JobState.DONE
    assert record.state == HsdsImportState.APPLIED
    assert Service.objects.of(riverside.organization).count() == 15
    assert not hsds_files.path_of(record.id).exists()
    assert "Import finished" in _page(keeper, response["Location"])[0]


def test_before_its_one_long_save_the_import_tells_its_job_page_to_expect_quiet(
    harbor, riverside, monkeypatch
) -> None:
    told: list[tuple[float, str]] = []
    monkeypatch.setattr(
        runner.Progress,
        "expect_quiet",
        lambda self, seconds, message: told.append((seconds, message)),
    )
    keeper = _keeper(riverside)
    _upload(keeper, "partner.json", export_directory(acting=harbor, form="json"))
    record = HsdsImport.objects.get(organization=riverside.organization)
    keeper.post(f"/directory/keep/hsds/{record.id}/import/")
    assert told == [(15 * hsds_services.SAVE_SECONDS_PER_LISTING, "Saving the listings")]
    assert Service.objects.of(riverside.organization).count() == 15


def test_a_file_that_changes_nothing_says_so_and_offers_no_import(harbor) -> None:
    keeper = _keeper(harbor)
    response = _upload(keeper, "ours.json", export_directory(acting=harbor, form="json"))
    text, html = _page(keeper, response["Location"])
    assert "Nothing would change: all 15 services in this file are already here" in text
    assert _import_buttons(html) == []
    record = HsdsImport.objects.get(organization=harbor.organization)
    before = Job.objects.count()
    keeper.post(f"/directory/keep/hsds/{record.id}/import/")
    assert Job.objects.count() == before  # nothing to do, so no job was started


def test_a_file_with_some_changes_counts_new_updated_and_unchanged(harbor) -> None:
    services = json.loads(export_directory(acting=harbor, form="json"))
    services[0]["name"] = "Renamed in the partner's file"
    keeper = _keeper(harbor)
    response = _upload(keeper, "ours.json", json.dumps(services).encode())
    text, html = _page(keeper, response["Location"])
    assert "Importing adds 0 new services, updates 1 and leaves 14 as they are." in text
    assert _import_buttons(html) == ["Import 1 service"]


def test_while_the_job_waits_the_page_shows_its_progress_then_reloads(
    harbor, riverside, settings
) -> None:
    settings.CAIRN_JOBS_SYNC = False
    settings.CAIRN_JOBS_MODE = "worker"  # queued until a worker takes it
    keeper = _keeper(riverside)
    response = _upload(keeper, "partner.json", export_directory(acting=harbor, form="json"))
    record = HsdsImport.objects.get(organization=riverside.organization)
    assert record.state == HsdsImportState.RECEIVED

    text, html = _page(keeper, response["Location"])
    assert "Checking the file" in text and "Waiting to start" in text
    assert [p.attrs.get("aria-label") for p in elements(html, "progress")] == ["Progress"]
    assert _import_buttons(html) == []
    polled = keeper.get(response["Location"], headers={"HX-Request": "true"})
    assert 'hx-trigger="every 2s"' in polled.content.decode()

    assert record.job_id is not None
    runner.run(record.job_id)
    polled = keeper.get(response["Location"], headers={"HX-Request": "true"})
    assert polled["HX-Refresh"] == "true"
    assert _import_buttons(_page(keeper, response["Location"])[1]) == ["Import 15 services"]


def test_an_import_that_stops_midway_leaves_nothing_half_saved(
    harbor, riverside, monkeypatch
) -> None:
    keeper = _keeper(riverside)
    response = _upload(keeper, "partner.json", export_directory(acting=harbor, form="json"))
    record = HsdsImport.objects.get(organization=riverside.organization)

    def power_cut(*args: Any) -> None:
        raise OSError("the disk went away")

    monkeypatch.setattr(hsds_services, "_write_parts", power_cut)  # after services are written
    keeper.post(f"/directory/keep/hsds/{record.id}/import/")
    record.refresh_from_db()
    assert record.job is not None and record.job.state == JobState.FAILED
    assert record.state == HsdsImportState.CHECKED
    assert Service.objects.of(riverside.organization).count() == 0
    text, html = _page(keeper, response["Location"])
    assert "The import stopped before it finished. Nothing was half-saved" in text
    assert _import_buttons(html) == ["Import 15 services"]  # and it can be started again


def test_a_check_whose_process_ended_is_shown_as_stopped(harbor, riverside, settings) -> None:
    settings.CAIRN_JOBS_SYNC = False
    settings.CAIRN_JOBS_MODE = "worker"
    keeper = _keeper(riverside)
    response = _upload(keeper, "partner.json", export_directory(acting=harbor, form="json"))
    record = HsdsImport.objects.get(organization=riverside.organization)
    assert record.job_id is not None
    Job.objects.filter(id=record.job_id).update(
        state=JobState.RUNNING, heartbeat_at=timezone.now() - timedelta(minutes=10)
    )
    text, html = _page(keeper, response["Location"])
    assert "The check stopped before it finished. Nothing was saved." in text
    assert not elements(html, "progress") and _import_buttons(html) == []


@pytest.mark.parametrize("form", ["json", "zip"])
def test_an_upload_streams_to_disk_and_waits_there_under_its_id(
    harbor, riverside, settings, form
) -> None:
    settings.CAIRN_JOBS_SYNC = False
    settings.CAIRN_JOBS_MODE = "worker"
    raw = export_directory(acting=harbor, form=form)
    _upload(_keeper(riverside), f"partner.{form}", raw)
    record = HsdsImport.objects.get(organization=riverside.organization)
    assert [p.name for p in hsds_files.folder().iterdir()] == [f"{record.id}.hsds"]
    assert hsds_files.path_of(record.id).read_bytes() == raw
