"""The tour's reach-out history: two signals for Ana's people in the last weeks, one she
answered in 18 minutes and one that waited 52 minutes and was answered by Sam, so the figures
show a median, a 90th percentile and one that waited too long. Ben is on call for their team
through the coming week (day by day, 9 AM to 9 AM), so a signal Ana has not answered in time
reaches his Today."""

import uuid
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from organizations.models import Membership, Organization
from participants.models import Participant
from reachout.models import OnCallShift, Reason, Response, Signal, Source

NAMESPACE = uuid.UUID("6f1d3c1e-7a51-4bd5-9b64-3f0b5e2c9a10")


def seed(harbor: Organization, *, anchor: date) -> None:
    seed_rota(harbor, anchor=anchor)
    ana = Membership.objects.filter(organization=harbor, user__username="ana").first()
    sam = Membership.objects.filter(organization=harbor, user__username="sam").first()
    if ana is None or sam is None:
        return
    people = list(
        Participant.objects.filter(organization=harbor, coach=ana.user)
        .exclude(user__username="pat")
        .order_by("preferred_name")[:2]
    )
    zone = ZoneInfo(harbor.time_zone)
    plan = [
        (10, time(15, 40), 18, ana, Response.REACHED, [Reason.NOT_SUPPORTED]),
        (4, time(19, 5), 52, sam, Response.LEFT_MESSAGE, [Reason.HARD_DAY_AND_URGES]),
    ]
    for person, (days_ago, at, minutes, who, response, reasons) in zip(people, plan, strict=False):
        source_id = uuid.uuid5(NAMESPACE, f"{person.pk}-{days_ago}")
        if Signal.objects.filter(source=Source.CHECK_IN, source_id=source_id).exists():
            continue
        raised = datetime.combine(anchor - timedelta(days=days_ago), at, tzinfo=zone)
        Signal.objects.create(
            organization=harbor,
            participant=person,
            source=Source.CHECK_IN,
            source_id=source_id,
            reasons=[str(r) for r in reasons],
            raised_at=raised,
            acknowledged_at=raised + timedelta(minutes=minutes),
            acknowledged_by=who.user,
            response=response,
        )


def seed_rota(harbor: Organization, *, anchor: date) -> None:
    ben = Membership.objects.filter(organization=harbor, user__username="ben").first()
    mia = Membership.objects.filter(organization=harbor, user__username="mia").first()
    if ben is None or mia is None or ben.team_id is None:
        return
    if OnCallShift.objects.filter(organization=harbor, person=ben.user).exists():
        return
    zone = ZoneInfo(harbor.time_zone)
    for day in range(-1, 7):
        start = datetime.combine(anchor + timedelta(days=day), time(9), tzinfo=zone)
        end = datetime.combine(anchor + timedelta(days=day + 1), time(9), tzinfo=zone)
        OnCallShift.objects.create(
            organization=harbor,
            team_id=ben.team_id,
            person=ben.user,
            starts_at=start,
            ends_at=end,
            created_by=mia.user,
        )
