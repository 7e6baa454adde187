"""Groups and meetings in the participant's own Cairn: the sessions of open groups and of their
own groups (never a closed group's), the mutual-aid meetings of the program's directory, and
each as a calendar file that names neither the group nor the meeting in its title."""

from datetime import time, timedelta
from typing import Any

import pytest
from django.utils import timezone
from icalendar import Calendar

from appointments.services import Repeat, book_appointment, local_start
from audit.models import AuditEvent
from audit.services import Target
from cairn.demo import DemoWorld
from cairn.tests.html_parts import elements
from directory import demo as directory_demo
from directory.models import Need, Service
from groups.models import Group, GroupMember
from organizations.models import Membership
from participants.models import Participant

PAGE = "/me/appointments/groups-and-meetings/"


@pytest.fixture
def groups(demo: DemoWorld) -> dict[str, Any]:
    """An open group Pat is not in, a closed group Pat is in, a closed group Pat is not in;
    each meets weekly from two days on."""
    ana = Membership.objects.select_related("organization", "user").get(user__username="ana")
    pat = Participant.objects.get(user__username="pat")
    made: dict[str, Any] = {"pat": pat}
    for key, name, open_, member, room in (
        ("open", "Thursday open circle", True, False, "Room A"),
        ("mine", "Family skills group", False, True, "Room B"),
        ("closed", "Reentry group", False, False, "Room C"),
    ):
        group = Group.objects.create(
            organization=ana.organization,
            name=name,
            facilitator=ana.user,
            open_to_participants=open_,
            about=f"What happens at {name}.",
        )
        if member:
            GroupMember.objects.create(organization=ana.organization, group=group, participant=pat)
        made[key] = book_appointment(
            acting=ana,
            group=group,
            starts_at=local_start(
                organization_zone=ana.organization.time_zone,
                day=timezone.localdate() + timedelta(days=2),
                at=time(18),
            ),
            duration_minutes=90,
            place=room,
            repeat=Repeat(every_weeks=1, count=6),
        )
    return made


def _ids(html: str, list_id: str) -> str:
    found = [u for u in elements(html, "ul") if u.attrs.get("id") == list_id]
    return found[0].text if found else ""


def test_pat_sees_open_groups_and_their_own_never_a_closed_one(groups, client_for) -> None:
    response = client_for("pat").get(PAGE)
    assert response.status_code == 200
    listed = _ids(response.content.decode(), "group-sessions")
    assert "Thursday open circle" in listed and "Family skills group" in listed
    assert "Reentry group" not in listed
    assert listed.count("What happens at Thursday open circle.") == 1
    assert listed.count("6:00 PM, 90 minutes · Room A") == 4  # four weeks, not all six
    assert AuditEvent.objects.filter(
        target_type="portal.meetings", participant_id=groups["pat"].id
    ).exists()


def test_a_group_session_calendar_file_says_group_session_and_the_place(groups, client_for) -> None:
    pat = client_for("pat")
    response = pat.get(f"{PAGE}group/{groups['open'].id}/calendar.ics")
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    assert "Thursday open circle" not in body.replace("What happens at Thursday open circle.", "")
    [event] = Calendar.from_ical(response.content).walk("VEVENT")
    assert str(event["SUMMARY"]) == "Group session"
    assert str(event["LOCATION"]) == "Room A"
    assert event.decoded("DTSTART") == groups["open"].starts_at
    assert pat.get(f"{PAGE}group/{groups['mine'].id}/calendar.ics").status_code == 200
    assert pat.get(f"{PAGE}group/{groups['closed'].id}/calendar.ics").status_code == 404
    # Another program's participant, or staff, cannot fetch it.
    assert client_for("rio").get(f"{PAGE}group/{groups['open'].id}/calendar.ics").status_code in (
        403,
        404,
    )


def test_community_meetings_from_the_directory_repeat_weekly_in_the_programs_zone(
    demo, client_for
) -> None:
    harbor = demo.organizations["harbor"]
    directory_demo.seed(harbor, anchor=timezone.localdate())
    meetings = list(
        Service.objects.of(harbor).active().filter(need=Need.MUTUAL_AID).order_by("name_sort")
    )
    assert meetings
    pat = client_for("pat")
    listed = _ids(pat.get(PAGE).content.decode(), "community-meetings")
    for meeting in meetings:
        assert meeting.name in listed
    meeting = meetings[0]
    response = pat.get(f"{PAGE}meeting/{meeting.id}/calendar.ics")
    calendar = Calendar.from_ical(response.content)
    events = calendar.walk("VEVENT")
    assert len(events) == meeting.schedules.count()
    for event in events:
        assert str(event["SUMMARY"]) == "Meeting"
        assert str(event["DESCRIPTION"]) == meeting.name
        assert "FREQ=WEEKLY;" in str(event.to_ical())
        starts = event.decoded("DTSTART")
        assert str(starts.tzinfo) == harbor.time_zone
        assert starts.date() >= timezone.localdate()
    assert calendar.walk("VTIMEZONE"), "the zone travels with the file"
    food = Service.objects.of(harbor).filter(need=Need.FOOD).first()
    assert food is not None
    assert pat.get(f"{PAGE}meeting/{food.id}/calendar.ics").status_code == 404


def test_staff_choose_what_participants_see_about_a_group(groups, client_for) -> None:
    group = groups["closed"].group
    ana = client_for("ana")
    page = f"/groups/{group.id}/for-participants/"
    assert ana.get(page).status_code == 200
    saved = ana.post(
        page, {"about": "Bring a friend if you like.", "open_to_participants": "on"}, follow=True
    )
    assert "Saved what participants see about this group." in saved.content.decode()
    group.refresh_from_db()
    assert group.open_to_participants and group.about == "Bring a friend if you like."
    target = Target.of(group)
    changed = AuditEvent.objects.filter(target_type=target.type, target_id=target.id)
    assert any(
        set(event.changed_fields or []) == {"about", "open_to_participants"} for event in changed
    )
    assert "Reentry group" in _ids(client_for("pat").get(PAGE).content.decode(), "group-sessions")
    assert client_for("rio").get(page).status_code == 404
