"""The pages of the import flow, who may use them, and contacts following their participants."""

from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse

from audit.models import AuditEvent
from cairn.demo import DemoWorld
from encounters.models import Encounter
from encounters.services import content_hash
from imports import services, views
from imports.models import BatchState, ImportBatch
from imports.sample import participants_csv, to_csv
from jobs import runner
from jobs.models import Job, JobState
from lib.testing import sql_value
from organizations.models import Membership
from participants.models import Participant

Checked = Callable[..., ImportBatch]
Member = Callable[[str], Membership]


def test_a_manager_walks_upload_columns_check_and_import_in_the_browser(
    demo: DemoWorld, client_for: Callable[[str], Client]
) -> None:
    client = client_for("mia")
    assert b"Import from a spreadsheet" in client.get(reverse("imports:home")).content
    upload = SimpleUploadedFile("people.csv", participants_csv(3, coach="ben"), "text/csv")
    response = client.post(reverse("imports:home"), {"kind": "participants", "file": upload})
    batch = ImportBatch.objects.get()
    assert response["Location"] == reverse("imports:mapping", args=[batch.id])

    page = client.get(reverse("imports:mapping", args=[batch.id])).content.decode()
    assert '<option value="preferred_name" selected>' in page  # suggested from the header
    form = {**batch.mapping, "date_style": "iso"}
    response = client.post(reverse("imports:mapping", args=[batch.id]), form)
    assert response["Location"] == reverse("imports:check", args=[batch.id])
    page = client.get(reverse("imports:check", args=[batch.id])).content.decode()
    assert "Import the 3 valid rows" in page

    client.post(reverse("imports:apply", args=[batch.id]), {"mode": "valid"})
    page = client.get(reverse("imports:check", args=[batch.id])).content.decode()
    assert "Import finished" in page
    assert Participant.objects.filter(preferred_name__startswith="Person 0").count() == 3


def test_the_check_page_lists_problems_by_row_and_column_and_offers_the_error_file(
    demo: DemoWorld, client_for: Callable[[str], Client], checked: Checked
) -> None:
    raw = participants_csv(2).replace(b"1950-01-01", b"1950-02-31")
    batch = checked(raw)
    client = client_for("mia")
    page = client.get(reverse("imports:check", args=[batch.id])).content.decode()
    assert "<td>2</td><td>date_of_birth</td><td>1950-02-31</td>" in page
    response = client.get(reverse("imports:errors", args=[batch.id]))
    assert response["Content-Disposition"].startswith("attachment")
    assert "There is no such date." in response.content.decode("utf-8-sig")
    assert AuditEvent.objects.filter(action="export", target_type="imports.errors").exists()


def test_an_oversized_upload_gets_the_limit_in_plain_words(
    demo: DemoWorld, client_for: Callable[[str], Client], monkeypatch: object
) -> None:
    import imports.limits

    monkeypatch.setattr(imports.limits, "MAX_BYTES", 100)  # type: ignore[attr-defined]
    upload = SimpleUploadedFile("people.csv", participants_csv(5), "text/csv")
    response = client_for("mia").post(
        reverse("imports:home"), {"kind": "participants", "file": upload}
    )
    assert "Split it into smaller files" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_a_coach_imports_only_onto_their_own_caseload(demo: DemoWorld, checked: Checked) -> None:
    batch = checked(participants_csv(2, coach="ben"), who="ana")
    assert batch.problem_count == 2
    assert checked(participants_csv(2, coach="ana"), who="ana").problem_count == 0


def test_a_batch_is_seen_only_by_its_uploader_in_its_organization(
    demo: DemoWorld, client_for: Callable[[str], Client], checked: Checked
) -> None:
    batch = checked(participants_csv(2), who="ana")
    for other in ["ben", "sam", "mia", "rio"]:
        assert client_for(other).get(reverse("imports:check", args=[batch.id])).status_code == 404
    assert client_for("ana").get(reverse("imports:check", args=[batch.id])).status_code == 200


def test_managers_bring_in_people_but_not_contacts(
    demo: DemoWorld, client_for: Callable[[str], Client]
) -> None:
    upload = SimpleUploadedFile("c.csv", b"participant_id\nx\n", "text/csv")
    response = client_for("mia").post(reverse("imports:home"), {"kind": "contacts", "file": upload})
    assert response.status_code == 200
    assert not ImportBatch.objects.exists()


