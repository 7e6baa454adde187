"""Staff pages for a participant's safety plan, its history and wallet card; local crisis lines."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from audit.services import Target, record_page_view
from lib.once import create_once, one_time_submit
from organizations.access import acting_membership, member_required, visible_or_404
from organizations.models import Role
from participants.access import owned_or_404, participant_or_404
from participants.models import Participant
from safety.content import compare, shown_steps
from safety.editing import attempt_edit
from safety.forms import CrisisLineForm, NewCrisisLineForm
from safety.models import CrisisLine, SafetyPlanVersion
from safety.selectors import (
    crisis_lines,
    current_plan,
    previous_version,
    versions_of,
    wallet_card_context,
)
from safety.services import save_crisis_line, set_crisis_line_active


def _viewed(request: HttpRequest, kind: str, object_id: object, participant: Participant) -> None:
    record_page_view(
        request=request,
        target=Target(type=f"safety.{kind}", id=str(object_id)),
        participant_id=participant.id,
    )


@member_required(*Role.with_participant_access())
def plan_detail(request: HttpRequest, participant_id: object) -> HttpResponse:
    participant = participant_or_404(request, participant_id)
    _viewed(request, "plan", participant.id, participant)
    current = current_plan(participant)
    return render(
        request,
        "safety/plan.html",
        {
            "participant": participant,
            "current": current,
            "steps": shown_steps(current.content),
            "crisis_lines": crisis_lines(acting_membership(request).organization),
        },
    )


@member_required(*Role.care_team())
def plan_edit(request: HttpRequest, participant_id: object) -> HttpResponse:
    participant = participant_or_404(request, participant_id)
    membership = acting_membership(request)
    attempt = attempt_edit(
        data=request.POST if request.method == "POST" else None,
        acting=membership,
        participant=participant,
        check_language=True,
    )
    if attempt.saved is not None:
        if attempt.saved.changed:
            messages.success(request, _("Saved as a new version of the plan."))
        else:
            messages.info(request, _("Nothing was changed."))
        return redirect("safety:plan", participant_id=participant.id)
    _viewed(request, "plan_form", participant.id, participant)
    return render(
        request,
        "safety/form.html",
        {
            "participant": participant,
            "form": attempt.form,
            "steps": attempt.steps,
            "conflict": attempt.conflict,
            "current": attempt.current,
            "crisis_lines": crisis_lines(membership.organization),
        },
    )


@member_required(*Role.with_participant_access())
def plan_versions(request: HttpRequest, participant_id: object) -> HttpResponse:
    participant = participant_or_404(request, participant_id)
    _viewed(request, "versions", participant.id, participant)
    return render(
        request,
        "safety/versions.html",
        {"participant": participant, "versions": list(versions_of(participant))},
    )


@member_required(*Role.with_participant_access())
def version_detail(request: HttpRequest, version_id: object) -> HttpResponse:
    version = owned_or_404(request, SafetyPlanVersion, related=("changed_by",), id=version_id)
    participant = version.plan.participant
    _viewed(request, "version", version.id, participant)
    before = previous_version(version)
    return render(
        request,
        "safety/version.html",
        {
            "participant": participant,
            "version": version,
            "previous": before,
            "is_current": version.number == version.plan.current_number,
            "changes": compare(before.plan_content if before else None, version.plan_content),
            "steps": shown_steps(version.plan_content),
        },
    )


@member_required(*Role.with_participant_access())
def wallet_card(request: HttpRequest, participant_id: object) -> HttpResponse:
    participant = participant_or_404(request, participant_id)
    _viewed(request, "card", participant.id, participant)
    return render(
        request,
        "safety/card.html",
        wallet_card_context(participant, acting_membership(request).organization),
    )


@member_required(Role.ADMIN)
@one_time_submit
def crisis_line_list(request: HttpRequest) -> HttpResponse:
    membership = acting_membership(request)
    lines = CrisisLine.objects.filter(organization=membership.organization).order_by(
        "-is_active", "name"
    )
    if request.method == "POST" and "line" in request.POST:
        line = visible_or_404(lines, request, id=request.POST.get("line", ""))
        set_crisis_line_active(acting=membership, line=line, active=not line.is_active)
        if line.is_active:
            messages.success(request, _("%(name)s is retired from plans.") % {"name": line.name})
        else:
            messages.success(request, _("%(name)s is back on plans.") % {"name": line.name})
        return redirect("safety:crisis_lines")
    form = NewCrisisLineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        saved = create_once(
            request,
            create=lambda: save_crisis_line(acting=membership, line=None, values=form.cleaned_data),
            location=lambda line: reverse("safety:crisis_lines"),
        )
        messages.success(request, _("Added %(name)s to every plan.") % {"name": saved.obj.name})
        return redirect(saved.location)
    return render(request, "safety/crisis_lines.html", {"lines": lines, "form": form})


@member_required(Role.ADMIN)
def crisis_line_edit(request: HttpRequest, line_id: object) -> HttpResponse:
    membership = acting_membership(request)
    line = visible_or_404(
        CrisisLine.objects.filter(organization=membership.organization), request, id=line_id
    )
    form = CrisisLineForm(request.POST or None, initial=CrisisLineForm.initial_for(line))
    if request.method == "POST" and form.is_valid():
        save_crisis_line(acting=membership, line=line, values=form.cleaned_data)
        messages.success(request, _("Saved %(name)s.") % {"name": form.cleaned_data["name"]})
        return redirect("safety:crisis_lines")
    return render(request, "safety/crisis_line.html", {"line": line, "form": form})
