"""The participant's check-in, "I'd like a call", my plan (steps, suggestions, agreement,
milestones) and editing my safety plan. Everything starts from `own_participant(request)`."""

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessments.engine import InvalidAnswer
from audit.services import Target, record_page_view
from lib.once import create_once, one_time_submit
from organizations.access import acting_membership, visible_or_404
from overdose.models import ReportedBy
from overdose.services import record_overdose
from participants.models import Participant
from plans.models import ActionStep, AgreementMethod, Goal, RecoveryPlan
from plans.services import add_milestone, record_agreement, set_step_done
from portal.access import own_participant, participant_required
from portal.models import CallSource
from portal.plan.forms import AgreeForm, MyMilestoneForm, MyOverdoseForm, SuggestionForm
from portal.plan.selectors import (
    check_in_form,
    check_in_language,
    my_goals,
    my_plan_page,
    open_call_request,
    todays_check_in,
)
from portal.plan.services import record_check_in, request_call, suggest_goal_change
from reachout.hours import coach_back_at
from reachout.selectors import raised_for
from safety.editing import attempt_edit
from safety.selectors import crisis_lines, wallet_card_context


def _viewed(request: HttpRequest, what: str, object_id: object, participant: Participant) -> None:
    record_page_view(
        request=request, target=Target(type=what, id=str(object_id)), participant_id=participant.id
    )


# --- check-in and calls ----------------------------------------------------------------------


