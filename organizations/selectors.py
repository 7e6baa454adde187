"""Who belongs where: memberships of a user, looked up once per request and cached on the user."""

from typing import Any

from organizations.models import Membership, Organization

_CACHE_ATTR = "_cairn_active_memberships"


def active_memberships(user: Any) -> list[Membership]:
    """The user's active memberships, newest organization last; cached on the user object."""
    if user is None or not user.is_authenticated:
        return []
    cached: list[Membership] | None = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = list(
            Membership.objects.active()
            .filter(user=user)
            .select_related("organization", "team")
            .order_by("organization__name")
        )
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget_memberships(user: Any) -> None:
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def membership_in(user: Any, organization: Organization | None) -> Membership | None:
    if organization is None:
        return None
    for membership in active_memberships(user):
        if membership.organization_id == organization.pk:
            return membership
    return None


def role_in(user: Any, organization: Organization | None) -> str:
    membership = membership_in(user, organization)
    return membership.role if membership else ""
