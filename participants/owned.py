"""What belongs to a participant: one scoping rule for every row a participant owns."""

import functools
import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any, Self, TypeVar

from django.db import models

from accounts.models import AnyUser
from organizations.models import Organization
from organizations.selectors import membership_in

if TYPE_CHECKING:
    from participants.models import Participant

_M = TypeVar("_M", bound=models.Model)


def owner_path(model: type[models.Model]) -> str:
    """The lookup from a row to the participant it belongs to (`participant` unless the model
    names another, e.g. `goal__participant` for a step of a goal)."""
    path: str = getattr(model, "participant_path", "participant")
    return path


def owner_of(obj: models.Model) -> "Participant":
    """The participant a row belongs to (loaded with the row when it was opened)."""
    owner: Any = functools.reduce(getattr, owner_path(type(obj)).split("__"), obj)
    return owner


class ParticipantOwnedQuerySet(models.QuerySet[_M]):
    """Rows that belong to a participant. Who may see them is the participant rule and nothing
    else: `Participant.objects.visible_to` decides, through the owning participant."""

    def visible_to(self, user: AnyUser, organization: Organization | None) -> Self:
        # Imported here: the participant app's own rows (support people) use this queryset too.
        from participants.models import MemberScope

        membership = membership_in(user, organization)
        if membership is None:
            return self.none()
        return self.visible_to_member(**MemberScope.of(membership).values())

    def visible_to_member(
        self,
        *,
        organization_id: int,
        user_id: int,
        role: str,
        team_id: uuid.UUID | None,
        now: datetime,
    ) -> Self:
        """`visible_to` for an active member given as plain values (`MemberScope`), so a query
        scoped by it can be prepared (lib.prepared)."""
        from participants.models import Participant  # the module that imports this one

        participants = Participant.objects.visible_to_member(
            organization_id=organization_id, user_id=user_id, role=role, team_id=team_id, now=now
        ).values("id")
        scoped = self.filter(**{f"{owner_path(self.model)}__in": participants})
        if any(field.name == "organization" for field in self.model._meta.concrete_fields):
            # Tenant-owned tables lead their indexes with the organization.
            scoped = scoped.filter(organization_id=organization_id)
        return scoped
