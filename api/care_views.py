"""The REST API's care records: recovery plans with their goals and steps, assessments with their
answers, appointments and referrals with their changes of state. Scoped, paged and audited as
api.resource_views is (the same helpers); each list's cost does not grow with its page size."""

import uuid
from typing import Any

from django.db.models import Prefetch, Q
from django.http import HttpRequest
from ninja import Query, Router

from api.disclosure import opened, opened_unowned
from api.models import Resource
from api.pagination import since
from api.resource_views import Cursor, Limit, Since, _auth, _page, _person
from api.schemas import (
    AppointmentOut,
    AppointmentPage,
    AssessmentOut,
    AssessmentPage,
    PlanOut,
    PlanPage,
    ReferralOut,
    ReferralPage,
)
from api.security import REFUSALS, ScopedToken
from appointments.models import Appointment
from appointments.selectors import appointment_or_404, visible_appointments
from assessments.models import Assessment, ItemResponse
from participants.access import owned_or_404
from plans.models import ActionStep, Goal, RecoveryPlan
from referrals.models import Referral, ReferralChange

router = Router()


ParticipantFilter = Query(
    None, description="Only this participant's rows (none when they are not one this token sees)."
)


def _of_participant(rows: Any, participant_id: uuid.UUID | None) -> Any:
    return rows if participant_id is None else rows.filter(participant_id=participant_id)


# --- recovery plans -----------------------------------------------------------------------------


def _step(s: ActionStep) -> dict[str, Any]:
    return {
        "id": s.id,
        "position": s.position,
        "text": s.text,
        "owner": s.owner,
        "target_on": s.target_on,
        "done_on": s.done_on,
    }


def _goal(g: Goal) -> dict[str, Any]:
    return {
        "id": g.id,
        "position": g.position,
        "in_my_words": g.in_my_words,
        "coach_summary": g.coach_summary,
        "domains": list(g.domains),
        "why_it_matters": g.why_it_matters,
        "supports": g.supports,
        "status": g.status,
        "version": g.version,
        "steps": [_step(step) for step in g.steps.all()],
        "created_at": g.created_at,
        "updated_at": g.updated_at,
    }


def _plan(p: RecoveryPlan) -> dict[str, Any]:
    return {
        "id": p.id,
        "participant_id": p.participant_id,
        "version": p.version,
        "agreed_version": p.agreed_version,
        "agreed_on": p.agreed_on,
        "agreement_method": p.agreement_method or None,
        "agreement_is_current": p.agreement_is_current,
        "agreement_recorded_by": _person(p.agreement_recorded_by),
        "goals": [_goal(g) for g in p.goals.all()],
        "created_at": p.created_at,
        "updated_at": p.updated_at,
    }


def _plans_with_goals(rows: Any, organization: Any) -> Any:
    """Plans with their current goals and steps: three queries for any number of plans."""
    current = (
        Goal.objects.filter(organization=organization, removed_at__isnull=True)
        .order_by("position", "created_at")
        .prefetch_related("steps")
    )
    return rows.select_related("agreement_recorded_by").prefetch_related(
        Prefetch("goals", queryset=current)
    )


PLAN_CHANGES = (
    "A plan changes with every saved change to it or to its goals and steps (its version counts "
    "them); `updated_since` compares the plan's updated_at. Goals taken off the plan are left "
    "out, as on the plan's page; earlier versions keep them."
)


@router.get(
    "plans",
    response={200: PlanPage, **REFUSALS},
    auth=ScopedToken(Resource.PLANS),
    url_name="plans",
    summary="Recovery plans, with their goals and steps, this token may see",
    description=PLAN_CHANGES,
    tags=["plans"],
)
def plans(
    request: HttpRequest,
    limit: int = Limit,
    cursor: str | None = Cursor,
    updated_since: str | None = Since,
    participant_id: uuid.UUID | None = ParticipantFilter,
) -> dict[str, Any]:
    access = _auth(request)
    rows = RecoveryPlan.objects.visible_to(request.user, access.organization)
    rows = _plans_with_goals(_of_participant(rows, participant_id), access.organization)
    changed = since(updated_since)
    if changed is not None:
        rows = rows.filter(updated_at__gte=changed)
    return _page(
        request,
        rows,
        name="plans",
        shape=_plan,
        cursor=cursor,
        limit=limit,
        resource=Resource.PLANS,
    )


