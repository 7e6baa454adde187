"""The tour's supervision: Sam met Ana for an hour two weeks ago (self-care and boundaries)."""

from datetime import date, timedelta

from organizations.models import Membership, Organization, Role
from supervision.models import Kind, Mode, SupervisionSession, Topic
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
