"""The REST API's operations: participants, contacts, directory listings and consents (the care
records, plans to referrals, are in api.care_views; both declare their lists and reads through
api.operations). Each is scoped the way the pages are (`visible_to`, `participant_or_404`,
`owned_or_404`: 404 outside scope, audited) and writes the same view event a page showing the
same data writes."""

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Header, Router, Status

from accounts.models import shown_name
from api.access import TokenAccess, TokenRefused
from api.disclosure import opened, with_notes
from api.models import KeptReply, Level, Resource
from api.operations import Records, token_of
from api.schemas import (
    ConsentOut,
    ConsentPage,
    ContactIn,
    ContactOut,
    ContactPage,
    ListingOut,
    ListingPage,
    ParticipantOut,
    ParticipantPage,
)
from api.security import REFUSALS, ScopedToken
from api.services import key_digest
from consent.models import Consent
from directory.models import Service
from encounters.models import Encounter
from encounters.services import record_encounter
from organizations.models import Role
from participants.access import owned_or_404, participant_or_404
from participants.models import Participant

router = Router()

# A page of the list is read as named rows of the columns its answer is made of: no model
# instances (they were a fifth of the page's CPU time), and of the encrypted columns only the
# pronouns are decrypted.
LISTED = (
    "id",
    "preferred_name",
    "pronouns",
    "status",
    "status_since",
    "enrolled_on",
    "last_contact_on",
    "next_contact_on",
    "created_at",
    "updated_at",
    "coach__public_id",
    "coach__preferred_name",
    "coach__first_name",
    "coach__last_name",
    "coach__username",
)


def _person(user: Any) -> dict[str, Any] | None:
    if user is None:
        return None
    return {"id": user.public_id, "name": user.display_name}


def _participant(p: Any, coach: dict[str, Any] | None) -> dict[str, Any]:
    """A participant's answer, from the model (one read) or a named row of `LISTED` (a page)."""
    return {
        "id": p.id,
        "preferred_name": p.preferred_name,
        "pronouns": p.pronouns,
        "status": p.status,
        "status_since": p.status_since,
        "enrolled_on": p.enrolled_on,
        "last_contact_on": p.last_contact_on,
        "next_contact_on": p.next_contact_on,
        "coach": coach,
        "created_at": p.created_at,
        "updated_at": p.updated_at,
    }


def _listed_participant(row: Any) -> dict[str, Any]:
    coach = None
    if row.coach__public_id is not None:
        name = shown_name(
            row.coach__preferred_name,
            row.coach__first_name,
            row.coach__last_name,
            row.coach__username,
        )
        coach = {"id": row.coach__public_id, "name": name}
    return _participant(row, coach)


def _contact(e: Encounter, *, notes: bool = True) -> dict[str, Any]:
    return {
        "id": e.id,
        "participant_id": e.participant_id,
        "contact_type": e.contact_type,
        "outcome": e.outcome,
        "started_at": e.started_at,
        "occurred_on": e.occurred_on,
        "duration_minutes": e.duration_minutes,
        # An outside recipient gets the note's words only under a consent that covers notes.
        "summary": e.summary if notes else "",
        "state": e.state,
        "signed_at": e.signed_at,
        "author": _person(e.author),
        "created_at": e.created_at,
        "updated_at": e.updated_at,
    }


def _listing(s: Service) -> dict[str, Any]:
    location = getattr(s, "location", None)
    return {
        "id": s.id,
        "name": s.name,
        "provider": s.provider.name,
        "description": s.description,
        "need": s.need,
        "cost": s.cost,
        "status": s.status,
        "url": s.url,
        "email": s.email,
        "service_area": s.service_area,
        "address": location.one_line() if location is not None else "",
        "last_verified": s.last_verified,
        "updated_at": s.updated_at,
    }


def _consent(c: Consent) -> dict[str, Any]:
    return {
        "id": c.id,
        "participant_id": c.participant_id,
        "status": c.status(),
        "disclosing_party": c.disclosing_party,
        "recipient": c.recipient,
        "purpose": c.purpose,
        "categories": list(c.categories),
        "treatment_payment_operations": c.treatment_payment_operations,
        "signed_on": c.signed_on,
        "expires_on": c.expires_on,
        "expiry_event": c.expiry_event,
        "revoked_at": c.revoked_at,
        "created_at": c.created_at,
    }


# --- participants -------------------------------------------------------------------------------

PARTICIPANTS = Records(router, Resource.PARTICIPANTS, page=ParticipantPage, one=ParticipantOut)


@PARTICIPANTS.lists(
    "participants", summary="Participants this token may see", shape=_listed_participant
)
def participants(request: HttpRequest, access: TokenAccess) -> QuerySet[Any]:
    return Participant.objects.visible_to(request.user, access.organization).values_list(
        *LISTED, named=True
    )


@PARTICIPANTS.reads("participants/{participant_id}", summary="One participant")
def participant(request: HttpRequest, participant_id: uuid.UUID) -> dict[str, Any]:
    person = participant_or_404(request, participant_id)
    opened(request, Resource.PARTICIPANTS, person)
    return _participant(person, _person(person.coach))


# --- contacts -----------------------------------------------------------------------------------

CONTACTS = Records(router, Resource.CONTACTS, page=ContactPage, one=ContactOut)


