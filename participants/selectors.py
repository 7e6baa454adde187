"""Reading participants: the caseload list with its search, filter and sort."""

from typing import Any

from organizations.models import Organization
from participants.models import Participant, ParticipantQuerySet, ParticipantStatus

SORTS = {
    "name": ("preferred_name", "id"),
    "-name": ("-preferred_name", "-id"),
    "enrolled": ("enrolled_on", "preferred_name"),
    "-enrolled": ("-enrolled_on", "preferred_name"),
}


def caseload(
    *,
    user: Any,
    organization: Organization | None,
    query: str = "",
    status: str = "",
    sort: str = "name",
) -> ParticipantQuerySet:
    participants = Participant.objects.visible_to(user, organization).search(query)
    if status in ParticipantStatus.values:
        participants = participants.filter(status=status)
    return participants.select_related("coach").order_by(*SORTS.get(sort, SORTS["name"]))
