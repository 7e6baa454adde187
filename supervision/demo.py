"""The tour's supervision: Sam met Ana for an hour two weeks ago (self-care and boundaries) and
they agreed two actions, and Ana's peer certification ends in 30 days."""

from datetime import date, timedelta

from organizations.models import Membership, Organization, Role
from supervision.models import (
    AgreedAction,
    Credential,
    Kind,
    Mode,
    Owner,
    SupervisionSession,
    Topic,
)
from supervision.services import ensure_topics


def seed(harbor: Organization, *, anchor: date) -> None:
    sam = Membership.objects.filter(
        organization=harbor, user__username="sam", role=Role.SUPERVISOR
    ).first()
    ana = Membership.objects.filter(organization=harbor, user__username="ana").first()
    if (
        sam is None
        or ana is None
        or SupervisionSession.objects.filter(organization=harbor).exists()
    ):
        return
    ensure_topics(harbor)
    session = SupervisionSession.objects.create(
        organization=harbor,
        supervisor=sam.user,
        held_on=anchor - timedelta(days=14),
        minutes=60,
        kind=Kind.INDIVIDUAL,
        mode=Mode.IN_PERSON,
        notes="Talked about a hard week with two people in crisis; Ana will block Friday "
        "afternoons for notes and a walk.",
    )
    session.coaches.set([ana.user])
    session.topics.set(
        Topic.objects.filter(organization=harbor, name__in=["Self-care", "Ethics and boundaries"])
    )
    for owner, text, due_on in (
        (Owner.COACH, "Block Friday afternoons for notes and a walk.", anchor + timedelta(days=3)),
        (Owner.SUPERVISOR, "Find Ana a training on grief and loss.", None),
    ):
        AgreedAction.objects.create(
            organization=harbor,
            session=session,
            coach=ana.user,
            owner=owner,
            text=text,
            due_on=due_on,
            created_by=sam.user,
        )
    # Ana's peer certification comes up for renewal in 30 days: it is on Mia's list.
    Credential.objects.create(
        organization=harbor,
        holder=ana.user,
        name="Certified Peer Recovery Specialist",
        number="CPRS-20417",
        issued_by="State Certification Board",
        issued_on=anchor - timedelta(days=700),
        expires_on=anchor + timedelta(days=30),
    )
