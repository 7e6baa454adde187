"""Stored reassessment windows: the same answer as computing each schedule, kept current."""

from datetime import timedelta
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from assessments.models import Assessment, ReassessmentWindow
from assessments.schedule import State
from assessments.selectors import (
    History,
    histories,
    plan_for,
    reassessments_due,
    rule_from,
    schedule_row,
)
from cairn.demo import DemoWorld
from organizations.models import Membership
from participants.models import Participant, ParticipantStatus
from participants.services import change_status


def _computed(organization, today) -> dict:
    """Who needs a reassessment today, computed from the rules for each person (the old way)."""
    rule = rule_from(schedule_row(organization))
    people = Participant.objects.filter(
        organization=organization,
        status__in=(ParticipantStatus.ACTIVE, ParticipantStatus.REFERRED),
    )
    found = histories(organization.pk, people.values("id"))
    due = {}
    for person in people:
        point = plan_for(
            enrolled_on=person.enrolled_on,
            status=person.status,
            status_since=person.status_since,
            history=found.get(person.id, History()),
            rule=rule,
            today=today,
        ).attention
        if point is not None:
            due[person.id] = (point.label, point.due_on, point.state)
    return due


def test_stored_windows_list_the_same_people_and_dates_as_the_rules(demo: DemoWorld) -> None:
    today = timezone.localdate()
    for organization in demo.organizations.values():
        everyone = Participant.objects.filter(organization=organization)
        stored = {
            d.participant.id: (d.point.label, d.point.due_on, d.point.state)
            for d in reassessments_due(
                organization=organization, participants=everyone, today=today + timedelta(days=0)
            )
        }
        assert stored == _computed(organization, today)
    out = StringIO()
    call_command("refresh_reassessments", stdout=out)
    assert "reassessment windows stored" in out.getvalue()
    harbor = demo.organizations["harbor"]
    assert {
        d.participant.id
        for d in reassessments_due(
            organization=harbor, participants=Participant.objects.all(), today=today
        )
    } == set(_computed(harbor, today))


def test_a_break_moves_the_next_reassessment_later_by_its_length(demo: DemoWorld) -> None:
    today = timezone.localdate()
    pat = Participant.objects.get(user=demo.users["pat"])
    Assessment.objects.filter(participant=pat).delete()
    Participant.objects.filter(pk=pat.pk).update(enrolled_on=today - timedelta(days=20))
    acting = Membership.objects.get(user=demo.users["ana"], organization=pat.organization)
    pat.refresh_from_db()
    change_status(
        acting=acting,
        participant=pat,
        status=ParticipantStatus.ACTIVE,
        effective_on=today - timedelta(days=20),
        reason="",
    )
    first = ReassessmentWindow.objects.get(participant=pat, label="day-30")
    assert first.due_on == today + timedelta(days=10)
    change_status(
        acting=acting,
        participant=pat,
        status=ParticipantStatus.PAUSED,
        effective_on=today - timedelta(days=10),
        reason="Taking a break",
    )
    assert not reassessments_due(
        organization=pat.organization,
        participants=Participant.objects.filter(pk=pat.pk),
        today=today,
    )
    change_status(
        acting=acting,
        participant=pat,
        status=ParticipantStatus.ACTIVE,
        effective_on=today,
        reason="Back",
    )
    moved = ReassessmentWindow.objects.get(participant=pat, label="day-30")
    assert moved.due_on == today + timedelta(days=20)  # ten days of break
    change_status(
        acting=acting,
        participant=pat,
        status=ParticipantStatus.CLOSED,
        effective_on=today,
        reason="Moved away",
    )
    assert not ReassessmentWindow.objects.filter(participant=pat).exists()


def test_a_schedule_change_moves_everyones_windows(demo: DemoWorld, client_for) -> None:
    harbor = demo.organizations["harbor"]
    before = set(
        ReassessmentWindow.objects.filter(organization=harbor).values_list("label", flat=True)
    )
    assert "day-30" in before
    client_for("max").post(
        "/assessments/schedule/",
        {"offsets": "14, 45", "repeat_every_days": "120", "window_days": "10", "version": "0"},
    )
    after = set(
        ReassessmentWindow.objects.filter(organization=harbor).values_list("label", flat=True)
    )
    assert "day-30" not in after and after <= {"baseline", "day-14", "day-45"} | {
        f"day-{45 + 120 * n}" for n in range(1, 200)
    }
    assert State.DUE  # the states are computed at read time from the stored dates
