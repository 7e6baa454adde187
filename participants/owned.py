"""What belongs to a participant: one scoping rule for every row a participant owns."""

import functools
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Self, TypeVar

from django.db import models
from django.utils import timezone

from accounts.models import AnyUser
from organizations.models import Membership, Organization
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


@dataclass(frozen=True)
class MemberScope:
    """What the participant rule needs to know of a member, as plain values, so a query scoped
    by it can be prepared (lib.prepared): `MemberScope.of(membership).values()`."""

    organization_id: int
    user_id: int
    role: str
    team_id: uuid.UUID | None
    now: datetime

    @classmethod
    def of(cls, membership: Membership) -> "MemberScope":
        return cls(
            organization_id=membership.organization_id,
            user_id=membership.user_id,
            role=membership.role,
            team_id=membership.team_id,
            now=timezone.now(),
        )

    def values(self) -> dict[str, Any]:
        return {
            "organization_id": self.organization_id,
            "user_id": self.user_id,
            "role": self.role,
            "team_id": self.team_id,
            "now": self.now,
        }


class MemberScoped:
    """`visible_to(user, organization)` for a queryset that defines `visible_to_member` from a
    `MemberScope`: the one way from a signed-in member to the rule, for participants and for
    the rows they own alike."""

    def visible_to(self, user: AnyUser, organization: Organization | None) -> Self:
        membership = membership_in(user, organization)
        if membership is None:
            return self.none()  # type: ignore[attr-defined]
        return self.visible_to_member(  # type: ignore[attr-defined]
            **MemberScope.of(membership).values()
        )


class ParticipantOwnedQuerySet(MemberScoped, models.QuerySet[_M]):
    """Rows that belong to a participant. Who may see them is the participant rule and nothing
    else: `Participant.objects.visible_to` decides, through the owning participant."""

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
