"""Reminders of group sessions: each member who chose text reminders (and did not leave groups
out) gets one, saying only that their group meets and when; joining or leaving the group plans
or drops theirs; someone who left by the time it is due gets nothing."""

from datetime import time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from appointments.models import Reminder, ReminderChoice, ReminderLead, ReminderState, ReminderWay
from appointments.reminder_services import (
    TextingHours,
    save_reminder_choice,
    send_due_reminders,
)
from appointments.services import Repeat, book_appointment, local_start
from cairn.demo import DemoWorld
from groups.models import Group, GroupMember
from groups.services import add_member, remove_member
from lib import sms
from organizations.models import Membership
from participants.models import Participant


@pytest.fixture
def ana(demo: DemoWorld) -> Membership:
    return Membership.objects.select_related("organization", "user").get(user__username="ana")


def _choose(ana: Membership, person: Participant, *, groups: bool = True) -> None:
    save_reminder_choice(
        acting=ana,
        participant=person,
        wanted=True,
        lead=ReminderLead.DAY_BEFORE,
        way=ReminderWay.TEXT,
        groups=groups,
        hours=TextingHours(opens=None, closes=None),
    )


@pytest.fixture
def circle(ana: Membership) -> dict[str, object]:
    """Pat (who chose text reminders) and another member (who chose nothing) in a group meeting
    weekly from three days on, three times."""
    pat = Participant.objects.get(user__username="pat")
    other = Participant.objects.filter(organization=ana.organization).exclude(pk=pat.pk).first()
    assert other is not None
    _choose(ana, pat)
    group = Group.objects.create(
        organization=ana.organization, name="Thursday circle", facilitator=ana.user
    )
    for person in (pat, other):
        GroupMember.objects.create(organization=ana.organization, group=group, participant=person)
    first = book_appointment(
        acting=ana,
        group=group,
        starts_at=local_start(
            organization_zone=ana.organization.time_zone,
            day=timezone.localdate() + timedelta(days=3),
            at=time(18),
        ),
        duration_minutes=90,
        place="Harbor center, big room",
        repeat=Repeat(every_weeks=1, count=3),
    )
    return {"pat": pat, "other": other, "group": group, "first": first}


def _waiting(person: Participant) -> list[Reminder]:
    return list(Reminder.objects.filter(participant=person, state=ReminderState.QUEUED))


def test_each_member_who_chose_texts_gets_one_that_names_nothing(ana, circle) -> None:
    pat, other = circle["pat"], circle["other"]
    assert len(_waiting(pat)) == 3  # one per session
    assert _waiting(other) == []  # no choice made: nothing is texted
    first = min(_waiting(pat), key=lambda r: r.send_at)
    assert send_due_reminders(now=first.send_at).sent == 1
    [message] = sms.outbox
    assert message.to == pat.phone
    assert message.body.startswith("Reminder: your group meets ")
    for secret in ("Thursday circle", "Harbor", "big room", "Pat"):
        assert secret not in message.body


def test_leaving_groups_out_drops_their_group_reminders(ana, circle) -> None:
    pat = circle["pat"]
    _choose(ana, pat, groups=False)
    assert _waiting(pat) == []
    _choose(ana, pat, groups=True)
    assert len(_waiting(pat)) == 3


def test_joining_plans_and_leaving_drops_and_a_late_leaver_gets_nothing(ana, circle) -> None:
    group, pat = circle["group"], circle["pat"]
    newcomer = (
        Participant.objects.filter(organization=ana.organization)
        .exclude(pk__in=[pat.pk, circle["other"].pk])
        .first()
    )
    assert newcomer is not None
    _choose(ana, newcomer)
    assert _waiting(newcomer) == []
    add_member(acting=ana, group=group, participant=newcomer)
    assert len(_waiting(newcomer)) == 3
    remove_member(acting=ana, group=group, participant=newcomer)
    assert _waiting(newcomer) == []
    # Pat leaves without the hook (a direct delete): the due reminder is not sent.
    GroupMember.objects.filter(group=group, participant=pat).delete()
    first = min(_waiting(pat), key=lambda r: r.send_at)
    assert send_due_reminders(now=first.send_at).sent == 0
    first.refresh_from_db()
    assert first.state == ReminderState.CANCELLED and sms.outbox == []


def test_the_choice_page_records_group_sessions_too(ana, circle, client_for) -> None:
    pat = circle["pat"]
    response = client_for("ana").post(
        f"/appointments/reminders/{pat.id}/",
        {"wanted": "yes", "lead": ReminderLead.DAY_BEFORE, "way": ReminderWay.TEXT},
    )
    assert response.status_code == 302
    assert ReminderChoice.objects.get(participant=pat).groups is False
    assert _waiting(pat) == []
    mine = client_for("pat").get("/me/appointments/reminders/").content.decode()
    assert "Remind me of my group&#x27;s sessions too" in mine or "Remind me of my group's" in mine


def test_whether_each_member_is_still_in_the_group_is_asked_once_per_batch(ana, circle) -> None:
    group, pat = circle["group"], circle["pat"]
    textable = Participant.objects.filter(
        organization=ana.organization, texts_stopped_at__isnull=True
    ).exclude(pk__in=[pat.pk, circle["other"].pk])
    members = [p for p in textable if p.may_text() and not p.wants_no_contact][:3]
    assert len(members) == 3
    for person in members:
        _choose(ana, person)
        add_member(acting=ana, group=group, participant=person)
    first_session = min(_waiting(pat), key=lambda r: r.send_at).appointment
    due = list(Reminder.objects.filter(appointment=first_session, state=ReminderState.QUEUED))
    assert len(due) == 4  # Pat and the three who joined
    moment = max(r.send_at for r in due)
    with CaptureQueriesContext(connection) as queries:
        count = send_due_reminders(now=moment)
    assert count.sent == 4 and len(sms.outbox) == 4
    table = GroupMember._meta.db_table
    asked = [q["sql"] for q in queries.captured_queries if table in q["sql"]]
    assert len(asked) == 1  # in the claim itself, not once per reminder
    assert "EXISTS" in asked[0].upper()
