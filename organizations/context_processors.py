"""Template access to the current organization, membership and role."""

from typing import Any

from django.http import HttpRequest


def current_organization(request: HttpRequest) -> dict[str, Any]:
    membership = getattr(request, "membership", None)
    return {
        "current_organization": getattr(request, "organization", None),
        "current_membership": membership,
        "current_role": membership.role if membership else "",
        "other_memberships": [
            m for m in getattr(request, "memberships", []) if membership is None or m != membership
        ],
    }
