"""What the API sends and accepts, as the OpenAPI schema describes it. Codes are sent as codes
(the schema lists each set); people are named by public id and the name they go by."""

import uuid
from datetime import date, datetime

from ninja import Schema
from pydantic import Field

from directory.models import Cost, Need, ServiceStatus
from encounters.models import ContactType, NoteState
from encounters.models import Outcome as ContactOutcome
from participants.models import ParticipantStatus


class Problem(Schema):
    """Every refusal and error: a stable code, a sentence saying why and what to do, and the
    parameter at fault when there is one."""

    error: str
    detail: str
    parameter: str | None = None
    errors: list[dict[str, str]] | None = None


class Person(Schema):
    id: uuid.UUID
    name: str


class ParticipantOut(Schema):
    id: uuid.UUID
    preferred_name: str
    pronouns: str
    status: ParticipantStatus
    status_since: date | None
    enrolled_on: date
    last_contact_on: date | None
    next_contact_on: date | None
    coach: Person | None
    created_at: datetime
    updated_at: datetime


class ParticipantPage(Schema):
    items: list[ParticipantOut]
    next_cursor: str | None


class ContactOut(Schema):
    id: uuid.UUID
    participant_id: uuid.UUID
    contact_type: ContactType
    outcome: ContactOutcome
    started_at: datetime
    occurred_on: date
    duration_minutes: int | None
    summary: str
    state: NoteState
    signed_at: datetime | None
    author: Person
    created_at: datetime
    updated_at: datetime


class ContactPage(Schema):
    items: list[ContactOut]
    next_cursor: str | None


class ContactIn(Schema):
    """A brief contact note, saved as a draft for its author to finish and sign on the page."""

    participant_id: uuid.UUID
    contact_type: ContactType
    started_at: datetime
    outcome: ContactOutcome = ContactOutcome.REACHED
    duration_minutes: int | None = Field(default=None, ge=1, le=720)
    summary: str = Field(default="", max_length=300)


class ListingOut(Schema):
    id: uuid.UUID
    name: str
    provider: str
    description: str
    need: Need
    cost: Cost
    status: ServiceStatus
    url: str
    email: str
    service_area: str
    address: str
    last_verified: date | None
    updated_at: datetime


class ListingPage(Schema):
    items: list[ListingOut]
    next_cursor: str | None


class ConsentOut(Schema):
    id: uuid.UUID
    participant_id: uuid.UUID
    status: str
    disclosing_party: str
    recipient: str
    purpose: str
    categories: list[str]
    treatment_payment_operations: bool
    signed_on: date | None
    expires_on: date | None
    expiry_event: str
    revoked_at: datetime | None
    created_at: datetime


class ConsentPage(Schema):
    items: list[ConsentOut]
    next_cursor: str | None
