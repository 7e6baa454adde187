"""The one way a safety plan is written from its form, for the coach's page and the portal alike:
build the form, save a new version, or keep what was typed beside a newer save."""

from dataclasses import dataclass
from typing import Any

from django.http import QueryDict

from organizations.models import Membership
from participants.models import Participant
from safety.content import PARTS, STEP_TITLES, Kind, compare
from safety.forms import SafetyPlanForm
from safety.selectors import CurrentPlan, current_plan
from safety.services import Saved, StaleEdit, save_safety_plan


@dataclass
class EditAttempt:
    current: CurrentPlan
    form: SafetyPlanForm
    conflict: dict[str, Any] | None = None
    saved: Saved | None = None

    @property
    def steps(self) -> list[dict[str, Any]]:
        return form_steps(self.form)


def form_steps(form: SafetyPlanForm) -> list[dict[str, Any]]:
    """The form's fields grouped by the six steps, in the order the plan shows them."""
    steps: dict[int, dict[str, Any]] = {}
    for part in PARTS:
        step = steps.setdefault(part.step, {"number": part.step, "title": STEP_TITLES[part.step]})
        entry: dict[str, Any] = {"part": part}
        if part.kind == Kind.LINES:
            entry["field"] = form[part.key]
        else:
            entry["rows"] = form.rows(part.key)
        step.setdefault("parts", []).append(entry)
    return list(steps.values())


def attempt_edit(
    *,
    data: QueryDict | None,
    acting: Membership,
    participant: Participant,
    check_language: bool,
) -> EditAttempt:
    """Save the posted plan as a new version; a save based on an older version is refused and
    every word typed is kept, with the newer version's differences beside it."""
    current = current_plan(participant)
    form = SafetyPlanForm(
        data, content=current.content, number=current.number, check_language=check_language
    )
    if data is None or not form.is_valid():
        return EditAttempt(current, form)
    try:
        saved = save_safety_plan(
            acting=acting,
            participant=participant,
            content=form.content(),
            expected_number=form.cleaned_data.get("version") or 0,
        )
    except StaleEdit as stale:
        newer, typed = stale.current, form.content()
        conflict = {
            "version": newer,
            "rows": [
                (c.part, newer.plan_content.lines(c.part.key), typed.lines(c.part.key))
                for c in compare(newer.plan_content, typed)
                if c.changed
            ],
        }
        retry = data.copy()
        retry["version"] = str(newer.number)
        form = SafetyPlanForm(
            retry, content=newer.plan_content, number=newer.number, check_language=check_language
        )
        form.is_valid()
        return EditAttempt(current, form, conflict=conflict)
    return EditAttempt(current, form, saved=saved)