@router.get(
    "plans/{plan_id}",
    response={200: PlanOut, **REFUSALS},
    auth=ScopedToken(Resource.PLANS),
    url_name="plan",
    summary="One recovery plan, with its goals and steps",
    description=PLAN_CHANGES,
    tags=["plans"],
)
def plan(request: HttpRequest, plan_id: uuid.UUID) -> dict[str, Any]:
    found = owned_or_404(request, RecoveryPlan, viewed=False, id=plan_id)
    opened(request, Resource.PLANS, found)
    # The goals are read once the plan is known to be in scope.
    shaped = _plans_with_goals(RecoveryPlan.objects.filter(pk=found.pk), found.organization_id)
    return _plan(shaped.get())


# --- assessments --------------------------------------------------------------------------------


def _assessment(a: Assessment) -> dict[str, Any]:
    return {
        "id": a.id,
        "participant_id": a.participant_id,
        "instrument": a.instrument,
        "instrument_version": a.instrument_version,
        "language": a.language,
        "administered_on": a.administered_on,
        "time_point": a.schedule_point,
        "respondent": a.respondent or None,
        "total": a.total,
        "is_complete": a.is_complete,
        "answered": a.answered,
        "item_count": a.item_count,
        "note": a.note,
        "answers": [
            {"item": r.item_key, "value": r.value, "text": r.text, "skipped": r.skipped}
            for r in a.responses.all()
        ],
        "recorded_by": _person(a.recorded_by),
        "created_at": a.created_at,
    }


def _with_answers(rows: Any, organization: Any) -> Any:
    answers = ItemResponse.objects.filter(organization=organization).order_by("id")
    return rows.select_related("recorded_by").prefetch_related(
        Prefetch("responses", queryset=answers)
    )


ASSESSMENT_CHANGES = (
    "An assessment is recorded once and never edited, so `updated_since` compares the moment it "
    "was recorded (created_at). Answers are as the instrument engine stores them; `total` is "
    "the score it computed."
)


@router.get(
    "assessments",
    response={200: AssessmentPage, **REFUSALS},
    auth=ScopedToken(Resource.ASSESSMENTS),
    url_name="assessments",
    summary="Assessments (BARC-10, check-ins, SUPRT...) this token may see",
    description=ASSESSMENT_CHANGES,
    tags=["assessments"],
)
def assessments(
    request: HttpRequest,
    limit: int = Limit,
    cursor: str | None = Cursor,
    updated_since: str | None = Since,
    participant_id: uuid.UUID | None = ParticipantFilter,
) -> dict[str, Any]:
    access = _auth(request)
    rows = Assessment.objects.visible_to(request.user, access.organization)
    rows = _with_answers(_of_participant(rows, participant_id), access.organization)
    changed = since(updated_since)
    if changed is not None:
        rows = rows.filter(created_at__gte=changed)
    return _page(
        request,
        rows,
        name="assessments",
        shape=_assessment,
        cursor=cursor,
        limit=limit,
        field="created_at",
        resource=Resource.ASSESSMENTS,
    )


@router.get(
    "assessments/{assessment_id}",
    response={200: AssessmentOut, **REFUSALS},
    auth=ScopedToken(Resource.ASSESSMENTS),
    url_name="assessment",
    summary="One assessment, with its answers",
    description=ASSESSMENT_CHANGES,
    tags=["assessments"],
)
def assessment(request: HttpRequest, assessment_id: uuid.UUID) -> dict[str, Any]:
    found = owned_or_404(request, Assessment, viewed=False, id=assessment_id)
    opened(request, Resource.ASSESSMENTS, found)
    shaped = _with_answers(Assessment.objects.filter(pk=found.pk), found.organization_id)
    return _assessment(shaped.get())


# --- appointments -------------------------------------------------------------------------------


def _appointment(a: Appointment) -> dict[str, Any]:
    group = a.group
    return {
        "id": a.id,
        "participant_id": a.participant_id,
        "group": {"id": group.id, "name": group.name} if group is not None else None,
        "coach": _person(a.coach),
        "starts_at": a.starts_at,
        "ends_at": a.ends_at,
        "duration_minutes": a.duration_minutes,
        "mode": a.mode,
        "place": a.place,
        "status": a.status,
        "cancelled_by": a.cancelled_by or None,
        "cancel_reason": a.cancel_reason,
        "series_id": a.series_id,
        "version": a.version,
        "created_at": a.created_at,
        "updated_at": a.updated_at,
    }


APPOINTMENT_CHANGES = (
    "One person's appointments and the sessions of groups this token may see (a group's has no "
    "participant_id). `updated_since` compares updated_at, which every booking, move, "
    "cancellation and outcome sets; the ids an `appointment.changed` webhook sends open here."
)


