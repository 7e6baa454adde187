"""Demo rows for what Pat asked from their own Cairn: a call request from a check-in that ana
has handled, and a suggested change to a goal that ana has not talked over yet."""

import random
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from organizations.models import Organization
from participants.demo import new_uuid
from participants.models import Participant
from plans.models import Goal
from portal.models import CallRequest, CallSource, GoalSuggestion

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
