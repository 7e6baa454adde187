"""Reads for portal pages, always starting from the participant's own record."""

from datetime import date
from typing import Any

from consent.models import Consent
from encounters.models import CheckInSchedule
from participants.models import Participant
from plans.models import Goal, GoalStatus, Milestone
from portal.plan_selectors import check_in_panel


def home_page(*, participant: Participant, today: date) -> dict[str, Any]:
    schedules = list(
        CheckInSchedule.objects.filter(participant=participant, ended_on__isnull=True, paused=False)
    )
    return {
        "participant": participant,
        "next_contact_on": participant.next_contact_on
        if participant.next_contact_on and participant.next_contact_on >= today
        else None,
        "schedules": schedules,
        "goals": list(
            Goal.objects.filter(participant=participant, removed_at__isnull=True)
            .exclude(status=GoalStatus.SET_ASIDE)
            .prefetch_related("steps")[:6]
        ),
        "milestones": list(Milestone.objects.filter(participant=participant)[:3]),
        "consents_to_sign": list(
            Consent.objects.waiting().filter(
                organization_id=participant.organization_id, participant=participant
            )
        ),
        "today": today,
        **check_in_panel(participant=participant, today=today),
    }
