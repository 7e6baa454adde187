"""The exports page: who may use it, what it hands over, and the disclosure preview."""

import csv
import io
from datetime import date, timedelta

from django.utils import timezone

from audit.models import Action, AuditEvent
from consent.models import Consent, Disclosure
from jobs.models import Job, JobState
from organizations.models import Membership
from participants.models import Participant


def _post(client, **fields):
    """Ask for an export; a job runs it (synchronously in tests) and its file is fetched."""
    data = {"dataset": "participants", "kind": "identifiable", "fmt": "csv", "date_mode": "shift"}
    data.update(fields)
    response = client.post("/exports/", data)
    if response.status_code != 302:
        return response
    status = client.get(response["Location"])
    assert "Download" in status.content.decode()
    return client.get(response["Location"] + "download/")


def test_manager_downloads_the_whole_organization_as_csv(demo, client_for) -> None:
    response = _post(client_for("mia"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="harbor-participants')
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    harbor = Participant.objects.filter(
        organization=demo.organizations["harbor"], merged_into__isnull=True
    )
    assert len(rows) == harbor.count()
    assert AuditEvent.objects.filter(action=Action.EXPORT, actor_username="mia").exists()


def test_supervisor_exports_only_their_teams_people(demo, client_for) -> None:
    rows = list(csv.DictReader(io.StringIO(_post(client_for("sam")).content.decode("utf-8-sig"))))
    sam = demo.users["sam"]
    visible = Participant.objects.visible_to(sam, demo.organizations["harbor"])
    assert {r["participant_id"] for r in rows} == {str(p.id) for p in visible}
    assert "rio" not in {r["coach_username"] for r in rows}


def test_coach_cannot_export(demo, client_for) -> None:
    assert _post(client_for("ana")).status_code == 403


def test_supervisor_is_not_offered_sharing_outside(demo, client_for) -> None:
    page = client_for("sam").get("/exports/").content.decode()
    assert 'value="disclosure"' not in page
    refused = _post(client_for("sam"), kind="disclosure", recipient="Funder", purpose="x")
    assert refused["Content-Type"].startswith("text/html")
    assert not Disclosure.objects.exists()


def test_sharing_outside_shows_who_is_left_out_before_anything_is_shared(demo, client_for) -> None:
    pat = Participant.objects.get(user__username="pat")
    Consent.objects.create(
        organization=pat.organization,
        participant=pat,
        disclosing_party="Harbor",
        categories=["attendance"],
        recipient="County Recovery Fund",
        purpose="grant reporting",
        signed_on=date(2026, 1, 1),
        expires_on=timezone.localdate() + timedelta(days=300),
        signature_method="typed",
        signature="Pat",
        created_by=demo.users["ana"],
    )
    before = Disclosure.objects.count()
    mia = client_for("mia")
    fields = {
        "dataset": "contacts",
        "kind": "disclosure",
        "recipient": "County Recovery Fund",
        "purpose": "grant reporting",
    }
    preview = _post(mia, **fields)
    page = preview.content.decode()
    assert "will be left out" in page
    assert "No active consent covers" in page
    assert "1 person has an active consent" in page
    assert Disclosure.objects.count() == before
    shared = _post(mia, confirm="on", **fields)
    assert shared["Content-Type"] == "application/zip"
    assert Disclosure.objects.count() == before + 1


def test_sharing_outside_needs_recipient_and_purpose(demo, client_for) -> None:
    page = _post(client_for("mia"), kind="disclosure").content.decode()
    assert 'id="id_recipient_error"' in page and 'id="id_purpose_error"' in page


def test_data_dictionary_page_and_csv_describe_every_column(demo, client_for) -> None:
    ana = client_for("ana")
    page = ana.get("/exports/contacts/dictionary/").content.decode()
    assert "<code>started_at</code>" in page
    assert "<code>in_person</code> = In person" in page
    download = ana.get("/exports/contacts/dictionary.csv")
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert rows[0] == ["column", "meaning", "type", "allowed values", "in the de-identified export"]
    assert [r[0] for r in rows[1:]][:3] == ["contact_id", "participant_id", "coach_username"]
    assert ana.get("/exports/nothing/dictionary/").status_code == 404


def test_export_waits_on_its_job_page_and_the_link_expires(demo, client_for) -> None:
    mia = client_for("mia")
    response = mia.post("/exports/", {"dataset": "contacts", "kind": "deidentified", "fmt": "xlsx"})
    job = Job.objects.get()
    assert response["Location"] == f"/jobs/{job.id}/"
    assert job.state == JobState.DONE
    assert job.result_name.endswith(".xlsx")
    assert "rows about" in job.summary
    assert client_for("sam").get(f"/jobs/{job.id}/download/").status_code == 404
    assert mia.get(f"/jobs/{job.id}/download/").status_code == 200
    Job.objects.filter(pk=job.pk).update(expires_at=timezone.now())
    assert mia.get(f"/jobs/{job.id}/download/").status_code == 410


def test_export_job_refuses_when_the_role_was_taken_away(demo, client_for) -> None:
    from exports.jobs import queue_export
    from exports.services import ExportRequest

    membership = Membership.objects.get(user=demo.users["sam"])
    Membership.objects.filter(pk=membership.pk).update(role="coach")
    job = queue_export(acting=membership, request=ExportRequest(dataset="contacts"))
    assert job.state == JobState.FAILED
    assert "no longer allows" in job.error
    assert not job.result


def test_a_stored_export_holds_no_readable_participant_data(demo, client_for) -> None:
    from django.db import connection

    client_for("mia").post(
        "/exports/", {"dataset": "participants", "kind": "identifiable", "fmt": "csv"}
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT result, summary, title FROM jobs_job")
        stored = " ".join(str(v) for row in cursor.fetchall() for v in row)
    assert stored
    people = Participant.objects.filter(organization=demo.organizations["harbor"])
    # Short names could turn up by chance inside ciphertext; ids and longer names cannot.
    assert any(len(p.preferred_name) >= 6 for p in people)
    for person in people:
        assert str(person.id) not in stored
        if len(person.preferred_name) >= 6:
            assert person.preferred_name not in stored
