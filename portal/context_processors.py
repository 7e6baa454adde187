"""What every portal page needs for its frame: the discreet-title choice and the quick exit."""

from typing import Any, cast

from django.conf import settings
from django.http import HttpRequest

from accounts.models import User
from accounts.sessions import is_shared_device
from organizations.models import Role
from portal.models import PortalPreference


def portal_frame(request: HttpRequest) -> dict[str, Any]:
    membership = getattr(request, "membership", None)
    if membership is None or membership.role != Role.PARTICIPANT:
        return {}
    preference = (
        PortalPreference.objects.filter(participant__user=cast(User, request.user))
        .only("discreet_title", "shared_device", "language")
        .first()
    )
    return {
        "portal_preference": preference,
        # On a shared phone or computer the plain title is used whatever the setting says.
        "discreet_title": bool(preference and preference.discreet_title)
        or is_shared_device(request),
        "quick_exit_url": settings.CAIRN_QUICK_EXIT_URL,
    }
