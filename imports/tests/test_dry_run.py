"""The dry run reports every planted problem by row and column, and nothing else."""

from collections.abc import Callable
from datetime import date

from cairn.demo import DemoWorld
from imports import services
from imports.models import ImportBatch
from imports.sample import PARTICIPANT_HEADERS, participant_row, to_csv
from organizations.models import Membership
from participants.models import Participant


def _planted(existing: Participant, existing_phone: str) -> dict[int, tuple[str, dict[str, str]]]:
    """Row index → (column expected in the report, cells to change): 20 problems of every kind."""
    dob = existing.date_of_birth.isoformat() if existing.date_of_birth else ""
    return {
        10: ("coach_username", {"coach_username": "nobody"}),
        30: ("coach_username", {"coach_username": "rio"}),  # riverside's coach: unknown here
        50: ("coach_username", {"coach_username": "max"}),  # an admin carries no caseload
        70: ("date_of_birth", {"date_of_birth": "1990-13-01"}),
        90: ("date_of_birth", {"date_of_birth": "03/04/1990"}),  # day/month not declared
        110: ("enrolled_on", {"enrolled_on": "last spring"}),
        130: ("phone", {"phone": "12"}),
        150: ("phone", {"phone": "(617) 111-0000"}),
        170: ("phone", {"phone": "call me"}),
        190: ("preferred_name", {"preferred_name": existing.preferred_name, "date_of_birth": dob}),
        210: ("phone", {"phone": existing_phone}),
        230: ("preferred_name", {"preferred_name": "Person 000001", "date_of_birth": "1951-02-02"}),
        250: ("preferred_name", {"preferred_name": ""}),
        270: ("coach_username", {"coach_username": ""}),
        290: ("preferred_name", {"preferred_name": "   "}),
        310: ("status", {"status": "archived"}),
        330: ("pathways", {"pathways": "twelve_step; yoga"}),
        350: ("veteran_status", {"veteran_status": "maybe"}),
        370: ("email", {"email": "not-an-email"}),
        390: ("email", {"email": "two@@example.org"}),
    }


def test_500_participants_with_20_planted_problems_report_exactly_those_20(
    demo: DemoWorld, checked: Callable[..., ImportBatch]
) -> None:
    harbor = Participant.objects.filter(organization=demo.organizations["harbor"])
    existing = harbor.filter(date_of_birth__isnull=False).first()
    assert existing is not None
    with_phone = harbor.exclude(phone="").exclude(pk=existing.pk).first()
    assert existing is not None and with_phone is not None
    planted = _planted(existing, with_phone.phone)
    rows = []
    for i in range(500):
        row = participant_row(i, coach="ana" if i % 2 else "ben")
        if i in planted:
            row.update(planted[i][1])
        rows.append(row)
    batch = checked(to_csv(rows, PARTICIPANT_HEADERS).encode())

    reported = {(p.row, p.column) for p in services.problems_of(batch)}
    expected = {(i + 2, column) for i, (column, _cells) in planted.items()}
    assert reported == expected
    assert batch.problem_count == 20
    assert batch.bad_row_count == 20
    assert batch.valid_count == 480


def test_a_declared_month_first_date_style_reads_slashed_dates(
    demo: DemoWorld, checked: Callable[..., ImportBatch], membership: Callable[[str], Membership]
) -> None:
    row = participant_row(1) | {"date_of_birth": "03/04/1990"}
    batch = checked(to_csv([row], PARTICIPANT_HEADERS).encode(), date_style="mdy")
    assert batch.problem_count == 0
    services.apply(acting=membership("mia"), batch=batch)
    assert Participant.objects.get(preferred_name="Person 000001").date_of_birth == date(1990, 3, 4)


def test_problem_messages_are_calm_and_say_what_to_check(
    demo: object, checked: Callable[..., ImportBatch]
) -> None:
    row = participant_row(1) | {"date_of_birth": "03/04/1990", "coach_username": "rio"}
    batch = checked(to_csv([row], PARTICIPANT_HEADERS).encode())
    messages = {p.column: p.message for p in services.problems_of(batch)}
    assert "choose the date style" in messages["date_of_birth"]
    assert "No coach you can assign records to" in messages["coach_username"]
