"""What every portal page needs for its frame: the discreet-title choice, the quick exit and
the people to call from Help now."""

from typing import Any, cast

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest

from accounts.models import User
from accounts.sessions import is_shared_device
from lib.prepared import prepared
from organizations.models import Role
from portal.models import PortalPreference
from safety.content import PlanContent
from safety.models import SafetyPlanVersion

HELP_PEOPLE_SHOWN = 5


def portal_frame(request: HttpRequest) -> dict[str, Any]:
    membership = getattr(request, "membership", None)
    if membership is None or membership.role != Role.PARTICIPANT:
        return {}
    participant = getattr(request, "participant", None)
    if participant is not None:  # a portal page loaded it with the preference joined
        preference = getattr(participant, "portal_preference", None)
    else:
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
        "help_people": help_people(request, membership.organization_id),
    }


@prepared
def _newest_plan_version(*, organization_id: int, user_id: int) -> QuerySet[SafetyPlanVersion]:
    """Read on every portal page (the Help now bar): prepared (lib.prepared)."""
    return (
        SafetyPlanVersion.objects.filter(
            organization_id=organization_id, plan__participant__user_id=user_id
        )
        .order_by("-plan__updated_at", "-number")
        .only("content")[:1]
    )


def help_people(request: HttpRequest, organization_id: int) -> list[Any]:
    """The people with a phone number in "People I can ask for help" of my current safety plan
    (one query: the newest version of my most recently changed plan)."""
    found = _newest_plan_version.fetch(organization_id=organization_id, user_id=request.user.pk)
    if not found:
        return []
    version = found[0]
    people = PlanContent.from_json(version.content).get("help_people")
    return [person for person in people if person.phone][:HELP_PEOPLE_SHOWN]
