"""Who viewed or changed a participant's record: the report a participant can ask for (printable).

It keeps its address and name (audit:access) beside the audit review: the project composes them
(`cairn/urls.py`), so `audit` never imports `participants`."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from audit.selectors import access_report
from audit.services import Target, record_page_view
from organizations.access import acting_membership, member_required
from organizations.models import Role
from participants.access import participant_or_404

PAGE_SIZE = 50


@member_required(*Role.with_participant_access())
def participant_access(request: HttpRequest, participant_id: object) -> HttpResponse:
    """Who viewed or changed this record: the report a participant can ask for (printable)."""
    organization = acting_membership(request).organization
    participant = participant_or_404(request, participant_id)
    ids = [participant.id, *participant.merged_from.values_list("id", flat=True)]
    record_page_view(
        request=request,
        target=Target(type="audit.access_report", id=str(participant.id)),
        participant_id=participant.id,
    )
    page = Paginator(access_report(ids, organization), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "participants/access_report.html", {"participant": participant, "page": page}
    )
