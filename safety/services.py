"""Writes for safety plans and crisis lines: each one transaction, each with its audit event."""

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from audit.models import Action
from audit.services import Target, record_member_action
from organizations.models import Membership, Role
from participants.models import Participant
from safety.content import PlanContent, changed_keys
from safety.models import CrisisLine, SafetyPlan, SafetyPlanVersion


class StaleEdit(Exception):
    """Someone saved a newer version after this edit began; nothing was written."""

    def __init__(self, current: SafetyPlanVersion) -> None:
        super().__init__("safety plan changed since the form was opened")
        self.current = current


class NotAllowed(Exception):
    """The acting person may not change this plan (a view should have refused them already)."""


@dataclass(frozen=True)
class Saved:
    version: SafetyPlanVersion
    changed: list[str]  # part keys; empty when the words were the same as before


def save_safety_plan(
    *,
    acting: Membership,
    participant: Participant,
    content: PlanContent,
    expected_number: int,
) -> Saved:
    """Save the plan's words as a new version, if nobody saved one since `expected_number`.

    `acting` is a coach's or supervisor's membership, or the participant's own membership
    (role participant) when they edit their plan themselves; either is kept as who changed it.
    """
    # Who may change a plan: the care team (coaches, supervisors) or the participant themself.
    own_plan = acting.role == Role.PARTICIPANT and participant.user_id == acting.user_id
    if not (own_plan or acting.role in Role.care_team()) or (
        acting.organization_id != participant.organization_id
    ):
        raise NotAllowed
    with transaction.atomic():
        # The participant row lock makes two first saves wait for each other (one plan, not two).
        Participant.objects.select_for_update().only("id").get(pk=participant.pk)
        plan = current_plan_for_update(participant)
        latest = plan.versions.first() if plan is not None else None
        number = latest.number if latest is not None else 0
        if latest is not None and number != expected_number:
            raise StaleEdit(current=latest)
        before = latest.plan_content if latest is not None else None
        changed = changed_keys(before, content)
        if latest is not None and not changed:
            return Saved(version=latest, changed=[])
        now = timezone.now()
        if plan is None:
            plan = SafetyPlan.objects.create(
                organization=acting.organization,
                participant=participant,
                updated_by=acting.user,
                updated_by_role=acting.role,
                created_at=now,
                updated_at=now,
            )
        version = SafetyPlanVersion.objects.create(
            organization=acting.organization,
            plan=plan,
            number=number + 1,
            content=content.to_json(),
            changed_by=acting.user,
            changed_by_role=acting.role,
            created_at=now,
        )
        SafetyPlan.objects.filter(pk=plan.pk).update(
            current_number=version.number,
            updated_at=now,
            updated_by=acting.user,
            updated_by_role=acting.role,
        )
        record_member_action(
            acting=acting,
            action=Action.CREATE if number == 0 else Action.UPDATE,
            target=Target.of(plan),
            participant_id=participant.id,
            changed_fields=changed,
        )
    return Saved(version=version, changed=changed)


def current_plan_for_update(participant: Participant) -> SafetyPlan | None:
    return (
        SafetyPlan.objects.select_for_update()
        .filter(organization_id=participant.organization_id, participant=participant)
        .order_by("-updated_at")
        .first()
    )


CRISIS_LINE_FIELDS = ("name", "phone", "text_number", "hours", "note")


def save_crisis_line(
    *, acting: Membership, line: CrisisLine | None, values: dict[str, Any]
) -> CrisisLine:
    """Add a local crisis line to the organization's plans, or correct one."""
    with transaction.atomic():
        if line is None:
            line = CrisisLine.objects.create(
                organization=acting.organization,
                **{k: values[k] for k in CRISIS_LINE_FIELDS},
            )
            changed = [k for k in CRISIS_LINE_FIELDS if values[k]]
            action = Action.CREATE
        else:
            changed = [k for k in CRISIS_LINE_FIELDS if getattr(line, k) != values[k]]
            for key in changed:
                setattr(line, key, values[key])
            line.save()
            action = Action.UPDATE
        record_member_action(
            acting=acting, action=action, target=Target.of(line), changed_fields=changed
        )
    return line


def set_crisis_line_active(*, acting: Membership, line: CrisisLine, active: bool) -> None:
    """Retire a line (it leaves every plan and card at once) or bring it back."""
    with transaction.atomic():
        CrisisLine.objects.filter(pk=line.pk).update(is_active=active, updated_at=timezone.now())
        record_member_action(
            acting=acting, action=Action.UPDATE, target=Target.of(line), changed_fields=["active"]
        )
