"""Writes to a recovery plan: each saved change is a new version with a snapshot, audited."""

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from audit.models import Action
from audit.services import Target, record_member_action
from organizations.models import Membership
from participants.models import Participant
from plans.models import (
    ActionStep,
    AgreementMethod,
    Goal,
    GoalStatus,
    Milestone,
    PlanVersion,
    RecoveryPlan,
    Strength,
)

GOAL_FIELDS = ("in_my_words", "coach_summary", "domains", "why_it_matters", "supports", "status")


class StaleGoal(Exception):
    """Someone saved this goal after the form was opened; nothing was overwritten."""

    def __init__(self, current: Goal) -> None:
        super().__init__("stale goal")
        self.current = current


class StaleMilestone(Exception):
    def __init__(self, current: Milestone) -> None:
        super().__init__("stale milestone")
        self.current = current


@dataclass(frozen=True)
class StepValues:
    text: str
    owner: str
    target_on: date | None = None
    done: bool = False
    id: str = ""


def plan_for(participant: Participant) -> RecoveryPlan | None:
    return RecoveryPlan.objects.filter(participant=participant).first()


def _locked_plan(acting: Membership, participant: Participant) -> RecoveryPlan:
    """The participant's plan, created on first use, locked so versions number in order."""
    plan, _ = RecoveryPlan.objects.get_or_create(
        participant=participant, defaults={"organization": acting.organization}
    )
    return RecoveryPlan.objects.select_for_update().get(pk=plan.pk)


def snapshot(plan: RecoveryPlan) -> dict[str, Any]:
    goals = (
        Goal.objects.filter(plan=plan, removed_at__isnull=True)
        .prefetch_related("steps")
        .order_by("position", "created_at")
    )
    return {
        "goals": [
            {
                "id": str(goal.id),
                **{name: getattr(goal, name) for name in GOAL_FIELDS},
                "steps": [
                    {
                        "text": step.text,
                        "owner": step.owner,
                        "target_on": step.target_on.isoformat() if step.target_on else "",
                        "done_on": step.done_on.isoformat() if step.done_on else "",
                    }
                    for step in goal.steps.all()
                ],
            }
            for goal in goals
        ]
    }


def _new_version(acting: Membership, plan: RecoveryPlan, change: str) -> PlanVersion:
    plan.version += 1
    plan.save(update_fields=["version", "updated_at"])
    return PlanVersion.objects.create(
        organization=plan.organization,
        plan=plan,
        number=plan.version,
        snapshot_text=json.dumps(snapshot(plan), sort_keys=True),
        change=change[:200],
        changed_by=acting.user,
    )


def _audit(
    acting: Membership, action: Action, obj: Any, participant_id: Any, fields: list[str]
) -> None:
    record_member_action(
        acting=acting,
        action=action,
        target=Target.of(obj),
        participant_id=participant_id,
        changed_fields=fields,
    )


def _replace_steps(goal: Goal, steps: list[StepValues], today: date) -> None:
    existing = {str(s.id): s for s in goal.steps.all()}
    keep: list[str] = []
    for position, values in enumerate(steps):
        step = existing.get(values.id) or ActionStep(goal=goal)
        step.position = position
        step.text = values.text.strip()
        step.owner = values.owner
        step.target_on = values.target_on
        if values.done and step.done_on is None:
            step.done_on = today
        elif not values.done:
            step.done_on = None
        step.save()
        keep.append(str(step.id))
    goal.steps.exclude(id__in=keep).delete()


def save_goal(
    *,
    acting: Membership,
    participant: Participant,
    values: dict[str, Any],
    steps: list[StepValues],
    goal: Goal | None = None,
    expected_version: int | None = None,
) -> Goal:
    """Add a goal to the plan or change one; a stale form is refused with the saved goal."""
    with transaction.atomic():
        plan = _locked_plan(acting, participant)
        if goal is None:
            goal = Goal(
                organization=acting.organization,
                plan=plan,
                participant=participant,
                position=Goal.objects.filter(plan=plan).count(),
                version=0,
            )
            change, action = "Added a goal", Action.CREATE
        else:
            goal = Goal.objects.select_for_update().get(pk=goal.pk, plan=plan)
            if expected_version is not None and goal.version != expected_version:
                raise StaleGoal(goal)
            change, action = "Changed a goal", Action.UPDATE
        changed = [n for n in GOAL_FIELDS if getattr(goal, n) != values.get(n, getattr(goal, n))]
        for name in GOAL_FIELDS:
            if name in values:
                value = values[name]
                setattr(goal, name, value.strip() if isinstance(value, str) else value)
        goal.version += 1
        goal.save()
        _replace_steps(goal, steps, timezone.localdate())
        _new_version(acting, plan, change)
        _audit(acting, action, goal, participant.id, [*changed, "steps"])
    return goal


