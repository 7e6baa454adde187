"""The one way a portal page finds whose Cairn it is: the signed-in participant's own record."""

import functools
from collections.abc import Callable
from datetime import datetime
from typing import Any
from uuid import UUID

from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse

from accounts.sessions import note_participant_choice
from lib.prepared import prepared
from organizations.access import member_required
from organizations.models import Role
from organizations.selectors import membership_in
from participants.models import MemberScope, Participant
from portal.language import activate_for

ViewFunc = Callable[..., HttpResponse]


def own_participant(request: HttpRequest) -> Participant:
    """The participant record of the signed-in person, in the current organization."""
    cached: Participant | None = getattr(request, "participant", None)
    if cached is not None:
        return cached
    membership = membership_in(request.user, request.organization)  # type: ignore[attr-defined]
    if membership is None:
        raise Http404
    found = _own_record.fetch(**MemberScope.of(membership).values())
    if not found:
        raise Http404
    participant = found[0]
    request.participant = participant  # type: ignore[attr-defined]
    preference = getattr(participant, "portal_preference", None)
    note_participant_choice(request, shared_device=bool(preference and preference.shared_device))
    return participant


@prepared
def _own_record(
    *, organization_id: int, user_id: int, role: str, team_id: UUID | None, now: datetime
) -> QuerySet[Participant]:
    """Every portal page opens it: prepared (lib.prepared)."""
    return (
        Participant.objects.visible_to_member(
            organization_id=organization_id, user_id=user_id, role=role, team_id=team_id, now=now
        )
        .filter(user_id=user_id)
        .select_related("coach", "organization", "portal_preference")
        .order_by("name_sort", "preferred_name", "pk")[:1]
    )


def participant_required(view: ViewFunc) -> ViewFunc:
    """A portal page: a signed-in participant, whose own record is loaded as `request.participant`.
    Everything a portal view shows is reached from that record, so no other person's id is
    ever looked up from the URL without going through it."""

    @member_required(Role.PARTICIPANT)
    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # The participant's own language for the whole page, Help now bar and errors included.
        activate_for(request, own_participant(request))
        return view(request, *args, **kwargs)

    return wrapped
