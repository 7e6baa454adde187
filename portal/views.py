"""The participant's home page."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from audit.services import Target, record_page_view
from lib.access import member_required, visible_or_404
from organizations.models import Role
from participants.models import Participant


@member_required(Role.PARTICIPANT)
def home(request: HttpRequest) -> HttpResponse:
    organization = request.organization  # type: ignore[attr-defined]
    participant = visible_or_404(
        Participant.objects.visible_to(request.user, organization).select_related("coach"),
        request,
        user=request.user,
    )
    record_page_view(request=request, target=Target.of(participant), participant_id=participant.id)
    return render(request, "portal/home.html", {"participant": participant})
