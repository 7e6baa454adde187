"""The recovery plan pages: read, write goals and steps, agreement, versions, print, milestones."""

from typing import Any

from django.contrib import messages
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.services import Target, record_page_view
from lib.once import create_once, one_time_submit
from organizations.access import acting_membership, member_required
from organizations.models import Role
from participants.access import owned_or_404, participant_or_404
from participants.models import Participant
from plans.forms import (
    AgreementForm,
    GoalForm,
    MilestoneForm,
    NewGoalForm,
    NewMilestoneForm,
    StepFormSet,
    StrengthForm,
    step_initial,
    step_values,
)
from plans.models import ActionStep, Goal, Milestone, PlanVersion, Strength
from plans.selectors import compare, goals_with_activity
from plans.services import (
    StaleGoal,
    StaleMilestone,
    add_milestone,
    add_strength,
    plan_for,
    record_agreement,
    remove_goal,
    save_goal,
    set_step_done,
    update_milestone,
)


def _viewed(request: HttpRequest, what: str, obj: Model | None, participant: Participant) -> None:
    record_page_view(
        request=request,
        target=Target(type=what, id=str(obj.pk) if obj else str(participant.id)),
        participant_id=participant.id,
    )


@member_required(*Role.with_participant_access())
def plan(request: HttpRequest, participant_id: object) -> HttpResponse:
    participant = participant_or_404(request, participant_id)
    current = plan_for(participant)
    _viewed(request, "plans.plan", current, participant)
    return render(
        request,
        "plans/plan.html",
        {
            "participant": participant,
            "plan": current,
            "goals": goals_with_activity(current) if current else [],
            "can_write": acting_membership(request).role in Role.care_team(),
            "today": timezone.localdate(),
        },
    )


def _goal_page(
    request: HttpRequest,
    participant: Participant,
    goal: Goal | None,
    form: GoalForm,
    steps: Any,
    saved: Goal | None = None,
) -> HttpResponse:
    return render(
        request,
        "plans/goal_form.html",
        {
            "participant": participant,
            "goal": goal,
            "form": form,
            "steps": steps,
            "saved": saved,
        },
    )


@member_required(*Role.care_team())
@one_time_submit
def goal_new(request: HttpRequest, participant_id: object) -> HttpResponse:
    participant = participant_or_404(request, participant_id)
    form = NewGoalForm(request.POST or None)
    steps = StepFormSet(request.POST or None, prefix="steps")
    if request.method == "POST" and form.is_valid() and steps.is_valid():
        saved = create_once(
            request,
            create=lambda: save_goal(
                acting=acting_membership(request),
                participant=participant,
                values=form.goal_values(),
                steps=step_values(steps),
            ),
            location=lambda goal: f"{_plan_url(participant)}#goal-{goal.id}",
        )
        messages.success(request, _("Goal added to the plan."))
        return redirect(saved.location)
    return _goal_page(request, participant, None, form, steps)


def _plan_url(participant: Participant) -> str:
    return reverse("plans:plan", kwargs={"participant_id": participant.id})


@member_required(*Role.care_team())
def goal_edit(request: HttpRequest, goal_id: object) -> HttpResponse:
    goal = owned_or_404(request, Goal, id=goal_id, removed_at__isnull=True)
    participant = goal.participant
    form = GoalForm(request.POST or None, instance=goal)
    steps = StepFormSet(request.POST or None, prefix="steps", initial=step_initial(goal))
    if request.method == "POST" and form.is_valid() and steps.is_valid():
        try:
            save_goal(
                acting=acting_membership(request),
                participant=participant,
                goal=goal,
                values=form.goal_values(),
                steps=step_values(steps),
                expected_version=form.cleaned_data.get("version") or 0,
            )
        except StaleGoal as stale:
            messages.error(
                request,
                _(
                    "Someone saved this goal while you were writing. What you wrote is below and "
                    "nothing was overwritten; the saved version is shown beside it. Check and "
                    "save again."
                ),
            )
            data = request.POST.copy()
            data["version"] = str(stale.current.version)
            # A fresh instance: validating the form must not paint over the saved goal shown.
            form = GoalForm(data, instance=Goal.objects.get(pk=goal.pk))
            return _goal_page(request, participant, goal, form, steps, saved=stale.current)
        messages.success(request, _("Goal saved. The plan has a new version."))
        return redirect(f"{_plan_url(participant)}#goal-{goal.id}")
    _viewed(request, "plans.goal", goal, participant)
    return _goal_page(request, participant, goal, form, steps)


