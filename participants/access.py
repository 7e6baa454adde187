"""The one lookup every app uses to open a participant's record from a request."""

from django.http import HttpRequest

from organizations.access import acting_membership, visible_or_404
from participants.models import Participant
from participants.services import flag_emergency_use


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
