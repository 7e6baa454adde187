"""Writes behind the participant's check-in, call requests and goal suggestions, and the coach's
answers to them; each one transaction with its audit event."""

from dataclasses import dataclass
from typing import TypeVar

from django.db import IntegrityError, transaction
from django.utils import timezone

from assessments import engine
from assessments.models import CHECKIN, Assessment
from assessments.services import record_assessment
from audit.models import Action
from audit.services import Target, record_member_action
from organizations.models import Membership
from participants.models import Participant
from plans.models import Goal
from portal.models import CallRequest, CallSource, GoalSuggestion
from reachout.services import raise_for_call_request, raise_for_check_in

# The check-in's "Would you like a call from your coach?" item and its "Yes, please" value.
CALL_ITEM, CALL_YES = "call", 1


@dataclass(frozen=True)
class CallAsked:
    request: CallRequest
    created: bool  # False: an open request was already there, so nothing new was added


def request_call(*, acting: Membership, participant: Participant, source: str) -> CallAsked:
    """Ask for a call, unless an open request is already waiting (then that one is returned)."""
    open_request = CallRequest.objects.filter(participant=participant, handled_at__isnull=True)
    found = open_request.first()
    if found is not None:
        return CallAsked(found, created=False)
    try:
        with transaction.atomic():
            request = CallRequest.objects.create(
                organization=acting.organization, participant=participant, source=source
            )
            record_member_action(
                acting=acting,
                action=Action.CREATE,
                target=Target.of(request),
                participant_id=participant.id,
                changed_fields=["source"],
            )
            # A check-in's own signal already counts its "yes, a call" (record_check_in).
            if source != CallSource.CHECK_IN:
                raise_for_call_request(
                    acting=acting, participant=participant, request_id=request.id
                )
    except IntegrityError:
        # Two taps at the same moment: the database keeps one open request; return it.
        return CallAsked(open_request.get(), created=False)
    return CallAsked(request, created=True)


M = TypeVar("M", CallRequest, GoalSuggestion)


def _mark_once(*, acting: Membership, row: M, what: str) -> M:
    """Stamp `<what>_at` and `<what>_by` on a participant's request once, audited as the change
    `what`; marking it again changes nothing."""
    with transaction.atomic():
        current = type(row).objects.select_for_update().get(pk=row.pk)
        if getattr(current, f"{what}_at") is not None:
            return current
        setattr(current, f"{what}_at", timezone.now())
        setattr(current, f"{what}_by", acting.user)
        current.save(update_fields=[f"{what}_at", f"{what}_by"])
        record_member_action(
            acting=acting,
            action=Action.UPDATE,
            target=Target.of(current),
            participant_id=current.participant_id,
            changed_fields=[what],
        )
    return current


def mark_call_handled(*, acting: Membership, request: CallRequest) -> CallRequest:
    """The coach called back (or tried); the item leaves Today. Marking twice changes nothing."""
    return _mark_once(acting=acting, row=request, what="handled")


@dataclass(frozen=True)
class CheckedIn:
    assessment: Assessment
    call: CallAsked | None


def record_check_in(
    *,
    acting: Membership,
    participant: Participant,
    language: str,
    answers: dict[str, int | None],
) -> CheckedIn:
    """Store today's check-in as the participant's own; "yes, a call" also asks for a call.

    A second check-in on the same day is added beside the first, so nothing said is lost.
    """
    instrument = engine.instrument(CHECKIN)
    with transaction.atomic():
        assessment = record_assessment(
            acting=acting,
            participant=participant,
            instrument=instrument,
            language=language,
            administered_on=timezone.localdate(),
            answers=answers,
            skipped=set(),
        )
        call = None
        # Without a coach nobody's Today would show it; the thank-you page says whom to call.
        if answers.get(CALL_ITEM) == CALL_YES and participant.coach_id is not None:
            call = request_call(acting=acting, participant=participant, source=CallSource.CHECK_IN)
        raise_for_check_in(
            acting=acting,
            participant=participant,
            check_in_id=assessment.id,
            answers=answers,
            asked_for_call=call is not None and call.created,
        )
    return CheckedIn(assessment, call)


def suggest_goal_change(*, acting: Membership, goal: Goal, text: str) -> GoalSuggestion:
    with transaction.atomic():
        suggestion = GoalSuggestion.objects.create(
            organization=acting.organization,
            participant_id=goal.participant_id,
            goal=goal,
            text=text.strip(),
        )
        record_member_action(
            acting=acting,
            action=Action.CREATE,
            target=Target.of(suggestion),
            participant_id=goal.participant_id,
            changed_fields=["text"],
        )
    return suggestion


def mark_suggestion_talked_about(
    *, acting: Membership, suggestion: GoalSuggestion
) -> GoalSuggestion:
    return _mark_once(acting=acting, row=suggestion, what="talked_about")
