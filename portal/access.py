"""The one way a portal page finds whose Cairn it is: the signed-in participant's own record."""

import functools
from collections.abc import Callable
from typing import Any, cast

from django.http import Http404, HttpRequest, HttpResponse

from accounts.models import User
from accounts.sessions import note_participant_choice
from organizations.access import member_required
from organizations.models import Role
from participants.models import Participant
from portal.language import activate_for

ViewFunc = Callable[..., HttpResponse]


def own_participant(request: HttpRequest) -> Participant:
    """The participant record of the signed-in person, in the current organization."""
    cached: Participant | None = getattr(request, "participant", None)
    if cached is not None:
        return cached
    organization = request.organization  # type: ignore[attr-defined]
    participant = (
        Participant.objects.visible_to(request.user, organization)
        .filter(user=cast(User, request.user))
        .select_related("coach", "organization", "portal_preference")
        .first()
    )
    if participant is None:
        raise Http404
    request.participant = participant  # type: ignore[attr-defined]
    preference = getattr(participant, "portal_preference", None)
    note_participant_choice(request, shared_device=bool(preference and preference.shared_device))
    return participant


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
