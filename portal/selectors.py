"""Reads for portal pages, always starting from the participant's own record."""

from datetime import date
from typing import Any
from uuid import UUID

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from accounts.models import AnyUser
from assessments.suprt import portal_invitation
from consent.models import Consent
from encounters.models import CheckInSchedule
from encounters.selectors import BRIEF_PARTICIPANT
from lib.prepared import prepared
from organizations.models import Membership
from participants.models import Participant
from participants.selectors import own_open_caseload_of
from plans.models import Goal, GoalStatus
from plans.selectors import latest_milestones
from portal.models import CallRequest, PortalPreference
from portal.plan.selectors import check_in_panel

# The home card shows each goal in their words and its steps; the rest is on the plan page.
GOAL_TEXT_NOT_SHOWN = ("coach_summary", "why_it_matters", "supports")


# The portal home's reads are prepared (lib.prepared): it is the page people open most.
@prepared
def _running_schedules(*, organization_id: int, participant_id: UUID) -> QuerySet[CheckInSchedule]:
    return CheckInSchedule.objects.filter(
        organization_id=organization_id,
        participant_id=participant_id,
        ended_on__isnull=True,
        paused=False,
    )


@prepared
def _to_sign(*, organization_id: int, participant_id: UUID) -> QuerySet[Consent]:
    return Consent.objects.waiting().filter(
        organization_id=organization_id, participant_id=participant_id
    )


def home_page(*, participant: Participant, today: date) -> dict[str, Any]:
    ids = {"organization_id": participant.organization_id, "participant_id": participant.id}
    schedules = _running_schedules.fetch(**ids)
    return {
        "participant": participant,
        "next_contact_on": participant.next_contact_on
        if participant.next_contact_on and participant.next_contact_on >= today
        else None,
        "schedules": schedules,
        "goals": list(
            Goal.objects.filter(participant=participant, removed_at__isnull=True)
            .exclude(status=GoalStatus.SET_ASIDE)
            .defer(*GOAL_TEXT_NOT_SHOWN)  # never shown here, so never decrypted
            .prefetch_related("steps")[:6]
        ),
        "milestones": latest_milestones(participant.id),
        "consents_to_sign": _to_sign.fetch(**ids),
        "today": today,
        **check_in_panel(participant=participant, today=today),
        "suprt_window": portal_invitation(participant=participant, today=today),
    }


@prepared
def _waiting_calls(*, organization_id: int, user_id: int) -> QuerySet[CallRequest]:
    people = own_open_caseload_of(user_id=user_id, organization_id=organization_id)
    return (
        CallRequest.objects.filter(
            organization_id=organization_id,
            handled_at__isnull=True,
            participant__in=people.values("id"),
        )
        .select_related("participant")
        .defer(*BRIEF_PARTICIPANT)
        .order_by("created_at")[:50]
    )


def call_requests_for_today(*, membership: Membership, today: date) -> list[Any]:
    """Calls the coach's own people asked for from their own Cairn, still waiting, oldest first
    (prepared)."""
    return _waiting_calls.fetch(
        organization_id=membership.organization_id, user_id=membership.user_id
    )


def chose_shared_device(user: AnyUser) -> bool:
    """The signed-in participant said in their portal settings that their device is shared."""
    if isinstance(user, AnonymousUser):
        return False
    return PortalPreference.objects.filter(participant__user=user, shared_device=True).exists()
