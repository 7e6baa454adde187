"""Who belongs where: memberships of a user, looked up once per request and cached on the user;
and who has access to participant records."""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lib.prepared import prepared
from organizations.models import (
    AccessChange,
    AccessChangeStatus,
    Membership,
    Organization,
    Role,
    Team,
)

_CACHE_ATTR = "_cairn_active_memberships"


def active_memberships(user: AbstractBaseUser | AnonymousUser) -> list[Membership]:
    """The user's active memberships, newest organization last; cached on the user object."""
    if user is None or not user.is_authenticated:
        return []
    cached: list[Membership] | None = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = _active_memberships.fetch(user_id=user.pk)
        setattr(user, _CACHE_ATTR, cached)
    return cached


@prepared
def _active_memberships(*, user_id: int) -> QuerySet[Membership]:
    """Every page reads them: prepared (lib.prepared)."""
    return (
        Membership.objects.active()
        .filter(user_id=user_id)
        .select_related("organization", "team")
        .order_by("organization__name")
    )


def act_only_as(membership: Membership) -> None:
    """For a request that acts as one membership (an API token's): the user's active
    memberships are that one alone, so nothing the request does reaches another of the user's
    organizations, and the membership already in hand is not looked up again. The caller has
    checked that it and its organization are active."""
    setattr(membership.user, _CACHE_ATTR, [membership])


def membership_in(
    user: AbstractBaseUser | AnonymousUser, organization: Organization | None
) -> Membership | None:
    if organization is None:
        return None
    for membership in active_memberships(user):
        if membership.organization_id == organization.pk:
            return membership
    return None


def role_in(user: AbstractBaseUser | AnonymousUser, organization: Organization | None) -> str:
    membership = membership_in(user, organization)
    return membership.role if membership else ""


# --- who has access: everyone who can open participant records, and changes waiting ---

# Widest reach first, in words a manager reads.
ACCESS_SECTIONS = (
    (Role.MANAGER, _("Program managers: every participant record in the organization")),
    (Role.SUPERVISOR, _("Supervisors: their own caseload and their team's caseloads")),
    (Role.COACH, _("Peer recovery coaches: their own caseload")),
)


@dataclass(frozen=True)
class WaitingChange:
    change: AccessChange
    asked_by_you: bool
    for_you: bool

    @property
    def you_may_approve(self) -> bool:
        return not (self.asked_by_you or self.for_you)


@dataclass(frozen=True)
class AccessSection:
    role: str
    heading: str
    members: list[Membership]


def access_overview(*, viewer: Membership) -> dict[str, Any]:
    """The Who has access page: people with participant access by role and team, changes
    waiting for approval (and whether the viewer may decide each), and the last month's
    decisions."""
    organization = viewer.organization
    members = list(
        Membership.objects.active()
        .in_organization(organization)
        .filter(role__in=Role.with_participant_access())
        .select_related("user", "team")
        .order_by("team__name", "user__username")
    )
    changes = AccessChange.objects.in_organization(organization).select_related(
        "membership__user", "team", "from_team", "asked_by", "decided_by"
    )
    waiting = [
        WaitingChange(
            change=change,
            asked_by_you=change.asked_by_id == viewer.user_id,
            for_you=change.membership.user_id == viewer.user_id,
        )
        for change in changes.waiting().order_by("asked_at")
    ]
    since = timezone.now() - timedelta(days=30)
    decided = list(
        changes.exclude(status=AccessChangeStatus.WAITING).filter(decided_at__gte=since)[:25]
    )
    return {
        "sections": [
            AccessSection(
                role=role, heading=str(heading), members=[m for m in members if m.role == role]
            )
            for role, heading in ACCESS_SECTIONS
        ],
        "waiting": waiting,
        "decided": decided,
        "with_access": len(members),
    }


# --- a supervisor's own team, read-only ---


def supervised_teams(membership: Membership) -> "QuerySet[Team]":
    """The teams this member supervises: a supervisor's own team, nothing for anyone else."""
    if membership.role != Role.SUPERVISOR or membership.team_id is None:
        return Team.objects.none()
    return Team.objects.filter(organization=membership.organization, id=membership.team_id)


def team_members(team: Team) -> list[Membership]:
    """Everyone active on the team, supervisors first, then coaches by name."""
    return list(
        Membership.objects.active()
        .filter(organization_id=team.organization_id, team=team)
        .exclude(role=Role.PARTICIPANT)
        .select_related("user")
        .order_by("-role", "user__preferred_name", "user__username")
    )
