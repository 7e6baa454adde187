"""Who is asking through FHIR, and the one scoped lookup of a participant for them.

Every FHIR view starts with `resolve_access`: a signed-in staff member's session or an API
token. A service token (another system's) carries the recipient and purpose it discloses to,
and then every participant read goes through `consent.services.disclose`.
"""

import uuid
from dataclasses import dataclass

from django.http import HttpRequest

from accounts.models import User
from api.access import authenticate
from api.disclosure import recipient_token
from audit.models import Action
from audit.services import Target, record_member_action
from organizations.models import Membership, Organization, Role
from participants.models import Participant, ParticipantQuerySet
from participants.services import flag_emergency_use


@dataclass(frozen=True)
class FhirAccess:
    """The caller: the acting membership (every audit event names it) and, for an outside
    party, the recipient and purpose that each read is disclosed to."""

    membership: Membership
    recipient: str = ""
    purpose: str = ""
    # An API token's scopes ("participants:read"); None for a signed-in member, whose role
    # alone decides.
    scopes: frozenset[str] | None = None
    # The API token's row id, for a bulk export that must check the token again when it runs.
    token_id: int | None = None

    def may_read(self, resource_type: str) -> bool:
        """A token reads a FHIR type only with the read scope of the records it is made from."""
        if self.scopes is None:
            return True
        return f"{SCOPE_OF[resource_type]}:read" in self.scopes

    @property
    def organization(self) -> Organization:
        return self.membership.organization

    @property
    def user(self) -> User:
        user: User = self.membership.user
        return user

    @property
    def is_disclosure(self) -> bool:
        """Staff of the organization reading its own records is not a disclosure; a named
        outside recipient is."""
        return bool(self.recipient.strip())

    @property
    def reads_participants(self) -> bool:
        return self.membership.role in Role.with_participant_access()

    @property
    def exports(self) -> bool:
        """Program-wide files are for supervisors and managers, as on the exports page."""
        return self.membership.role in Role.oversight()


# Which of the API's token scopes each FHIR type is read under.
SCOPE_OF = {
    "Patient": "participants",
    "Encounter": "contacts",
    "CarePlan": "plans",
    "Goal": "plans",
    "QuestionnaireResponse": "assessments",
    "Observation": "assessments",
    "Consent": "consents",
    "Questionnaire": "assessments",
}


def resolve_access(request: HttpRequest) -> FhirAccess | None:
    """The caller of a FHIR request, or None when it carries no credentials Cairn accepts: an
    API token (`Authorization: Bearer cairn_…`, checked by `api.access`, which raises
    `TokenRefused` with the reason), or a signed-in staff member's session."""
    if request.headers.get("Authorization"):
        token = authenticate(request)
        outside = recipient_token(request)  # refuses a service token that names no recipient
        return FhirAccess(
            membership=token.membership,
            scopes=token.scopes,
            token_id=token.token.pk,
            recipient=outside.token.recipient if outside else "",
            purpose=outside.token.purpose if outside else "",
        )
    membership: Membership | None = getattr(request, "membership", None)
    if not request.user.is_authenticated or membership is None:
        return None
    if membership.role not in Role.staff():
        return None
    return FhirAccess(membership=membership)


class OutOfScope(Exception):
    """The participant does not exist or the caller may not see them: both answer 404."""


def visible_participants(access: FhirAccess) -> ParticipantQuerySet:
    return Participant.objects.visible_to(access.user, access.organization)


def participant_for(access: FhirAccess, participant_id: str, *, path: str) -> Participant:
    """The participant if the caller may see them; otherwise OutOfScope, with the refused access
    recorded (not saying whether the record exists). A record opened under emergency access is
    flagged, as on the pages."""
    try:
        wanted = uuid.UUID(str(participant_id))
    except ValueError:
        raise OutOfScope from None
    participant = (
        visible_participants(access).select_related("organization").filter(id=wanted).first()
    )
    if participant is None:
        record_member_action(
            acting=access.membership,
            action=Action.PERMISSION_DENIED,
            target=Target(type="participants.participant", id=str(wanted)),
        )
        raise OutOfScope
    flag_emergency_use(acting=access.membership, participant=participant, path=path)
    return participant
