"""Writes behind the participant's check-in, call requests and goal suggestions, and the coach's
answers to them; each one transaction with its audit event."""

from dataclasses import dataclass

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
    except IntegrityError:
        # Two taps at the same moment: the database keeps one open request; return it.
        return CallAsked(open_request.get(), created=False)
    return CallAsked(request, created=True)


def mark_call_handled(*, acting: Membership, request: CallRequest) -> CallRequest:
    """The coach called back (or tried); the item leaves Today. Marking twice changes nothing."""
    with transaction.atomic():
        current = CallRequest.objects.select_for_update().get(pk=request.pk)
        if current.handled_at is not None:
            return current
        current.handled_at = timezone.now()
        current.handled_by = acting.user
        current.save(update_fields=["handled_at", "handled_by"])
        record_member_action(
            acting=acting,
            action=Action.UPDATE,
            target=Target.of(current),
            participant_id=current.participant_id,
            changed_fields=["handled"],
        )
    return current


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
    with transaction.atomic():
        current = GoalSuggestion.objects.select_for_update().get(pk=suggestion.pk)
        if current.talked_about_at is not None:
            return current
        current.talked_about_at = timezone.now()
        current.talked_about_by = acting.user
        current.save(update_fields=["talked_about_at", "talked_about_by"])
        record_member_action(
            acting=acting,
            action=Action.UPDATE,
            target=Target.of(current),
            participant_id=current.participant_id,
            changed_fields=["talked_about"],
        )
    return current
