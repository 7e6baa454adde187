"""Reads for the participant's check-in, call requests and plan pages, and for the staff side of
what participants asked (open call requests, open goal suggestions)."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from django.utils import translation

from assessments import engine
from assessments.models import CHECKIN, Assessment
from lib.prepared import prepared
from participants.models import Participant
from plans.models import ActionStep, Goal, GoalStatus, Milestone, RecoveryPlan
from portal.models import CallRequest, GoalSuggestion
from portal.plan.forms import CheckInForm


def check_in_language() -> str:
    """The check-in's words follow the interface language when the instrument has it."""
    language = (translation.get_language() or "en").split("-")[0]
    return language if language in engine.instrument(CHECKIN).languages else "en"


def check_in_form(data: Any = None) -> CheckInForm:
    return CheckInForm(data, instrument=engine.instrument(CHECKIN), language=check_in_language())


def todays_check_in(participant: Participant, today: date) -> Assessment | None:
    """The participant's own latest check-in today (not one a coach recorded on a call)."""
    if participant.user_id is None:
        return None
    found = _own_check_in.fetch(
        organization_id=participant.organization_id,
        participant_id=participant.id,
        user_id=participant.user_id,
        today=today,
    )
    return found[0] if found else None


@prepared
def _own_check_in(
    *, organization_id: int, participant_id: UUID, user_id: int, today: date
) -> QuerySet[Assessment]:
    """Read by the portal home and the check-in page: prepared (lib.prepared)."""
    return Assessment.objects.filter(
        organization_id=organization_id,
        participant_id=participant_id,
        instrument=CHECKIN,
        administered_on=today,
        recorded_by_id=user_id,
    ).order_by("-created_at", "-pk")[:1]


def open_call_request(participant: Participant) -> CallRequest | None:
    return CallRequest.objects.filter(participant=participant, handled_at__isnull=True).first()


def check_in_panel(*, participant: Participant, today: date) -> dict[str, Any]:
    """What the home page's check-in card needs (two queries)."""
    return {
        "check_in_done": todays_check_in(participant, today),
        "check_in_form": check_in_form(),
        "open_call": open_call_request(participant),
    }


@dataclass(frozen=True)
class MyGoal:
    goal: Goal
    suggestions: list[GoalSuggestion]  # mine, not yet talked about


def my_goals(participant: Participant, goal: Goal | None = None) -> list[MyGoal]:
    """My goals on the plan (or just `goal`, already scoped) with their steps and my open
    suggestions; goals set aside for now come last (three queries, two with `goal`)."""
    steps = ActionStep.objects.order_by("position")
    if goal is not None:
        found = [goal]
        prefetch_related_objects(found, Prefetch("steps", queryset=steps))
    else:
        found = sorted(
            Goal.objects.filter(participant=participant, removed_at__isnull=True).prefetch_related(
                Prefetch("steps", queryset=steps)
            ),
            key=lambda g: g.status == GoalStatus.SET_ASIDE,
        )
    open_by_goal: dict[Any, list[GoalSuggestion]] = defaultdict(list)
    for suggestion in GoalSuggestion.objects.filter(
        participant=participant, goal__in=[g.id for g in found], talked_about_at__isnull=True
    ):
        open_by_goal[suggestion.goal_id].append(suggestion)
    return [MyGoal(goal, open_by_goal[goal.id]) for goal in found]


def my_plan_page(*, participant: Participant, today: date) -> dict[str, Any]:
    plan = RecoveryPlan.objects.filter(participant=participant).first()
    return {
        "participant": participant,
        "plan": plan,
        "goals": my_goals(participant),
        "milestones": [
            (m, m.days_since(today)) for m in Milestone.objects.filter(participant=participant)
        ],
    }


def open_goal_suggestions(participant: Participant) -> list[GoalSuggestion]:
    """What the coach sees on the plan page: suggestions not yet talked about, oldest first."""
    return list(
        GoalSuggestion.objects.filter(
            organization_id=participant.organization_id,
            participant=participant,
            talked_about_at__isnull=True,
        ).select_related("goal")
    )
