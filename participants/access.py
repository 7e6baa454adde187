"""The one lookup every app uses to open a participant's record, or anything that belongs to one,
from a request: scoped by the participant rule, 404 (audited) outside it, emergency use flagged."""

from collections.abc import Iterable
from typing import Any, TypeVar, cast

from django.db.models import Model
from django.http import HttpRequest

from audit.services import Target, record_page_view
from organizations.access import acting_membership, visible_or_404
from participants.models import Participant
from participants.owned import ParticipantOwnedQuerySet, owner_of, owner_path
from participants.services import flag_emergency_use

M = TypeVar("M", bound=Model)


def participant_or_404(request: HttpRequest, participant_id: object) -> Participant:
    """The participant if this member may see them (404 otherwise, audited); a record opened
    under emergency access is flagged in the audit trail, whichever app's page opens it."""
    membership = acting_membership(request)
    scoped = Participant.objects.visible_to(request.user, membership.organization)
    participant = visible_or_404(
        scoped.select_related("coach", "secondary_coach", "no_contact_recorded_by"),
        request,
        id=participant_id,
    )
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
