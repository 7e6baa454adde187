"""The one lookup every app uses to open a participant's record, or anything that belongs to one,
from a request: scoped by the participant rule, 404 (audited) outside it, emergency use flagged."""

import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Any, TypeVar, cast

from django.db.models import Model, QuerySet
from django.http import HttpRequest

from audit.services import Target, record_page_view
from lib.prepared import prepared
from organizations.access import acting_membership, refuse, visible_or_404
from participants.models import MemberScope, Participant
from participants.owned import ParticipantOwnedQuerySet, owner_of, owner_path
from participants.services import flag_emergency_use

M = TypeVar("M", bound=Model)


@prepared
def _visible_participant(
    *,
    organization_id: int,
    user_id: int,
    role: str,
    team_id: uuid.UUID | None,
    now: datetime,
    participant_id: uuid.UUID,
) -> QuerySet[Participant]:
    scoped = Participant.objects.visible_to_member(
        organization_id=organization_id, user_id=user_id, role=role, team_id=team_id, now=now
    )
    return scoped.select_related("coach", "secondary_coach", "no_contact_recorded_by").filter(
        id=participant_id
    )


def participant_or_404(request: HttpRequest, participant_id: object) -> Participant:
    """The participant if this member may see them (404 otherwise, audited); a record opened
    under emergency access is flagged in the audit trail, whichever app's page opens it. Every
    participant page opens its record here, so the query is prepared (compiled once)."""
    membership = acting_membership(request)
    try:
        wanted = uuid.UUID(str(participant_id))
    except ValueError:
        refuse(request, Participant, {"id": participant_id})
    found = _visible_participant.fetch(**MemberScope.of(membership).values(), participant_id=wanted)
    if not found:
        refuse(request, Participant, {"id": wanted})
    participant: Participant = found[0]
    flag_emergency_use(acting=membership, participant=participant, path=request.path)
    return participant


def owned_or_404(
    request: HttpRequest,
    model: type[M],
    *,
    related: Iterable[str] = (),
    viewed: bool = False,
    **lookup: Any,
) -> M:
    """A row that belongs to a participant (a note, goal, consent, assessment...), opened the one
    way: scoped through `visible_to` (the participant rule), 404 with the refused-access event
    when out of scope, emergency use flagged as for the record itself, and, with `viewed`, the
    page's view event naming the participant. The row comes with its participant loaded, plus
    the `related` rows the page shows."""
    membership = acting_membership(request)
    rows = cast(ParticipantOwnedQuerySet[M], model._default_manager.all())
    scoped = rows.visible_to(request.user, membership.organization)
    obj = visible_or_404(scoped.select_related(owner_path(model), *related), request, **lookup)
    participant = owner_of(obj)
    flag_emergency_use(acting=membership, participant=participant, path=request.path)
    if viewed:
        record_page_view(request=request, target=Target.of(obj), participant_id=participant.id)
    return obj