@participant_required
@one_time_submit
def check_in(request: HttpRequest) -> HttpResponse:
    """Today's check-in: the home page shows the same form; this page takes it (and works alone)."""
    participant = own_participant(request)
    form = check_in_form(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            create_once(
                request,
                create=lambda: record_check_in(
                    acting=acting_membership(request),
                    participant=participant,
                    language=check_in_language(),
                    answers=form.answers(),
                ),
                location=lambda done: reverse("portal:check_in_thanks"),
                target=lambda done: done.assessment.id,
            )
        except InvalidAnswer:
            form.add_error(None, _("One answer did not fit. Please choose again."))
        else:
            return redirect("portal:check_in_thanks")
    return render(request, "portal/check_in.html", {"participant": participant, "form": form})


@participant_required
def check_in_thanks(request: HttpRequest) -> HttpResponse:
    participant = own_participant(request)
    done = todays_check_in(participant, timezone.localdate())
    if done is None:
        return redirect("portal:check_in")
    reaching_out = raised_for(done.id)
    return render(
        request,
        "portal/check_in_thanks.html",
        {
            "participant": participant,
            "done": done,
            "open_call": open_call_request(participant),
            "reaching_out": reaching_out,
            "crisis_lines": crisis_lines(participant.organization) if reaching_out else [],
            "back_at": coach_back_at(participant.organization, timezone.now()),
        },
    )


@participant_required
def call(request: HttpRequest) -> HttpResponse:
    """Ask for a call. The page says when the coach usually answers and that 988 is there now."""
    participant = own_participant(request)
    if request.method == "POST":
        # Without a coach nobody's Today would show the request; the page says whom to call.
        if participant.coach_id is not None:
            asked = request_call(
                acting=acting_membership(request),
                participant=participant,
                source=CallSource.HELP_NOW,
            )
            if asked.created:
                messages.success(request, _("Your coach will see that you'd like a call."))
        return redirect("portal:call")
    _viewed(request, "portal.callrequest", participant.id, participant)
    return render(
        request,
        "portal/call.html",
        {
            "participant": participant,
            "open_call": open_call_request(participant),
            "back_at": coach_back_at(participant.organization, timezone.now()),
        },
    )


@participant_required
@one_time_submit
def overdose_report(request: HttpRequest) -> HttpResponse:
    """I tell my coach about an overdose, mine or one where I helped someone: it goes on my
    record as if my coach wrote it, and my own starts their outreach within 72 hours."""
    participant = own_participant(request)
    form = MyOverdoseForm(request.POST or None, initial={"happened_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        values = form.event_values()
        saved = create_once(
            request,
            create=lambda: record_overdose(
                acting=acting_membership(request),
                participant=participant,
                values=values,
                reported_by=ReportedBy.PARTICIPANT,
            ),
            location=lambda _event: reverse("portal:overdose_report") + "?told=" + values["whose"],
        )
        return redirect(saved.location)
    told = request.GET.get("told", "")
    return render(
        request,
        "portal/overdose_report.html",
        {
            "participant": participant,
            "form": form,
            "told": told if told in ("their_own", "they_helped") else "",
            "crisis_lines": crisis_lines(participant.organization),
        },
        status=400 if request.method == "POST" else 200,
    )


# --- my plan ---------------------------------------------------------------------------------


def _plan_page(request: HttpRequest, participant: Participant, agree_form: AgreeForm) -> Any:
    context = my_plan_page(participant=participant, today=timezone.localdate())
    context["agree_form"] = agree_form
    _viewed(request, "plans.plan", context["plan"].pk if context["plan"] else "", participant)
    return render(request, "portal/my_plan.html", context)


@participant_required
def my_plan(request: HttpRequest) -> HttpResponse:
    return _plan_page(request, own_participant(request), AgreeForm())


@participant_required
@one_time_submit
def goal(request: HttpRequest, goal_id: object) -> HttpResponse:
    """One of my goals: its steps, a way to suggest a change, and my safety plan one tap away."""
    participant = own_participant(request)
    scoped = Goal.objects.filter(participant=participant, removed_at__isnull=True)
    mine = my_goals(participant, goal=visible_or_404(scoped, request, id=goal_id))[0]
    form = SuggestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        saved = create_once(
            request,
            create=lambda: suggest_goal_change(
                acting=acting_membership(request), goal=mine.goal, text=form.cleaned_data["text"]
            ),
            location=lambda suggestion: reverse("portal:goal", kwargs={"goal_id": mine.goal.id}),
        )
        messages.success(request, _("Thank you. Your coach will talk it over with you."))
        return redirect(saved.location)
    _viewed(request, "plans.goal", mine.goal.id, participant)
    return render(
        request, "portal/goal.html", {"participant": participant, "mine": mine, "form": form}
    )


@require_POST
@participant_required
def step_done(request: HttpRequest, step_id: object) -> HttpResponse:
    participant = own_participant(request)
    step: ActionStep = visible_or_404(
        ActionStep.objects.filter(
            goal__participant=participant, goal__removed_at__isnull=True
        ).select_related("goal__participant"),
        request,
        id=step_id,
    )
    done = request.POST.get("done") == "1"
    set_step_done(acting=acting_membership(request), step=step, done=done)
    messages.success(request, _("Step done. Well walked.") if done else _("Step opened again."))
    back = request.POST.get("back") == "goal"
    target = reverse("portal:goal", kwargs={"goal_id": step.goal_id}) if back else None
    return redirect(target or f"{reverse('portal:my_plan')}#goal-{step.goal_id}")


@require_POST
@participant_required
def agree(request: HttpRequest) -> HttpResponse:
    participant = own_participant(request)
    plan = RecoveryPlan.objects.filter(participant=participant, version__gt=0).first()
    if plan is None:
        raise Http404
    form = AgreeForm(request.POST)
    if not form.is_valid():
        return _plan_page(request, participant, form)
    record_agreement(
        acting=acting_membership(request),
        plan=plan,
        agreed_on=timezone.localdate(),
        method=AgreementMethod.PORTAL,
    )
    messages.success(request, _("Thank you. Your coach will see that you agree with your plan."))
    return redirect("portal:my_plan")


@participant_required
@one_time_submit
def milestone_new(request: HttpRequest) -> HttpResponse:
    participant = own_participant(request)
    form = MyMilestoneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        saved = create_once(
            request,
            create=lambda: add_milestone(
                acting=acting_membership(request),
                participant=participant,
                values=form.milestone_values(),
            ),
            location=lambda milestone: f"{reverse('portal:my_plan')}#milestones-heading",
        )
        messages.success(request, _("Your milestone is added."))
        return redirect(saved.location)
    return render(request, "portal/milestone_form.html", {"participant": participant, "form": form})


# --- my safety plan --------------------------------------------------------------------------


@participant_required
def safety_plan_edit(request: HttpRequest) -> HttpResponse:
    """I change my own safety plan; a newer save by my coach is never overwritten silently."""
    participant = own_participant(request)
    # The participant's own words get no language suggestions: they are theirs.
    attempt = attempt_edit(
        data=request.POST if request.method == "POST" else None,
        acting=acting_membership(request),
        participant=participant,
        check_language=False,
    )
    if attempt.saved is not None:
        if attempt.saved.changed:
            messages.success(request, _("Saved. Your coach can see the new version."))
        else:
            messages.info(request, _("Nothing was changed."))
        return redirect("portal:safety_plan")
    _viewed(request, "safety.plan_form", participant.id, participant)
    return render(
        request,
        "portal/safety_plan_edit.html",
        {
            "participant": participant,
            "form": attempt.form,
            "steps": attempt.steps,
            "conflict": attempt.conflict,
            "current": attempt.current,
            "crisis_lines": crisis_lines(participant.organization),
        },
    )


@participant_required
def safety_card(request: HttpRequest) -> HttpResponse:
    participant = own_participant(request)
    _viewed(request, "safety.card", participant.id, participant)
    return render(
        request,
        "portal/safety_card.html",
        wallet_card_context(participant, participant.organization),
    )
