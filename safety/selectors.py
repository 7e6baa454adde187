"""Reads for safety plans: the current version, the history, the overview card, crisis lines."""

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.db.models import QuerySet

from lib.prepared import prepared
from organizations.models import Organization
from participants.models import Participant
from safety.content import PlanContent
from safety.models import CrisisLine, SafetyPlan, SafetyPlanVersion


def overview_panel(*, participant: Participant) -> dict[str, Any]:
    """What the participant overview shows about safety (one card, one query)."""
    found = _latest_plan.fetch(
        organization_id=participant.organization_id, participant_id=participant.id
    )
    return {"participant_id": participant.id, "plan": found[0] if found else None}


@prepared
def _latest_plan(*, organization_id: int, participant_id: UUID) -> QuerySet[SafetyPlan]:
    """The overview's read (prepared: every participant page opens it)."""
    return (
        SafetyPlan.objects.filter(organization_id=organization_id, participant_id=participant_id)
        .select_related("updated_by")
        .order_by("-updated_at", "-pk")[:1]
    )


@dataclass(frozen=True)
class CurrentPlan:
    plan: SafetyPlan | None
    version: SafetyPlanVersion | None

    @property
    def number(self) -> int:
        return self.version.number if self.version is not None else 0

    @property
    def content(self) -> PlanContent:
        return self.version.plan_content if self.version is not None else PlanContent()


def current_plan(participant: Participant) -> CurrentPlan:
    plan = (
        SafetyPlan.objects.filter(
            organization_id=participant.organization_id, participant=participant
        )
        .order_by("-updated_at")
        .first()
    )
    if plan is None:
        return CurrentPlan(None, None)
    version = plan.versions.select_related("changed_by").first()
    return CurrentPlan(plan, version)


def versions_of(participant: Participant) -> QuerySet[SafetyPlanVersion]:
    """Every version of every plan the participant has (more than one only after a merge)."""
    return (
        SafetyPlanVersion.objects.filter(
            organization_id=participant.organization_id, plan__participant=participant
        )
        .select_related("changed_by")
        .order_by("-created_at", "-number")
    )


def previous_version(version: SafetyPlanVersion) -> SafetyPlanVersion | None:
    return (
        SafetyPlanVersion.objects.filter(plan_id=version.plan_id, number__lt=version.number)
        .order_by("-number")
        .first()
    )


def crisis_lines(organization: Organization) -> list[CrisisLine]:
    """The organization's local lines in use, shown on every plan and card after 988."""
    return list(CrisisLine.objects.filter(organization=organization, is_active=True))


def crisis_help_lines(organization_id: int | None) -> list[CrisisLine]:
    """The local lines shown with 988 at the foot of pages before sign-in, once the
    organization is known (a code's, or the member's at the second sign-in step)."""
    if organization_id is None:
        return []
    return list(CrisisLine.objects.filter(organization_id=organization_id, is_active=True)[:4])


CARD_LINES = 4  # entries per part that fit a wallet-card panel


def wallet_card_context(participant: Participant, organization: Organization) -> dict[str, Any]:
    """What the printable wallet card shows, the same for the coach's copy and the person's own."""
    current = current_plan(participant)
    content = current.content
    return {
        "participant": participant,
        "current": current,
        "warning_signs": content.get("warning_signs")[:CARD_LINES],
        "coping": content.get("coping")[:CARD_LINES],
        "people": (content.get("help_people") + content.get("distraction_people"))[:CARD_LINES],
        "professionals": content.professionals_without_988()[:2],
        "reasons": content.get("reasons")[:CARD_LINES],
        "crisis_lines": crisis_lines(organization)[:2],
    }
