"""Audit review for managers (a participant's own access report: participants'
access_report_views)."""

from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.functional import cached_property

from audit.extensions import names_for_audit
from audit.models import Action
from audit.selectors import (
    AuditFilters,
    chain_length,
    events_for_review,
    recent_access_events,
    recent_volume_alerts,
)
from audit.services import Target, record_page_view
from organizations.access import acting_membership, member_required
from organizations.models import Role
from oversight.forms import AuditFilterForm
from oversight.rows import review_rows

PAGE_SIZE = 50
REVIEW_COLUMNS = (
    "created_at",
    "seq",
    "actor_username",
    "role",
    "action",
    "target_type",
    "target_id",
    "participant_id",
    "changed_fields",
)


class WholeTrailPaginator(Paginator):
    """The unfiltered list counts from the chain head: an organization's events are exactly its
    chain's links, numbered 1 to last_seq without gaps (verify_audit checks), and reading the
    head row costs far less than counting a statewide trail (figures:
    bench/results/2026-12-04-measured-design-choices.md)."""

    def __init__(self, *args: Any, chain: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.chain = chain

    @cached_property
    def count(self) -> int:
        return chain_length(self.chain)


@member_required(Role.MANAGER)
def review(request: HttpRequest) -> HttpResponse:
    organization = acting_membership(request).organization
    form = AuditFilterForm(request.GET or None)
    filters = AuditFilters()
    if form.is_valid():
        data = form.cleaned_data
        filters = AuditFilters(
            participant_id=data["participant"],
            participant_name=data["name"].strip(),
            username=data["user"],
            action=data["action"],
            since=data["since"],
            until=data["until"],
        )
    # Recorded first, so this page's own view event is counted with the events it lists.
    record_page_view(
        request=request, target=Target(type="audit.review", id=request.GET.get("page", "1")[:10])
    )
    # The table shows the names and fields copied into each event: no join, no hashes.
    events = events_for_review(organization, filters).only(*REVIEW_COLUMNS)
    paginator = (
        Paginator(events, PAGE_SIZE)
        if filters != AuditFilters()
        else WholeTrailPaginator(events, PAGE_SIZE, chain=organization.pk)
    )
    page = paginator.get_page(request.GET.get("page"))
    # Names are looked up once for the whole page, not per row (the events keep only the id).
    shown = {e.participant_id for e in page.object_list if e.participant_id}
    if filters.participant_id:
        shown.add(filters.participant_id)
    names = names_for_audit(organization, shown)
    return render(
        request,
        "oversight/review.html",
        {
            "form": form,
            "page": page,
            "rows": review_rows(page.object_list, names),
            "filtered_name": names.get(filters.participant_id, "")
            if filters.participant_id
            else "",
            "filtered_by_id": filters.participant_id is not None,
            "alerts": recent_volume_alerts(organization),
            "access_events": recent_access_events(organization),
            "access_actions": Action.access_changes(),
        },
    )
