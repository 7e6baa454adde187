"""The demo's appointments: ana's week (Pat on Thursday among them, with a text reminder the
day before, in Pat's evening texting hours), a weekly group session, and a missed appointment
yesterday that Today turns into a gentle follow-up."""

from datetime import date, datetime, time, timedelta

from appointments.models import Appointment, Mode, ReminderLead, ReminderWay, Status
from appointments.reminder_services import TextingHours, save_reminder_choice
from appointments.services import Repeat, book_appointment, local_start, record_outcome
from groups.models import Group, GroupMember
from organizations.models import Membership, Organization
from participants.models import Participant, ParticipantStatus


def seed(harbor: Organization, *, anchor: date) -> None:
    if Appointment.objects.filter(organization=harbor).exists():
        return
    ana = Membership.objects.select_related("organization", "user").get(
        organization=harbor, user__username="ana"
    )
    zone = harbor.time_zone
    monday = anchor - timedelta(days=anchor.weekday())
    pat = Participant.objects.get(organization=harbor, user__username="pat")
    others = list(
        Participant.objects.filter(
            organization=harbor, coach=ana.user, status__in=ParticipantStatus.open()
        )
        .exclude(pk=pat.pk)
        .order_by("last_contact_on", "preferred_name")[:4]
    )

    def at(day: date, hour: int, minute: int = 0) -> datetime:
        return local_start(organization_zone=zone, day=day, at=time(hour, minute))

    # Pat's safe time is "weekday evenings after 6": texts from 6 to 9 PM, so the reminder due
    # Wednesday at 11 AM waits for 6 PM.
    save_reminder_choice(
        acting=ana,
        participant=pat,
        wanted=True,
        lead=ReminderLead.DAY_BEFORE,
        way=ReminderWay.TEXT,
        hours=TextingHours(opens=time(18), closes=time(21)),
    )
    book_appointment(
        acting=ana,
        participant=pat,
        # The coming Thursday (this week's, or next week's once it has passed).
        starts_at=at(anchor + timedelta(days=(3 - anchor.weekday()) % 7), 11),
        duration_minutes=45,
        mode=Mode.IN_PERSON,
        place="Harbor center, room 2",
    )
    plan = [(1, 10, Mode.PHONE, ""), (4, 14, Mode.VIDEO, "")]
    for person, (weekday, hour, mode, place) in zip(others[1:], plan, strict=False):
        book_appointment(
            acting=ana,
            participant=person,
            starts_at=at(monday + timedelta(days=weekday), hour, 30),
            duration_minutes=30,
            mode=mode,
            place=place,
        )
    group = Group.objects.create(
        organization=harbor,
        name="Wednesday recovery circle",
        facilitator=ana.user,
        meets="Wednesdays, 6 to 7:30 pm",
        open_to_participants=True,
        about=(
            "People in recovery meeting each week to share what helps. Come as you are; you "
            "can listen without speaking. Coffee and tea are there."
        ),
    )
    for person in [pat, *others[:2]]:
        GroupMember.objects.create(organization=harbor, group=group, participant=person)
    book_appointment(
        acting=ana,
        group=group,
        starts_at=at(monday + timedelta(days=2), 18),
        duration_minutes=90,
        mode=Mode.IN_PERSON,
        place="Harbor center, big room",
        repeat=Repeat(every_weeks=1, count=8),
    )
    if others:
        missed = book_appointment(
            acting=ana,
            participant=others[0],
            starts_at=at(anchor - timedelta(days=1), 15),
            duration_minutes=30,
            mode=Mode.PHONE,
        )
        record_outcome(
            acting=ana, appointment=missed, status=Status.NO_SHOW, expected_version=missed.version
        )
