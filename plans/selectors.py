"""Reads for plan pages: the plan with each goal's recent contacts, versions side by side."""

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from django.db.models import QuerySet

from encounters.models import Encounter
from lib.prepared import prepared
from participants.models import Participant
from plans.models import (
    Goal,
    GoalStatus,
    LifeDomain,
    Milestone,
    PlanVersion,
    RecoveryPlan,
    StepOwner,
)

RECENT_PER_GOAL = 3


def overview_panel(*, participant: Participant) -> dict[str, Any]:
    """What the participant overview shows: open goals and the latest milestones (2 queries)."""
    goals = _open_goals.fetch(participant_id=participant.id)
    return {
        "plan": goals[0].plan if goals else None,
        "goals": goals,
        "milestones": latest_milestones(participant.id),
    }


# The overview's reads are prepared (lib.prepared): every participant page opens it.
@prepared
def _open_goals(*, participant_id: UUID) -> QuerySet[Goal]:
    return (
        Goal.objects.filter(participant_id=participant_id, removed_at__isnull=True)
        .exclude(status=GoalStatus.SET_ASIDE)
        .select_related("plan")[:4]
    )


def latest_milestones(participant_id: UUID) -> list[Milestone]:
    """The person's three latest milestones: on the overview and the portal home (prepared)."""
    return _latest_milestones.fetch(participant_id=participant_id)


@prepared
def _latest_milestones(*, participant_id: UUID) -> QuerySet[Milestone]:
    return Milestone.objects.filter(participant_id=participant_id)[:3]


def goals_with_activity(plan: RecoveryPlan) -> list[tuple[Goal, list[Encounter]]]:
    """The plan's goals, steps prefetched, each with the latest contacts that addressed it."""
    goals = list(Goal.objects.filter(plan=plan, removed_at__isnull=True).prefetch_related("steps"))
    links = (
        Encounter.goals_addressed.through.objects.filter(goal__in=[g.id for g in goals])
        .select_related("encounter")
        .order_by("-encounter__started_at")
    )
    recent: dict[Any, list[Encounter]] = defaultdict(list)
    for link in links:
        if len(recent[link.goal_id]) < RECENT_PER_GOAL:
            recent[link.goal_id].append(link.encounter)
    return [(goal, recent[goal.id]) for goal in goals]


@dataclass
class GoalChange:
    """One goal across two versions; `changed` names the fields that differ."""

    kind: str  # added, removed, changed, same
    old: dict[str, Any] | None
    new: dict[str, Any] | None
    changed: set[str] = field(default_factory=set)


def readable(goal: dict[str, Any]) -> dict[str, Any]:
    """A snapshot goal with labels instead of codes, for display."""
    domains = dict(LifeDomain.choices)
    owners = dict(StepOwner.choices)
    return {
        **goal,
        "domain_labels": [str(domains.get(d, d)) for d in goal.get("domains", [])],
        "status_label": str(dict(GoalStatus.choices).get(goal.get("status", ""), "")),
        "steps": [
            {**step, "owner_label": str(owners.get(step.get("owner", ""), ""))}
            for step in goal.get("steps", [])
        ],
    }


def compare(older: PlanVersion, newer: PlanVersion) -> list[GoalChange]:
    before = {g["id"]: g for g in older.snapshot["goals"]}
    after = {g["id"]: g for g in newer.snapshot["goals"]}
    changes: list[GoalChange] = []
    for goal_id, goal in after.items():
        old = before.get(goal_id)
        if old is None:
            changes.append(GoalChange("added", None, readable(goal)))
            continue
        differs = {name for name in goal if goal.get(name) != old.get(name)}
        changes.append(
            GoalChange("changed" if differs else "same", readable(old), readable(goal), differs)
        )
    changes.extend(
        GoalChange("removed", readable(goal), None)
        for goal_id, goal in before.items()
        if goal_id not in after
    )
    return changes