@router.get(
    "appointments",
    response={200: AppointmentPage, **REFUSALS},
    auth=ScopedToken(Resource.APPOINTMENTS),
    url_name="appointments",
    summary="Appointments this token may see",
    description=APPOINTMENT_CHANGES,
    tags=["appointments"],
)
def appointments(
    request: HttpRequest,
    limit: int = Limit,
    cursor: str | None = Cursor,
    updated_since: str | None = Since,
    participant_id: uuid.UUID | None = ParticipantFilter,
) -> dict[str, Any]:
    access = _auth(request)
    rows = visible_appointments(access.membership).select_related("coach", "group")
    rows = _of_participant(rows, participant_id)
    changed = since(updated_since)
    if changed is not None:
        rows = rows.filter(updated_at__gte=changed)
    return _page(
        request,
        rows,
        name="appointments",
        shape=_appointment,
        cursor=cursor,
        limit=limit,
        resource=Resource.APPOINTMENTS,
    )


@router.get(
    "appointments/{appointment_id}",
    response={200: AppointmentOut, **REFUSALS},
    auth=ScopedToken(Resource.APPOINTMENTS),
    url_name="appointment",
    summary="One appointment",
    description=APPOINTMENT_CHANGES,
    tags=["appointments"],
)
def appointment(request: HttpRequest, appointment_id: uuid.UUID) -> dict[str, Any]:
    found = appointment_or_404(request, appointment_id, viewed=False)
    if found.participant_id is None:
        opened_unowned(request, found)
    else:
        opened(request, Resource.APPOINTMENTS, found)
    return _appointment(found)


# --- referrals ----------------------------------------------------------------------------------


def _referral(r: Referral) -> dict[str, Any]:
    service = r.service
    return {
        "id": r.id,
        "participant_id": r.participant_id,
        "service": {"id": service.id, "name": service.name, "provider": service.provider.name},
        "need": r.need,
        "categories": list(r.categories),
        "note_for_partner": r.note_for_partner,
        "state": r.state,
        "sent_by": _person(r.sent_by),
        "sent_at": r.sent_at,
        "accepted_at": r.accepted_at,
        "first_service_on": r.first_service_on,
        "decline_reason": r.decline_reason,
        "changes": [
            {
                "state": c.state,
                "changed_at": c.changed_at,
                "changed_by": _person(c.changed_by),
                "by_partner": c.by_partner,
            }
            for c in r.changes.all()
        ],
    }


def _with_changes(rows: Any, organization: Any) -> Any:
    changes = (
        ReferralChange.objects.filter(organization=organization)
        .select_related("changed_by")
        .order_by("changed_at", "id")
    )
    return rows.select_related("service__provider", "sent_by").prefetch_related(
        Prefetch("changes", queryset=changes)
    )


REFERRAL_CHANGES = (
    "Pages run in the order referrals were sent. A referral has no updated_at of its own: "
    "`updated_since` lists those sent, or whose state changed, at or after the moment (every "
    "change of state is kept in `changes`); the ids a `referral.state_changed` webhook sends "
    "open here."
)


@router.get(
    "referrals",
    response={200: ReferralPage, **REFUSALS},
    auth=ScopedToken(Resource.REFERRALS),
    url_name="referrals",
    summary="Referrals this token may see",
    description=REFERRAL_CHANGES,
    tags=["referrals"],
)
def referrals(
    request: HttpRequest,
    limit: int = Limit,
    cursor: str | None = Cursor,
    updated_since: str | None = Since,
    participant_id: uuid.UUID | None = ParticipantFilter,
) -> dict[str, Any]:
    access = _auth(request)
    rows = Referral.objects.visible_to(request.user, access.organization)
    rows = _with_changes(_of_participant(rows, participant_id), access.organization)
    changed = since(updated_since)
    if changed is not None:
        moved = ReferralChange.objects.filter(
            organization=access.organization, changed_at__gte=changed
        ).values("referral_id")
        rows = rows.filter(Q(sent_at__gte=changed) | Q(id__in=moved))
    return _page(
        request,
        rows,
        name="referrals",
        shape=_referral,
        cursor=cursor,
        limit=limit,
        field="sent_at",
        resource=Resource.REFERRALS,
    )


@router.get(
    "referrals/{referral_id}",
    response={200: ReferralOut, **REFUSALS},
    auth=ScopedToken(Resource.REFERRALS),
    url_name="referral",
    summary="One referral, with its changes of state",
    description=REFERRAL_CHANGES,
    tags=["referrals"],
)
def referral(request: HttpRequest, referral_id: uuid.UUID) -> dict[str, Any]:
    found = owned_or_404(request, Referral, viewed=False, id=referral_id)
    opened(request, Resource.REFERRALS, found)
    shaped = _with_changes(Referral.objects.filter(pk=found.pk), found.organization_id)
    return _referral(shaped.get())
