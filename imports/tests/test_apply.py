"""Applying a checked file: valid rows in, the rest in the error file, nothing twice or half."""

import csv
import io
from collections.abc import Callable

import pytest

from assessments.models import ReassessmentWindow
from audit.models import AuditEvent
from audit.selectors import verify_chain
from cairn.demo import DemoWorld
from imports import applying, services
from imports.models import BatchState, ImportBatch, ImportedRecord
from imports.sample import PARTICIPANT_HEADERS, participant_row, participants_csv, to_csv
from organizations.models import Membership
from participants.models import CoachAssignment, Participant, StatusChange

Checked = Callable[..., ImportBatch]
Member = Callable[[str], Membership]


def _with_two_bad_rows() -> bytes:
    rows = [participant_row(i) for i in range(6)]
    rows[1]["date_of_birth"] = "someday"
    rows[4]["phone"] = "=HYPERLINK(1)"
    return to_csv(rows, PARTICIPANT_HEADERS).encode()


def test_applying_creates_each_valid_person_with_status_step_coach_and_audit_event(
    demo: DemoWorld, checked: Checked, membership: Member
) -> None:
    batch = checked(participants_csv(5, coach="ana"))
    before = AuditEvent.objects.count()
    assert services.apply(acting=membership("mia"), batch=batch) == 5

    people = Participant.objects.filter(preferred_name__startswith="Person 0")
    assert people.count() == 5
    person = people.get(preferred_name="Person 000003")
    assert person.coach == demo.users["ana"]
    assert person.phone == "+16172000003"
    assert person.pathways == ["twelve_step", "smart"]
    assert "Imported" in [step.reason for step in StatusChange.objects.filter(participant=person)]
    assert CoachAssignment.objects.filter(participant=person, coach=demo.users["ana"]).exists()
    # Today reads stored reassessment dates: imported people have theirs from the start.
    assert ReassessmentWindow.objects.filter(participant=person).exists()
    created = AuditEvent.objects.filter(
        action="create", target_type="participants.participant", participant_id__in=people
    )
    assert created.count() == 5
    assert set(created.values_list("actor_username", flat=True)) == {"mia"}
    assert AuditEvent.objects.count() == before + 5 + 1  # + the batch marked as imported
    assert verify_chain(demo.organizations["harbor"].pk).ok
    batch.refresh_from_db()
    assert batch.state == BatchState.APPLIED
    assert batch.content == ""  # the uploaded file is not kept after import


def test_running_the_same_file_again_skips_every_row_already_imported(
    demo: DemoWorld, checked: Checked, membership: Member
) -> None:
    services.apply(acting=membership("mia"), batch=checked(participants_csv(5)))
    again = checked(participants_csv(7))  # the same five plus two new rows
    assert again.skipped_count == 5
    assert again.valid_count == 2
    services.apply(acting=membership("mia"), batch=again)
    assert Participant.objects.filter(preferred_name__startswith="Person 0").count() == 7
    assert ImportedRecord.objects.filter(kind="participants").count() == 7


def test_a_file_without_an_id_column_is_still_not_imported_twice(
    demo: DemoWorld, checked: Checked, membership: Member
) -> None:
    headers = [h for h in PARTICIPANT_HEADERS if h != "participant_id"]
    rows = [{k: v for k, v in participant_row(i).items() if k in headers} for i in range(3)]
    raw = to_csv(rows, headers).encode()
    services.apply(acting=membership("mia"), batch=checked(raw))
    again = checked(raw)
    assert (again.skipped_count, again.valid_count) == (3, 0)


def test_the_error_file_holds_only_the_bad_rows_with_what_to_fix(
    demo: DemoWorld, checked: Checked, membership: Member
) -> None:
    batch = checked(_with_two_bad_rows())
    services.apply(acting=membership("mia"), batch=batch)
    batch.refresh_from_db()
    assert batch.created_count == 4
    rows = list(csv.DictReader(io.StringIO(batch.error_csv)))
    assert [r["preferred_name"] for r in rows] == ["Person 000001", "Person 000004"]
    assert "date_of_birth: This date could not be read" in rows[0]["errors"]
    assert rows[1]["phone"] == "'=HYPERLINK(1)"  # kept harmless for the spreadsheet


def test_only_if_all_valid_imports_nothing_when_any_row_needs_fixing(
    demo: DemoWorld, checked: Checked, membership: Member
) -> None:
    batch = checked(_with_two_bad_rows())
    assert services.apply(acting=membership("mia"), batch=batch, only_if_all_valid=True) == 0
    batch.refresh_from_db()
    assert batch.state == BatchState.CHECKED
    assert not Participant.objects.filter(preferred_name__startswith="Person 0").exists()


def test_a_failure_part_way_leaves_nothing_imported(
    demo: DemoWorld, checked: Checked, membership: Member, monkeypatch: pytest.MonkeyPatch
) -> None:
    batch = checked(participants_csv(12))
    monkeypatch.setattr(applying, "CHUNK", 5)
    calls = {"n": 0}
    real = applying._audit_creations

    def fail_on_third_chunk(*args: object, **kwargs: object) -> None:
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("disk full")
        real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(applying, "_audit_creations", fail_on_third_chunk)
    events = AuditEvent.objects.count()
    with pytest.raises(RuntimeError):
        services.apply(acting=membership("mia"), batch=batch)
    assert not Participant.objects.filter(preferred_name__startswith="Person 0").exists()
    assert not ImportedRecord.objects.exists()
    assert AuditEvent.objects.count() == events + 0
    batch.refresh_from_db()
    assert batch.state == BatchState.CHECKED
    assert verify_chain(demo.organizations["harbor"].pk).ok


def test_setting_a_file_aside_imports_nothing_and_forgets_the_file(
    demo: DemoWorld, checked: Checked, membership: Member
) -> None:
    batch = checked(participants_csv(3))
    services.discard(acting=membership("mia"), batch=batch)
    batch.refresh_from_db()
    assert (batch.state, batch.content, batch.error_csv) == (BatchState.DISCARDED, "", "")
    with pytest.raises(services.NotReady):
        services.apply(acting=membership("mia"), batch=batch)
    assert not Participant.objects.filter(preferred_name__startswith="Person 0").exists()


def test_a_file_exported_from_this_organization_skips_the_people_already_here(
    demo: DemoWorld, checked: Checked
) -> None:
    pat = Participant.objects.get(user__username="pat")
    row = participant_row(1) | {"participant_id": str(pat.id), "preferred_name": "Pat"}
    batch = checked(to_csv([row, participant_row(2)], PARTICIPANT_HEADERS).encode())
    assert (batch.skipped_count, batch.valid_count, batch.problem_count) == (1, 1, 0)


def test_an_excel_file_with_real_date_cells_imports(
    demo: DemoWorld, checked: Checked, membership: Member
) -> None:
    from datetime import date, datetime

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Name", "Birth date", "Phone number", "Coach", "Veteran"])
    sheet.append(["Kim Excel", datetime(1984, 7, 9), "617-253-0199", "ana", "Yes, has served"])  # noqa: DTZ001 - a spreadsheet cell has no zone
    buffer = io.BytesIO()
    book.save(buffer)
    batch = checked(buffer.getvalue(), filename="people.xlsx")
    assert batch.problem_count == 0, services.problems_of(batch)
    services.apply(acting=membership("mia"), batch=batch)
    kim = Participant.objects.get(preferred_name="Kim Excel")
    assert (kim.date_of_birth, kim.phone, kim.veteran_status) == (
        date(1984, 7, 9),
        "+16172530199",
        "yes",
    )
