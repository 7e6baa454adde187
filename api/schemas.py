"""What the API sends and accepts, as the OpenAPI schema describes it. Codes are sent as codes
(the schema lists each set); people are named by public id and the name they go by."""

import uuid
from datetime import date, datetime

from ninja import Schema
from pydantic import BaseModel, Field

from appointments.models import CancelledBy
from appointments.models import Mode as AppointmentMode
from appointments.models import Status as AppointmentStatus
from assessments.models import Language as AssessmentLanguage
from assessments.models import Respondent
from directory.models import Cost, Need, ServiceStatus
from encounters.models import ContactType, NoteState
from encounters.models import Outcome as ContactOutcome
from participants.models import ParticipantStatus
from plans.models import AgreementMethod, GoalStatus, LifeDomain, StepOwner
from referrals.models import ReferralState


class Out(BaseModel):
    """What the API answers with: plain pydantic models, validated from the dicts the views
    shape. Not ninja's `Schema`, whose wrapping validator reads every row through a
    `DjangoGetter` (for ORM objects, which no answer here is): that cost a page of 100 about a
    quarter of its CPU time."""


class Problem(Out):
    """Every refusal and error: a stable code, a sentence saying why and what to do, and the
    parameter at fault when there is one."""

    error: str
    detail: str
    parameter: str | None = None
    errors: list[dict[str, str]] | None = None


class Person(Out):
    id: uuid.UUID
    name: str


class ParticipantOut(Out):
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


class ParticipantPage(Out):
    items: list[ParticipantOut]
    next_cursor: str | None


class ContactOut(Out):
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


class ContactPage(Out):
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


class ListingOut(Out):
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


class ListingPage(Out):
    items: list[ListingOut]
    next_cursor: str | None


class ConsentOut(Out):
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


class ConsentPage(Out):
    items: list[ConsentOut]
    next_cursor: str | None


# --- recovery plans ---------------------------------------------------------------------------


class StepOut(Out):
    id: uuid.UUID
    position: int
    text: str = Field(description="The step, in the participant's words.")
    owner: StepOwner
    target_on: date | None
    done_on: date | None


class GoalOut(Out):
    id: uuid.UUID
    position: int
    in_my_words: str = Field(description="The goal, in the participant's own words.")
    coach_summary: str
    domains: list[str] = Field(
        description="Life areas the goal touches: " + ", ".join(LifeDomain.values) + "."
    )
    why_it_matters: str
    supports: str
    status: GoalStatus
    version: int
    steps: list[StepOut]
    created_at: datetime
    updated_at: datetime


class PlanOut(Out):
    id: uuid.UUID
    participant_id: uuid.UUID
    version: int = Field(description="Counts every saved change of the plan.")
    agreed_version: int | None = Field(description="The version the participant agreed with.")
    agreed_on: date | None
    agreement_method: AgreementMethod | None
    agreement_is_current: bool
    agreement_recorded_by: Person | None
    goals: list[GoalOut] = Field(description="The goals on the plan now, in their order.")
    created_at: datetime
    updated_at: datetime


class PlanPage(Out):
    items: list[PlanOut]
    next_cursor: str | None


# --- assessments ------------------------------------------------------------------------------


class AnswerOut(Out):
    """One item's answer as the instrument engine stores it: `value` for a choice or a number,
    `text` for dates, months, ticked lists ("1;4;6") and words; both empty when skipped."""

    item: str
    value: int | None
    text: str
    skipped: bool


class AssessmentOut(Out):
    id: uuid.UUID
    participant_id: uuid.UUID
    instrument: str = Field(description="The instrument's key: barc10, checkin, suprt_a, ...")
    instrument_version: str
    language: AssessmentLanguage
    administered_on: date
    time_point: str = Field(
        description=(
            "The schedule point it was recorded for: baseline, day-30... for recovery capital; "
            "SUPRT's time points for SUPRT; extra when outside the schedule."
        )
    )
    respondent: Respondent | None
    total: int | None = Field(
        description="The score the engine computed; null when the instrument has none or "
        "items were left unanswered (never imputed)."
    )
    is_complete: bool
    answered: int
    item_count: int
    note: str = Field(description="Anything the participant wanted noted, in their words.")
    answers: list[AnswerOut]
    recorded_by: Person
    created_at: datetime


class AssessmentPage(Out):
    items: list[AssessmentOut]
    next_cursor: str | None


# --- appointments -----------------------------------------------------------------------------


class GroupRef(Out):
    id: uuid.UUID
    name: str


class AppointmentOut(Out):
    id: uuid.UUID
    participant_id: uuid.UUID | None = Field(description="Null for a group's session.")
    group: GroupRef | None = Field(description="The group that meets; null for one person's.")
    coach: Person
    starts_at: datetime
    ends_at: datetime
    duration_minutes: int
    mode: AppointmentMode
    place: str
    status: AppointmentStatus
    cancelled_by: CancelledBy | None
    cancel_reason: str
    series_id: uuid.UUID | None = Field(description="The recurring series it belongs to.")
    version: int
    created_at: datetime
    updated_at: datetime


class AppointmentPage(Out):
    items: list[AppointmentOut]
    next_cursor: str | None


# --- referrals --------------------------------------------------------------------------------


class ReferredService(Out):
    id: uuid.UUID = Field(description="The directory listing (GET /directory/listings/{id}).")
    name: str
    provider: str


class ReferralChangeOut(Out):
    state: ReferralState
    changed_at: datetime
    changed_by: Person | None = Field(description="Null when the partner answered by its link.")
    by_partner: bool


class ReferralOut(Out):
    id: uuid.UUID
    participant_id: uuid.UUID
    service: ReferredService
    need: Need
    categories: list[str] = Field(description="What the referral shared with the partner.")
    note_for_partner: str
    state: ReferralState
    sent_by: Person
    sent_at: datetime
    accepted_at: datetime | None
    first_service_on: date | None
    decline_reason: str
    changes: list[ReferralChangeOut] = Field(description="Every change of state, oldest first.")


class ReferralPage(Out):
    items: list[ReferralOut]
    next_cursor: str | None
