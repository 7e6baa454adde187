"""Demo rows for what Pat asked from their own Cairn: a call request from a check-in that ana
has handled, and a suggested change to a goal that ana has not talked over yet."""

import random
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password

from accounts.models import User
from organizations.models import Membership, Organization, Role
from participants.demo import new_uuid
from participants.models import ContactChannel, Participant, ParticipantStatus
from plans.models import Goal
from portal.models import CallRequest, CallSource, GoalSuggestion, Language, PortalPreference

PAT_SUGGESTION = "Could the step be the Thursday jam? On Fridays I have the kids."


def seed(organizations: Sequence[Organization], *, rng: random.Random, anchor: date) -> int:
    """Only Pat gets portal rows (other demo participants have no portal account); returns the
    number of rows created."""
    pat = (
        Participant.objects.filter(organization__in=organizations, user__username="pat")
        .select_related("organization")
        .first()
    )
    if pat is None or pat.coach_id is None:
        return 0
    zone = ZoneInfo(pat.organization.time_zone)
    # The same day as the check-in where Pat answered "Yes, please" to a call (assessments demo).
    asked = datetime.combine(anchor - timedelta(days=6), time(19, 40), zone)
    CallRequest.objects.create(
        id=new_uuid(rng),
        organization=pat.organization,
        participant=pat,
        source=CallSource.CHECK_IN,
        created_at=asked,
        handled_at=asked + timedelta(hours=14),
        handled_by_id=pat.coach_id,
    )
    created = 1
    # Pat's second goal (playing music again); its step fell on a day Pat has the kids.
    music = (
        Goal.objects.filter(participant=pat, removed_at__isnull=True)
        .order_by("position", "created_at")
        .last()
    )
    if music is not None:
        GoalSuggestion.objects.create(
            id=new_uuid(rng),
            organization=pat.organization,
            participant=pat,
            goal=music,
            text=PAT_SUGGESTION,
            created_at=datetime.combine(anchor - timedelta(days=1), time(21, 5), zone),
        )
        created += 1
    return created


# The tour's Spanish-speaking participant (seed_demo only, like the tour's consents).
LUZ_USERNAME = "luz"


def seed_spanish_speaker(
    organization: Organization, *, anchor: date, password: str
) -> Participant | None:
    """Luz, on ben's caseload, reads her own Cairn in Spanish: a portal account whose saved
    language is Spanish, so the tour (and the demo walk) can see the portal as she does."""
    ben = User.objects.filter(
        username="ben", memberships__organization=organization, memberships__is_active=True
    ).first()
    if ben is None or User.objects.filter(username=LUZ_USERNAME).exists():
        return None
    rng = random.Random(20261204)
    user = User.objects.create(
        username=LUZ_USERNAME,
        first_name="Luz",
        preferred_name="Luz",
        pronouns="ella",
        password=make_password(password),
        public_id=new_uuid(rng),
    )
    Membership.objects.create(organization=organization, user=user, role=Role.PARTICIPANT)
    luz = Participant.objects.create(
        id=new_uuid(rng),
        organization=organization,
        preferred_name="Luz",
        pronouns="ella",
        preferred_language="es",
        needs_interpreter=True,
        contact_channels=[ContactChannel.TEXT],
        phone="+16175550188",
        safe_times="Por la tarde",
        strengths=["Paciente", "Buena madre"],
        interests=["Cocinar"],
        values=["Familia"],
        coach=ben,
        user=user,
        status=ParticipantStatus.ACTIVE,
        enrolled_on=anchor - timedelta(days=40),
        status_since=anchor - timedelta(days=40),
        last_contact_on=anchor - timedelta(days=5),
        next_contact_on=anchor + timedelta(days=2),
    )
    PortalPreference.objects.create(participant=luz, language=Language.SPANISH)
    return luz