def _shared_contact(request: HttpRequest) -> Callable[[Encounter], dict[str, Any]]:
    return lambda e: _contact(e, notes=with_notes(request, e.participant_id))


@CONTACTS.lists("contacts", summary="Contact notes this token may see", shape_for=_shared_contact)
def contacts(request: HttpRequest, access: TokenAccess) -> QuerySet[Encounter]:
    return Encounter.objects.visible_to(request.user, access.organization).select_related("author")


@CONTACTS.reads("contacts/{contact_id}", summary="One contact note")
def contact(request: HttpRequest, contact_id: uuid.UUID) -> dict[str, Any]:
    note = owned_or_404(request, Encounter, related=["author"], id=contact_id)
    opened(request, Resource.CONTACTS, note)
    return _contact(note, notes=with_notes(request, note.participant_id))


def _kept(access: TokenAccess, key: str) -> KeptReply | None:
    return KeptReply.objects.filter(token=access.token, key_hash=key_digest(key)).first()


def _replayed(request: HttpRequest, reply: KeptReply) -> Status[dict[str, Any]]:
    note = owned_or_404(request, Encounter, related=["author"], viewed=True, id=reply.target_id)
    return Status(200, _contact(note))


@router.post(
    "contacts",
    response={201: ContactOut, 200: ContactOut, **REFUSALS},
    auth=ScopedToken(Resource.CONTACTS, Level.WRITE),
    url_name="contacts_create",
    summary="Record a brief contact (a draft its author signs on the page)",
    description=(
        "Send an Idempotency-Key (any unique text, such as a UUID) with every create: the same "
        "key sent again answers 200 with the contact the first request made, never a second one."
    ),
    tags=["contacts"],
)
def contact_create(
    request: HttpRequest,
    data: ContactIn,
    idempotency_key: str = Header(..., alias="Idempotency-Key", min_length=8, max_length=200),
) -> Status[dict[str, Any]]:
    access = token_of(request)
    if access.membership.role not in Role.care_team():
        raise TokenRefused(
            403,
            "role_cannot_write",
            _("Contacts are written by coaches and supervisors; this token acts as neither."),
        )
    earlier = _kept(access, idempotency_key)
    if earlier is not None:
        return _replayed(request, earlier)
    person = participant_or_404(request, data.participant_id)
    values = {
        "contact_type": data.contact_type,
        "outcome": data.outcome,
        "started_at": data.started_at,
        "duration_minutes": data.duration_minutes,
        "summary": data.summary,
    }
    try:
        with transaction.atomic():
            # The key is recorded first, in the same transaction: a second request with it waits
            # on the unique constraint, then finds the first one's reply.
            reply = KeptReply.objects.create(
                token=access.token, key_hash=key_digest(idempotency_key)
            )
            note = record_encounter(
                acting=access.membership, participant=person, values=values, brief=True
            )
            reply.status = 201
            reply.target_id = str(note.id)
            reply.save(update_fields=["status", "target_id"])
    except IntegrityError:
        earlier = _kept(access, idempotency_key)
        if earlier is None:
            raise
        return _replayed(request, earlier)
    return Status(201, _contact(note))


# --- directory ----------------------------------------------------------------------------------

DIRECTORY = Records(router, Resource.DIRECTORY, page=ListingPage, one=ListingOut)


def _directory(access: TokenAccess) -> QuerySet[Service]:
    return Service.objects.of(access.organization).select_related("provider", "location")


# Public listings: no view event, nothing disclosed.
@DIRECTORY.lists(
    "directory/listings",
    summary="The organization's resource directory",
    shape=_listing,
    public=True,
)
def listings(request: HttpRequest, access: TokenAccess) -> QuerySet[Service]:
    return _directory(access)


@DIRECTORY.reads("directory/listings/{listing_id}", summary="One directory listing")
def listing(request: HttpRequest, listing_id: uuid.UUID) -> dict[str, Any]:
    found = _directory(token_of(request)).filter(id=listing_id).first()
    if found is None:
        raise Http404
    return _listing(found)


# --- consents (read only) -----------------------------------------------------------------------

CONSENTS = Records(router, Resource.CONSENTS, page=ConsentPage, one=ConsentOut)


def _consents_changed(
    rows: QuerySet[Consent], moment: datetime, access: TokenAccess
) -> QuerySet[Consent]:
    # A consent changes when it is made, answered in the portal or revoked.
    return (
        rows.filter(created_at__gte=moment)
        | rows.filter(revoked_at__gte=moment)
        | rows.filter(answered_at__gte=moment)
    )


@CONSENTS.lists(
    "consents",
    summary="Consents to disclose (42 CFR Part 2) this token may see",
    shape=_consent,
    field="created_at",
    changed_since=_consents_changed,
)
def consents(request: HttpRequest, access: TokenAccess) -> QuerySet[Consent]:
    return Consent.objects.visible_to(request.user, access.organization)


@CONSENTS.reads("consents/{consent_id}", summary="One consent")
def consent(request: HttpRequest, consent_id: uuid.UUID) -> dict[str, Any]:
    found = owned_or_404(request, Consent, id=consent_id)
    opened(request, Resource.CONSENTS, found)
    return _consent(found)
