"""The caseload list and the participant overview."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from audit.services import Target, record_page_view
from lib.access import member_required, visible_or_404
from organizations.models import Role
from participants.models import Participant, ParticipantStatus
from participants.selectors import SORTS, caseload

PAGE_SIZE = 25
CASELOAD_ROLES = (Role.COACH, Role.SUPERVISOR, Role.MANAGER)


@member_required(*CASELOAD_ROLES)
def participant_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    status = request.GET.get("status", "")
    sort = request.GET.get("sort", "name")
    if sort not in SORTS:
        sort = "name"
    participants = caseload(
        user=request.user,
        organization=request.organization,  # type: ignore[attr-defined]
        query=query,
        status=status,
        sort=sort,
    )
    page = Paginator(participants, PAGE_SIZE).get_page(request.GET.get("page"))
    record_page_view(request=request, target=Target(type="participants.list", id=str(page.number)))
    return render(
        request,
        "participants/list.html",
        {
            "page": page,
            "q": query,
            "status": status,
            "sort": sort,
            "statuses": ParticipantStatus.choices,
        },
    )


@member_required(*CASELOAD_ROLES)
def participant_detail(request: HttpRequest, participant_id: object) -> HttpResponse:
    organization = request.organization  # type: ignore[attr-defined]
    participant = visible_or_404(
        Participant.objects.visible_to(request.user, organization).select_related("coach"),
        request,
        id=participant_id,
    )
    record_page_view(request=request, target=Target.of(participant), participant_id=participant.id)
    return render(request, "participants/detail.html", {"participant": participant})