def test_contacts_find_their_participant_by_the_old_id_or_the_cairn_id(
    demo: DemoWorld, checked: Checked, membership: Member
) -> None:
    services.apply(acting=membership("ana"), batch=checked(participants_csv(2), who="ana"))
    pat = Participant.objects.get(user__username="pat")
    river = Participant.objects.filter(organization=demo.organizations["riverside"]).first()
    assert river is not None
    headers = ["contact_id", "participant_id", "coach_username", "contact_type", "started_at"]
    rows = [
        ["c1", "old-000000", "ana", "phone", "2026-10-01T10:00:00-04:00"],
        ["c2", str(pat.id), "ana", "in_person", "2026-10-02"],
        ["c3", "old-999999", "ana", "phone", "2026-10-03"],
        ["c4", str(river.id), "ana", "phone", "2026-10-03"],
        ["c5", "old-000001", "ana", "hug", "2026-10-03"],
    ]
    raw = to_csv([dict(zip(headers, r, strict=True)) for r in rows], headers).encode()
    batch = checked(raw, who="ana", kind="contacts", filename="contacts.csv")
    problems = {(p.row, p.column) for p in services.problems_of(batch)}
    assert problems == {(4, "participant_id"), (5, "participant_id"), (6, "contact_type")}
    assert services.apply(acting=membership("ana"), batch=batch) == 2
    first = Encounter.objects.get(participant__preferred_name="Person 000000")
    assert first.author == demo.users["ana"]
    assert (first.state, first.signed_by, first.summary) == (
        "signed",
        demo.users["ana"],
        "Imported from contacts.csv",
    )
    assert first.signed_at is not None
    assert first.content_hash == content_hash(
        first, signer_id=demo.users["ana"].pk, signed_at=first.signed_at
    )
    assert first.occurred_on.isoformat() == "2026-10-01"
    assert Participant.objects.get(pk=first.participant_id).last_contact_on == first.occurred_on
    again = checked(raw, who="ana", kind="contacts", filename="contacts.csv")
    assert again.skipped_count == 2


def test_the_stored_upload_and_findings_are_not_readable_in_the_database(
    demo: DemoWorld, checked: Checked
) -> None:
    batch = checked(participants_csv(2).replace(b"1950-01-01", b"1950-02-31"))
    assert batch.problem_count == 1
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT content, problems, error_csv FROM imports_importbatch WHERE id = %s",
            [sql_value(batch.id)],
        )
        stored = " ".join(cursor.fetchone())
    assert "Person 000001" not in stored
    assert "1950-02-31" not in stored
    assert batch.state == BatchState.CHECKED


def test_a_large_file_is_checked_and_imported_as_a_background_job_with_progress(
    demo: DemoWorld, client_for: Callable[[str], Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views, "BACKGROUND_ROWS", 2)
    client = client_for("mia")
    raw = participants_csv(5).replace(b"1950-01-01", b"1950-02-31")
    upload = SimpleUploadedFile("people.csv", raw, "text/csv")
    client.post(reverse("imports:home"), {"kind": "participants", "file": upload})
    batch = ImportBatch.objects.get()
    response = client.post(
        reverse("imports:mapping", args=[batch.id]), {**batch.mapping, "date_style": "iso"}
    )
    check_job = Job.objects.get(kind="imports.check")
    assert response["Location"] == reverse("jobs:status", args=[check_job.id])
    assert (check_job.state, check_job.done, check_job.total) == (JobState.DONE, 5, 5)
    assert "4 rows ready, 1 need fixing" in check_job.summary
    assert check_job.result_name == "rows-not-imported.csv"

    response = client.post(reverse("imports:apply", args=[batch.id]), {"mode": "valid"})
    apply_job = Job.objects.get(kind="imports.apply")
    assert response["Location"] == reverse("jobs:status", args=[apply_job.id])
    assert apply_job.state == JobState.DONE
    assert apply_job.summary == "Imported 4 rows."
    assert Participant.objects.filter(preferred_name__startswith="Person 0").count() == 4


def test_before_its_one_long_transaction_the_import_tells_its_job_page_to_expect_quiet(
    demo: DemoWorld,
    client_for: Callable[[str], Client],
    checked: Checked,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The rows' progress is written inside the import's transaction, where nobody sees it; the
    page is told how long to wait before calling the import stopped, from outside it."""
    batch = checked(participants_csv(6))
    outside = len(connection.atomic_blocks)  # the test's own transaction
    told: list[tuple[float, str, int]] = []

    def expect_quiet(self: object, seconds: float, message: str) -> None:
        told.append((seconds, message, len(connection.atomic_blocks) - outside))

    monkeypatch.setattr(runner.Progress, "expect_quiet", expect_quiet)
    monkeypatch.setattr(views, "BACKGROUND_ROWS", 2)  # a job, as for a large file
    client_for("mia").post(reverse("imports:apply", args=[batch.id]), {"mode": "valid"})
    assert told == [(6 * services.APPLY_SECONDS_PER_ROW, "Importing the rows", 0)]
    assert Job.objects.get(kind="imports.apply").summary == "Imported 6 rows."
