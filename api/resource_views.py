"""The REST API's operations: participants, contacts, directory listings and consents (the care
records, plans to referrals, are in api.care_views, which shares this module's page helpers).
Each is scoped the way the pages are (`visible_to`, `participant_or_404`, `owned_or_404`: 404
outside scope, audited) and writes the same view event a page showing the same data writes."""

import uuid
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Header, Query, Router, Status

from api.access import TokenAccess, TokenRefused
from api.disclosure import account_rows, opened, shared_rows, with_notes
from api.models import KeptReply, Level, Resource
from api.pagination import MAX_LIMIT, cursor_page, since
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
from audit.services import Target, record_page_view
from consent.models import Consent
from directory.models import Service
from encounters.models import Encounter
from encounters.services import record_encounter
from organizations.models import Role
from participants.access import owned_or_404, participant_or_404
from participants.models import Participant

router = Router()

# The columns a participant's answer is made of (`_participant`): a page of 100 reads these and
# no more, so it decrypts 100 pronouns, not every encrypted column of 100 people.
IN_THE_ANSWER = (
    "id",
    "organization",
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


def _participant(p: Participant) -> dict[str, Any]:
    return {
        "id": p.id,
        "preferred_name": p.preferred_name,
        "pronouns": p.pronouns,
        "status": p.status,
        "status_since": p.status_since,
        "enrolled_on": p.enrolled_on,
        "last_contact_on": p.last_contact_on,
        "next_contact_on": p.next_contact_on,
        "coach": _person(p.coach),
        "created_at": p.created_at,
        "updated_at": p.updated_at,
    }


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


def _auth(request: HttpRequest) -> TokenAccess:
    access: TokenAccess = request.auth  # type: ignore[attr-defined]
    return access


def _list_viewed(request: HttpRequest, name: str) -> None:
    """A list of many people's rows writes one view event naming the list, as a list page does."""
    record_page_view(request=request, target=Target(type=f"api.{name}", id="list"))


def _page(
    request: HttpRequest,
    rows: Any,
    *,
    name: str,
    shape: Callable[[Any], dict[str, Any]],
    cursor: str | None,
    limit: int,
    field: str = "updated_at",
    audited: bool = True,
    resource: str | None = None,
) -> dict[str, Any]:
    """One page of a list by its signed cursor, the list's view event (`audited`: lists of
    participants' rows), and the page as the API answers it. A list of participant data names
    its `resource`: for an outside system's token it then holds only consented people, and the
    page is accounted as disclosed to it (`api.disclosure`)."""
    if resource is not None:
        rows = shared_rows(request, rows, resource)
    page = cursor_page(rows, list_name=name, cursor=cursor, limit=limit, field=field)
    if audited:
        _list_viewed(request, name)
    if resource is not None:
        account_rows(request, resource, page.rows)
    return {"items": [shape(row) for row in page.rows], "next_cursor": page.next_cursor}


Limit = Query(50, ge=1, le=MAX_LIMIT, description="Rows per page (1 to 100).")
Cursor = Query(None, description="next_cursor from the previous page, as it was given.")
Since = Query(
    None,
    description="Only rows changed at or after this moment (ISO 8601; without an offset, UTC).",
)

# --- participants -------------------------------------------------------------------------------


@router.get(
    "participants",
    response={200: ParticipantPage, **REFUSALS},
    auth=ScopedToken(Resource.PARTICIPANTS),
    url_name="participants",
    summary="Participants this token may see",
    tags=["participants"],
)
def participants(
    request: HttpRequest,
    limit: int = Limit,
    cursor: str | None = Cursor,
    updated_since: str | None = Since,
) -> dict[str, Any]:
    access = _auth(request)
    rows = (
        Participant.objects.visible_to(request.user, access.organization)
        .select_related("coach")
        .only(*IN_THE_ANSWER)
    )
    changed = since(updated_since)
    if changed is not None:
        rows = rows.filter(updated_at__gte=changed)
    return _page(
        request,
        rows,
        name="participants",
        shape=_participant,
        cursor=cursor,
        limit=limit,
        resource=Resource.PARTICIPANTS,
    )


@router.get(
    "participants/{participant_id}",
    response={200: ParticipantOut, **REFUSALS},
    auth=ScopedToken(Resource.PARTICIPANTS),
    url_name="participant",
    summary="One participant",
    tags=["participants"],
)
def participant(request: HttpRequest, participant_id: uuid.UUID) -> dict[str, Any]:
    person = participant_or_404(request, participant_id)
    opened(request, Resource.PARTICIPANTS, person)
    return _participant(person)


# --- contacts -----------------------------------------------------------------------------------


@router.get(
    "contacts",
    response={200: ContactPage, **REFUSALS},
    auth=ScopedToken(Resource.CONTACTS),
    url_name="contacts",
    summary="Contact notes this token may see",
    tags=["contacts"],
)
def contacts(
    request: HttpRequest,
    limit: int = Limit,
    cursor: str | None = Cursor,
    updated_since: str | None = Since,
) -> dict[str, Any]:
    access = _auth(request)
    rows = Encounter.objects.visible_to(request.user, access.organization).select_related("author")
    changed = since(updated_since)
    if changed is not None:
        rows = rows.filter(updated_at__gte=changed)
    return _page(
        request,
        rows,
        name="contacts",
        shape=lambda e: _contact(e, notes=with_notes(request, e.participant_id)),
        cursor=cursor,
        limit=limit,
        resource=Resource.CONTACTS,
    )


@router.get(
    "contacts/{contact_id}",
    response={200: ContactOut, **REFUSALS},
    auth=ScopedToken(Resource.CONTACTS),
    url_name="contact",
    summary="One contact note",
    tags=["contacts"],
)
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
    access = _auth(request)
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


@router.get(
    "directory/listings",
    response={200: ListingPage, **REFUSALS},
    auth=ScopedToken(Resource.DIRECTORY),
    url_name="listings",
    summary="The organization's resource directory",
    tags=["directory"],
)
def listings(
    request: HttpRequest,
    limit: int = Limit,
    cursor: str | None = Cursor,
    updated_since: str | None = Since,
) -> dict[str, Any]:
    access = _auth(request)
    rows = Service.objects.of(access.organization).select_related("provider", "location")
    changed = since(updated_since)
    if changed is not None:
        rows = rows.filter(updated_at__gte=changed)
    # Public listings: no view event.
    return _page(
        request, rows, name="listings", shape=_listing, cursor=cursor, limit=limit, audited=False
    )


@router.get(
    "directory/listings/{listing_id}",
    response={200: ListingOut, **REFUSALS},
    auth=ScopedToken(Resource.DIRECTORY),
    url_name="listing",
    summary="One directory listing",
    tags=["directory"],
)
def listing(request: HttpRequest, listing_id: uuid.UUID) -> dict[str, Any]:
    access = _auth(request)
    found = (
        Service.objects.of(access.organization)
        .select_related("provider", "location")
        .filter(id=listing_id)
        .first()
    )
    if found is None:
        from django.http import Http404

        raise Http404
    return _listing(found)


# --- consents (read only) -----------------------------------------------------------------------


@router.get(
    "consents",
    response={200: ConsentPage, **REFUSALS},
    auth=ScopedToken(Resource.CONSENTS),
    url_name="consents",
    summary="Consents to disclose (42 CFR Part 2) this token may see",
    tags=["consents"],
)
def consents(
    request: HttpRequest,
    limit: int = Limit,
    cursor: str | None = Cursor,
    updated_since: str | None = Since,
) -> dict[str, Any]:
    access = _auth(request)
    rows = Consent.objects.visible_to(request.user, access.organization)
    changed = since(updated_since)
    if changed is not None:
        # A consent changes when it is made, answered in the portal or revoked.
        rows = (
            rows.filter(created_at__gte=changed)
            | rows.filter(revoked_at__gte=changed)
            | rows.filter(answered_at__gte=changed)
        )
    return _page(
        request,
        rows,
        name="consents",
        shape=_consent,
        cursor=cursor,
        limit=limit,
        field="created_at",
        resource=Resource.CONSENTS,
    )


@router.get(
    "consents/{consent_id}",
    response={200: ConsentOut, **REFUSALS},
    auth=ScopedToken(Resource.CONSENTS),
    url_name="consent",
    summary="One consent",
    tags=["consents"],
)
def consent(request: HttpRequest, consent_id: uuid.UUID) -> dict[str, Any]:
    found = owned_or_404(request, Consent, id=consent_id)
    opened(request, Resource.CONSENTS, found)
    return _consent(found)