def set_step_done(*, acting: Membership, step: ActionStep, done: bool) -> ActionStep:
    with transaction.atomic():
        goal = step.goal
        plan = _locked_plan(acting, goal.participant)
        step = ActionStep.objects.select_for_update().get(pk=step.pk)
        step.done_on = timezone.localdate() if done else None
        step.save(update_fields=["done_on"])
        Goal.objects.filter(pk=goal.pk).update(version=F("version") + 1)
        _new_version(acting, plan, "Marked a step done" if done else "Reopened a step")
        _audit(acting, Action.UPDATE, goal, goal.participant_id, ["steps.done_on"])
    return step


def remove_goal(*, acting: Membership, goal: Goal) -> None:
    """Takes the goal off the plan; earlier versions and linked contacts keep it."""
    with transaction.atomic():
        plan = _locked_plan(acting, goal.participant)
        Goal.objects.filter(pk=goal.pk, removed_at__isnull=True).update(
            removed_at=timezone.now(), version=F("version") + 1
        )
        _new_version(acting, plan, "Took a goal off the plan")
        _audit(acting, Action.UPDATE, goal, goal.participant_id, ["removed"])


def record_agreement(
    *, acting: Membership, plan: RecoveryPlan, agreed_on: date, method: str
) -> RecoveryPlan:
    """The participant agreed with the plan as it stands now (this version)."""
    with transaction.atomic():
        plan = RecoveryPlan.objects.select_for_update().get(pk=plan.pk)
        plan.agreed_version = plan.version
        plan.agreed_on = agreed_on
        plan.agreement_method = method or AgreementMethod.IN_PERSON
        plan.agreement_recorded_by = acting.user
        plan.save()
        _audit(acting, Action.UPDATE, plan, plan.participant_id, ["agreement"])
    return plan


def add_milestone(
    *, acting: Membership, participant: Participant, values: dict[str, Any]
) -> Milestone:
    with transaction.atomic():
        milestone = Milestone.objects.create(
            organization=acting.organization,
            participant=participant,
            added_by=acting.user,
            **values,
        )
        _audit(acting, Action.CREATE, milestone, participant.id, list(values))
    return milestone


def update_milestone(
    *, acting: Membership, milestone: Milestone, values: dict[str, Any], expected_version: int
) -> Milestone:
    with transaction.atomic():
        current = Milestone.objects.select_for_update().get(pk=milestone.pk)
        if current.version != expected_version:
            raise StaleMilestone(current)
        changed = [name for name, value in values.items() if getattr(current, name) != value]
        for name, value in values.items():
            setattr(current, name, value)
        current.version += 1
        current.save()
        _audit(acting, Action.UPDATE, current, current.participant_id, changed)
    return current


def add_strength(
    *, acting: Membership, participant: Participant, kind: str, text: str, noted_on: date
) -> Strength:
    with transaction.atomic():
        strength = Strength.objects.create(
            organization=acting.organization,
            participant=participant,
            kind=kind,
            text=text.strip(),
            noted_on=noted_on,
            added_by=acting.user,
        )
        _audit(acting, Action.CREATE, strength, participant.id, ["kind", "text", "noted_on"])
    return strength


def file_goals_under_current_plan(*, acting: Membership, participant: Participant) -> int:
    """After a merge: goals that came from the other record join this person's plan (a new
    version says so); the other record's plan keeps its own versions as history."""
    plan = RecoveryPlan.objects.filter(participant=participant).first()
    if plan is None:
        return 0
    moved = (
        Goal.objects.filter(participant=participant)
        .exclude(plan=plan)
        .update(plan=plan, position=F("position") + 100)
    )
    if moved:
        plan = RecoveryPlan.objects.select_for_update().get(pk=plan.pk)
        _new_version(acting, plan, "Goals joined from a merged record")
    return moved


def open_goal_statuses() -> tuple[str, ...]:
    return (GoalStatus.NOT_STARTED, GoalStatus.ON_THE_WAY)
