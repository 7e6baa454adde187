"""Each request acts in one current organization, chosen among the user's active memberships."""

from collections.abc import Callable
from zoneinfo import ZoneInfo

from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation

from lib.when import clock_override
from organizations.models import Role
from organizations.selectors import active_memberships

SESSION_KEY = "cairn_current_org"


class CurrentOrganizationMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        memberships = active_memberships(request.user)
        current = None
        wanted = request.session.get(SESSION_KEY) if memberships else None
        for membership in memberships:
            if membership.organization_id == wanted:
                current = membership
                break
        if current is None and memberships:
            current = memberships[0]
        request.memberships = memberships  # type: ignore[attr-defined]
        request.membership = current  # type: ignore[attr-defined]
        request.organization = current.organization if current else None  # type: ignore[attr-defined]
        if current is None:
            return self.get_response(request)
        # Times are stored in UTC and shown (and typed) in the organization's own zone and clock.
        organization = current.organization
        if current.role == Role.PARTICIPANT:
            # The portal follows the participant's own choice (portal.language).
            language = translation.get_language()
        else:
            # Staff pages: the person's own choice, else the organization's.
            language = getattr(request.user, "language", "") or organization.staff_language
            request.LANGUAGE_CODE = language
        with (
            timezone.override(ZoneInfo(organization.time_zone)),
            clock_override(organization.clock),
            translation.override(language),
        ):
            return self.get_response(request)
