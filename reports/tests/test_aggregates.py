"""The figures counted in PostgreSQL are the figures `reports.figures` defines, on the demo data."""

from datetime import date, timedelta

import pytest

from assessments.models import BARC10, ReassessmentSchedule
from cairn.demo import DemoWorld
from encounters.models import ServiceType
from participants.models import Participant, StatusChange
from reports import aggregates, selectors
from reports.selectors import Filters

RANGES = [
    (date(2025, 11, 1), date(2026, 10, 31)),  # the default year before the demo's anchor
    (date(2026, 7, 1), date(2026, 9, 30)),  # a quarter
    (date(2024, 1, 1), date(2026, 11, 1)),  # everything, windows of every enrolment
    (date(2026, 8, 15), date(2026, 8, 15)),  # one day: windows closing on the range's end
]


def both(demo: DemoWorld, username: str, filters: Filters) -> tuple[object, object]:
    harbor = demo.organizations["harbor"]
    user = demo.users[username]
    counted = selectors.dashboard(user=user, organization=harbor, filters=filters)
    by_person, _ids = selectors.by_person(user=user, organization=harbor, filters=filters)
    return counted, by_person


@pytest.mark.parametrize("username", ["mia", "sam"])
def test_counted_and_by_person_figures_are_identical_on_the_demo(
    demo: DemoWorld, username: str
) -> None:
    for start, end in RANGES:
        filters = Filters(start=start, end=end)
        counted, by_person = both(demo, username, filters)
        assert counted == by_person, (username, start, end)
        _, ids = selectors.by_person(
            user=demo.users[username], organization=demo.organizations["harbor"], filters=filters
        )
        for figure, wanted in ids.items():
            found = selectors.people_behind(
                figure,
                user=demo.users[username],
                organization=demo.organizations["harbor"],
                filters=filters,
            )
            assert set(found.values_list("pk", flat=True)) == set(wanted), (figure, start, end)


def test_the_demo_exercises_what_the_counts_must_match(demo: DemoWorld) -> None:
    harbor = demo.organizations["harbor"]
    counted, _ = both(demo, "mia", Filters(start=RANGES[2][0], end=RANGES[2][1]))
    assert counted.served and counted.contacts and counted.change.n  # type: ignore[attr-defined]
    assert any(rate.of for rate in counted.follow_up.values())  # type: ignore[attr-defined]
    moved = Participant.objects.filter(organization=harbor).filter(aggregates.on_a_break(harbor))
    assert moved.exists(), "the demo has people with a break, whose windows move"


def test_identical_with_a_service_filter_and_a_break_that_moves_windows(
    demo: DemoWorld,
) -> None:
    harbor = demo.organizations["harbor"]
    person = Participant.objects.filter(organization=harbor, status="active").first()
    assert person is not None
    StatusChange.objects.create(
        organization=harbor,
        participant=person,
        from_status="active",
        to_status="paused",
        effective_on=person.enrolled_on + timedelta(days=20),
        changed_by=demo.users["ana"],
    )
    StatusChange.objects.create(
        organization=harbor,
        participant=person,
        from_status="paused",
        to_status="active",
        effective_on=person.enrolled_on + timedelta(days=50),  # day 30 moves 30 days later
        changed_by=demo.users["ana"],
    )
    service = ServiceType.objects.filter(organization=harbor).first()
    assert service is not None
    for start, end in RANGES:
        filters = Filters(start=start, end=end, service_type_id=service.pk)
        counted, by_person = both(demo, "mia", filters)
        assert counted == by_person, (start, end)


def test_identical_when_the_schedule_windows_overlap(demo: DemoWorld) -> None:
    """Windows of ±20 days around day 30 and 60 overlap: every plan is then made in Python."""
    harbor = demo.organizations["harbor"]
    ReassessmentSchedule.objects.update_or_create(
        organization=harbor,
        instrument=BARC10,
        defaults={"offsets_days": [30, 60, 90], "repeat_every_days": 90, "window_days": 20},
    )
    for start, end in RANGES:
        counted, by_person = both(demo, "mia", Filters(start=start, end=end))
        assert counted == by_person, (start, end)


def test_identical_with_a_schedule_without_day_60(demo: DemoWorld) -> None:
    harbor = demo.organizations["harbor"]
    ReassessmentSchedule.objects.update_or_create(
        organization=harbor,
        instrument=BARC10,
        defaults={"offsets_days": [30, 90], "repeat_every_days": 0, "window_days": 7},
    )
    for start, end in RANGES:
        counted, by_person = both(demo, "mia", Filters(start=start, end=end))
        assert counted == by_person, (start, end)


def test_people_without_a_coach_and_a_renamed_coach_read_the_same_both_ways(
    demo: DemoWorld, client_for
) -> None:
    """The caseload by coach: someone with no coach yet is counted as "No coach yet" (not as
    "None None"), and a coach's new name shows on the next view, though the counts are kept."""
    harbor = demo.organizations["harbor"]
    Participant.objects.create(
        organization=harbor, preferred_name="Nadia", status="active", enrolled_on=date(2026, 9, 1)
    )
    filters = Filters(start=RANGES[0][0], end=RANGES[0][1])
    counted, by_person = both(demo, "mia", filters)
    assert counted == by_person
    assert ("", 1) in counted.caseload  # type: ignore[attr-defined]
    mia = client_for("mia")
    page = mia.get("/reports/?start=2025-11-01&end=2026-10-31").content.decode()
    assert "No coach yet" in page and "None None" not in page
    ana = demo.users["ana"]
    ana.preferred_name = "Ana María"
    ana.save(update_fields=["preferred_name"])  # not a counted table: the figures stay kept
    again = mia.get("/reports/?start=2025-11-01&end=2026-10-31").content.decode()
    assert "Ana María" in again
