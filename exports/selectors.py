"""Reads for the export pages: whose data an export may hold, and a disclosure's preview."""

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from accounts.models import AnyUser
from consent.services import matching_consent
from exports.datasets import registry
from exports.services import ExportRequest
from participants.models import Participant

NO_CONSENT = "No active consent covers this recipient, purpose and information."


def exportable_people(*, user: AnyUser, organization: Any) -> QuerySet[Participant]:
    """Managers: the whole organization; supervisors: their team's caseloads (the usual scope)."""
    return Participant.objects.visible_to(user, organization)


@dataclass(frozen=True)
class PreviewLine:
    name: str
    reason: str = ""


def disclosure_preview(
    *, request: ExportRequest, people: QuerySet[Participant]
) -> tuple[list[PreviewLine], list[PreviewLine]]:
    """Who a disclosure would include and who it would leave out (and why), before anything is
    shared: the same consent match the disclosure service applies."""
    categories = list(registry()[request.dataset].consent_categories)
    included: list[PreviewLine] = []
    left_out: list[PreviewLine] = []
    for person in people.order_by("name_sort", "preferred_name", "pk"):
        consent = matching_consent(
            participant=person,
            recipient=request.recipient,
            purpose=request.purpose,
            categories=categories,
        )
        if consent is None:
            left_out.append(PreviewLine(person.preferred_name, NO_CONSENT))
        else:
            included.append(PreviewLine(person.preferred_name))
    return included, left_out
