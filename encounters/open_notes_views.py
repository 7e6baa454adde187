"""Staff side of open notes: withholding a note with a reason, answering a participant's
comment or correction request."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.services import Target, record_page_view
from encounters.forms import AnswerForm, WithholdForm
from encounters.models import Encounter, NoteFeedback
from encounters.open_notes import (
    AlreadyAnswered,
    NotAllowed,
    answer_feedback,
    may_answer,
    share_note,
    withhold_note,
)
from organizations.access import acting_membership, member_required
from organizations.models import Role
from participants.access import owned_or_404


@member_required(*Role.care_team())
def withhold(request: HttpRequest, encounter_id: object) -> HttpResponse:
    encounter = owned_or_404(request, Encounter, id=encounter_id)
    membership = acting_membership(request)
    if not may_answer(membership, encounter):
        raise PermissionDenied
    initial = {"reason": encounter.withheld_reason, "comment": encounter.withheld_detail}
    form = WithholdForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        withhold_note(
            acting=membership,
            encounter=encounter,
            reason=form.cleaned_data["reason"],
            detail=form.cleaned_data["comment"],
        )
        messages.success(
            request,
            _("This note is not shared with %(name)s. They see the date and your reason.")
            % {"name": encounter.participant.preferred_name},
        )
        return redirect("encounters:detail", encounter_id=encounter.id)
    record_page_view(
        request=request, target=Target.of(encounter), participant_id=encounter.participant_id
    )
    return render(request, "encounters/withhold.html", {"form": form, "encounter": encounter})


@require_POST
@member_required(*Role.care_team())
def share(request: HttpRequest, encounter_id: object) -> HttpResponse:
    encounter = owned_or_404(request, Encounter, id=encounter_id)
    try:
        share_note(acting=acting_membership(request), encounter=encounter)
    except NotAllowed as refused:
        raise PermissionDenied from refused
    messages.success(
        request,
        _("Shared: %(name)s can read this note.") % {"name": encounter.participant.preferred_name},
    )
    return redirect("encounters:detail", encounter_id=encounter.id)


@member_required(*Role.care_team())
def feedback_answer(request: HttpRequest, feedback_id: object) -> HttpResponse:
    membership = acting_membership(request)
    feedback = owned_or_404(request, NoteFeedback, related=("encounter",), id=feedback_id)
    if not may_answer(membership, feedback.encounter):
        raise PermissionDenied
    form = AnswerForm(request.POST or None, kind=feedback.kind)
    if request.method == "POST" and form.is_valid() and feedback.is_open:
        try:
            answer_feedback(
                acting=membership,
                feedback=feedback,
                decision=form.cleaned_data["decision"],
                answer=form.cleaned_data["text"],
            )
        except AlreadyAnswered as answered:
            feedback = answered.current
        else:
            messages.success(
                request,
                _("Answered. %(name)s can read your answer.")
                % {"name": feedback.participant.preferred_name},
            )
            return redirect("encounters:detail", encounter_id=feedback.encounter_id)
    record_page_view(
        request=request, target=Target.of(feedback), participant_id=feedback.participant_id
    )
    return render(request, "encounters/feedback_answer.html", {"form": form, "feedback": feedback})