@member_required(*Role.care_team())
def goal_remove(request: HttpRequest, goal_id: object) -> HttpResponse:
    goal = owned_or_404(request, Goal, id=goal_id, removed_at__isnull=True)
    if request.method == "POST":
        remove_goal(acting=acting_membership(request), goal=goal)
        messages.success(request, _("The goal is off the plan. Earlier versions still show it."))
        return redirect("plans:plan", participant_id=goal.participant_id)
    _viewed(request, "plans.goal", goal, goal.participant)
    return render(
        request, "plans/goal_remove.html", {"goal": goal, "participant": goal.participant}
    )


@require_POST
@member_required(*Role.care_team())
def step_done(request: HttpRequest, step_id: object) -> HttpResponse:
    membership = acting_membership(request)
    step = owned_or_404(request, ActionStep, id=step_id, goal__removed_at__isnull=True)
    done = request.POST.get("done") == "1"
    set_step_done(acting=membership, step=step, done=done)
    messages.success(request, _("Step marked done. Well walked.") if done else _("Step reopened."))
    return redirect(f"{_plan_url(step.goal.participant)}#goal-{step.goal_id}")


@member_required(*Role.care_team())
def agree(request: HttpRequest, participant_id: object) -> HttpResponse:
    participant = participant_or_404(request, participant_id)
    current = plan_for(participant)
    if current is None or current.version == 0:
        raise Http404
    form = AgreementForm(request.POST or None, initial={"agreed_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        record_agreement(
            acting=acting_membership(request),
            plan=current,
            agreed_on=form.cleaned_data["agreed_on"],
            method="in_person",
        )
        messages.success(request, _("Their agreement with this version is recorded."))
        return redirect("plans:plan", participant_id=participant.id)
    _viewed(request, "plans.plan", current, participant)
    return render(
        request,
        "plans/agree.html",
        {"participant": participant, "plan": current, "goals": goals_with_activity(current),
         "form": form},
    )  # fmt: skip


@member_required(*Role.with_participant_access())
def versions(request: HttpRequest, participant_id: object) -> HttpResponse:
    participant = participant_or_404(request, participant_id)
    current = plan_for(participant)
    _viewed(request, "plans.versions", current, participant)
    rows = (
        list(PlanVersion.objects.filter(plan=current).select_related("changed_by"))
        if current
        else []
    )
    return render(
        request,
        "plans/versions.html",
        {"participant": participant, "plan": current, "versions": rows},
    )


def _version_number(value: str | None, default: int) -> int:
    try:
        return int(value) if value else default
    except ValueError:
        return default


@member_required(*Role.with_participant_access())
def compare_versions(request: HttpRequest, participant_id: object) -> HttpResponse:
    participant = participant_or_404(request, participant_id)
    current = plan_for(participant)
    if current is None or current.version == 0:
        raise Http404
    newer_number = _version_number(request.GET.get("to"), current.version)
    older_number = _version_number(request.GET.get("from"), max(1, newer_number - 1))
    found = {
        v.number: v
        for v in PlanVersion.objects.filter(
            plan=current, number__in=[older_number, newer_number]
        ).select_related("changed_by")
    }
    older, newer = found.get(older_number), found.get(newer_number)
    if older is None or newer is None:
        raise Http404
    _viewed(request, "plans.versions", current, participant)
    return render(
        request,
        "plans/compare.html",
        {
            "participant": participant,
            "plan": current,
            "older": older,
            "newer": newer,
            "changes": compare(older, newer),
            "numbers": range(1, current.version + 1),
        },
    )


@member_required(*Role.with_participant_access())
def print_plan(request: HttpRequest, participant_id: object) -> HttpResponse:
    participant = participant_or_404(request, participant_id)
    current = plan_for(participant)
    _viewed(request, "plans.print", current, participant)
    return render(
        request,
        "plans/print.html",
        {
            "participant": participant,
            "plan": current,
            "goals": goals_with_activity(current) if current else [],
            "milestones": list(Milestone.objects.filter(participant=participant)),
            "strengths": list(Strength.objects.filter(participant=participant)[:12]),
        },
    )


@member_required(*Role.with_participant_access())
def milestones(request: HttpRequest, participant_id: object) -> HttpResponse:
    participant = participant_or_404(request, participant_id)
    _viewed(request, "plans.milestones", None, participant)
    today = timezone.localdate()
    return render(
        request,
        "plans/milestones.html",
        {
            "participant": participant,
            "milestones": [
                (m, m.days_since(today)) for m in Milestone.objects.filter(participant=participant)
            ],
            "strengths": list(Strength.objects.filter(participant=participant)),
            "can_write": acting_membership(request).role in Role.care_team(),
        },
    )


def _milestones_url(participant: Participant) -> str:
    return reverse("plans:milestones", kwargs={"participant_id": participant.id})


@member_required(*Role.care_team())
@one_time_submit
def milestone_new(request: HttpRequest, participant_id: object) -> HttpResponse:
    participant = participant_or_404(request, participant_id)
    form = NewMilestoneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        saved = create_once(
            request,
            create=lambda: add_milestone(
                acting=acting_membership(request),
                participant=participant,
                values=form.milestone_values(),
            ),
            location=lambda milestone: _milestones_url(participant),
        )
        messages.success(request, _("Milestone added."))
        return redirect(saved.location)
    return render(
        request,
        "plans/simple_form.html",
        {"participant": participant, "form": form, "title": _("Add a milestone"),
         "submit": _("Add milestone")},
    )  # fmt: skip


@member_required(*Role.care_team())
def milestone_edit(request: HttpRequest, milestone_id: object) -> HttpResponse:
    milestone = owned_or_404(request, Milestone, id=milestone_id)
    form = MilestoneForm(request.POST or None, instance=milestone)
    if request.method == "POST" and form.is_valid():
        try:
            update_milestone(
                acting=acting_membership(request),
                milestone=milestone,
                values=form.milestone_values(),
                expected_version=form.cleaned_data.get("version") or 0,
            )
        except StaleMilestone as stale:
            messages.error(
                request,
                _(
                    "Someone changed this milestone meanwhile: it now reads \u201c%(title)s\u201d "
                    "on %(day)s. Your version is below; save again to keep yours."
                )
                % {"title": stale.current.title, "day": stale.current.happened_on},
            )
            data = request.POST.copy()
            data["version"] = str(stale.current.version)
            form = MilestoneForm(data, instance=stale.current)
        else:
            messages.success(request, _("Milestone saved."))
            return redirect("plans:milestones", participant_id=milestone.participant_id)
    _viewed(request, "plans.milestone", milestone, milestone.participant)
    return render(
        request,
        "plans/simple_form.html",
        {"participant": milestone.participant, "form": form, "title": _("Change a milestone"),
         "submit": _("Save milestone")},
    )  # fmt: skip


@member_required(*Role.care_team())
@one_time_submit
def strength_new(request: HttpRequest, participant_id: object) -> HttpResponse:
    participant = participant_or_404(request, participant_id)
    form = StrengthForm(request.POST or None, initial={"noted_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        saved = create_once(
            request,
            create=lambda: add_strength(
                acting=acting_membership(request), participant=participant, **form.cleaned_data
            ),
            location=lambda strength: _milestones_url(participant),
        )
        messages.success(request, _("Added to their strengths."))
        return redirect(saved.location)
    return render(
        request,
        "plans/simple_form.html",
        {"participant": participant, "form": form, "title": _("Add a strength"),
         "submit": _("Add")},
    )  # fmt: skip
