"""The REST API's care records: recovery plans with their goals and steps, assessments with their
answers, appointments and referrals with their changes of state. Scoped, paged and audited as
api.resource_views is (declared through api.operations, every list filtered by participant too);
each list's cost does not grow with its page size."""

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from django.db.models import Model, Prefetch, Q, QuerySet
from django.http import HttpRequest
from ninja import Router

from api.access import TokenAccess
from api.disclosure import opened, opened_unowned
from api.models import Resource
from api.operations import Records, token_of
from api.resource_views import _person
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
from appointments.models import Appointment
from appointments.selectors import appointment_or_404, visible_appointments
from assessments.models import Assessment, ItemResponse
from participants.access import owned_or_404
from plans.models import ActionStep, Goal, RecoveryPlan
from referrals.models import Referral, ReferralChange

router = Router()

M = TypeVar("M", bound=Model)


def _opened_in_full(
    request: HttpRequest,
    model: type[M],
    record_id: uuid.UUID,
    *,
    resource: str,
    in_full: Callable[[QuerySet[M], Any], QuerySet[M]],
) -> M:
    """One care record in scope, opened (the disclosure gate, then its view event), and only then
    read again with what it holds (`in_full`: its goals, answers or changes)."""
    found = owned_or_404(request, model, viewed=False, id=record_id)
    opened(request, resource, found)
    rows = model._default_manager.filter(pk=found.pk)
    return in_full(rows, token_of(request).organization).get()


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


PLANS = Records(router, Resource.PLANS, page=PlanPage, one=PlanOut, description=PLAN_CHANGES)


@PLANS.lists(
    "plans",
    summary="Recovery plans, with their goals and steps, this token may see",
    shape=_plan,
    by_participant=True,
)
def plans(request: HttpRequest, access: TokenAccess) -> QuerySet[RecoveryPlan]:
    rows = RecoveryPlan.objects.visible_to(request.user, access.organization)
    return _plans_with_goals(rows, access.organization)


@PLANS.reads("plans/{plan_id}", summary="One recovery plan, with its goals and steps")
def plan(request: HttpRequest, plan_id: uuid.UUID) -> dict[str, Any]:
    found = _opened_in_full(
        request, RecoveryPlan, plan_id, resource=Resource.PLANS, in_full=_plans_with_goals
    )
    return _plan(found)


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


ASSESSMENTS = Records(
    router,
    Resource.ASSESSMENTS,
    page=AssessmentPage,
    one=AssessmentOut,
    description=ASSESSMENT_CHANGES,
)


@ASSESSMENTS.lists(
    "assessments",
    summary="Assessments (BARC-10, check-ins, SUPRT...) this token may see",
    shape=_assessment,
    field="created_at",
    by_participant=True,
)
def assessments(request: HttpRequest, access: TokenAccess) -> QuerySet[Assessment]:
    rows = Assessment.objects.visible_to(request.user, access.organization)
    return _with_answers(rows, access.organization)


@ASSESSMENTS.reads("assessments/{assessment_id}", summary="One assessment, with its answers")
def assessment(request: HttpRequest, assessment_id: uuid.UUID) -> dict[str, Any]:
    found = _opened_in_full(
        request, Assessment, assessment_id, resource=Resource.ASSESSMENTS, in_full=_with_answers
    )
    return _assessment(found)


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


APPOINTMENTS = Records(
    router,
    Resource.APPOINTMENTS,
    page=AppointmentPage,
    one=AppointmentOut,
    description=APPOINTMENT_CHANGES,
)


@APPOINTMENTS.lists(
    "appointments",
    summary="Appointments this token may see",
    shape=_appointment,
    by_participant=True,
)
def appointments(request: HttpRequest, access: TokenAccess) -> QuerySet[Appointment]:
    return visible_appointments(access.membership).select_related("coach", "group")


@APPOINTMENTS.reads("appointments/{appointment_id}", summary="One appointment")
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


REFERRALS = Records(
    router, Resource.REFERRALS, page=ReferralPage, one=ReferralOut, description=REFERRAL_CHANGES
)


def _referrals_changed(
    rows: QuerySet[Referral], moment: datetime, access: TokenAccess
) -> QuerySet[Referral]:
    moved = ReferralChange.objects.filter(
        organization=access.organization, changed_at__gte=moment
    ).values("referral_id")
    return rows.filter(Q(sent_at__gte=moment) | Q(id__in=moved))


@REFERRALS.lists(
    "referrals",
    summary="Referrals this token may see",
    shape=_referral,
    field="sent_at",
    changed_since=_referrals_changed,
    by_participant=True,
)
def referrals(request: HttpRequest, access: TokenAccess) -> QuerySet[Referral]:
    rows = Referral.objects.visible_to(request.user, access.organization)
    return _with_changes(rows, access.organization)


@REFERRALS.reads("referrals/{referral_id}", summary="One referral, with its changes of state")
def referral(request: HttpRequest, referral_id: uuid.UUID) -> dict[str, Any]:
    found = _opened_in_full(
        request, Referral, referral_id, resource=Resource.REFERRALS, in_full=_with_changes
    )
    return _referral(found)
