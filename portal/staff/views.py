"""What coaches and supervisors do with what participants asked in their portal: mark a call
request handled (from Today) and a goal suggestion talked about (from the plan page)."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from organizations.access import acting_membership, member_required
from organizations.models import Role
from participants.access import owned_or_404
from portal.models import CallRequest, GoalSuggestion
from portal.plan.services import mark_call_handled, mark_suggestion_talked_about


@require_POST
@member_required(*Role.care_team())
def call_handled(request: HttpRequest, call_request_id: object) -> HttpResponse:
    membership = acting_membership(request)
    call_request = owned_or_404(request, CallRequest, id=call_request_id)
    mark_call_handled(acting=membership, request=call_request)
    messages.success(
        request,
        _("Marked handled: %(name)s's call request.")
        % {"name": call_request.participant.preferred_name},
    )
    return redirect("today")


@require_POST
@member_required(*Role.care_team())
def suggestion_talked_about(request: HttpRequest, suggestion_id: object) -> HttpResponse:
    membership = acting_membership(request)
    suggestion = owned_or_404(request, GoalSuggestion, id=suggestion_id)
    mark_suggestion_talked_about(acting=membership, suggestion=suggestion)
    messages.success(request, _("Marked as talked about."))
    return redirect("plans:plan", participant_id=suggestion.participant_id)
