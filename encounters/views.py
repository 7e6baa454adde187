"""The coach's day."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from audit.services import Target, record_page_view
from lib.access import member_required
from organizations.models import Role
from participants.models import Participant, ParticipantStatus


@member_required(Role.COACH, Role.SUPERVISOR)
def today(request: HttpRequest) -> HttpResponse:
    mine = (
        Participant.objects.visible_to(request.user, request.organization)  # type: ignore[attr-defined]
        .filter(coach_id=request.user.pk, status=ParticipantStatus.ACTIVE)
        .order_by("preferred_name")
    )
    record_page_view(request=request, target=Target(type="encounters.today", id=""))
    return render(request, "encounters/today.html", {"caseload": mine})
