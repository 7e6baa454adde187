"""The program dashboard, the people behind a figure, its aggregate CSV and a coach's own view.

Each may read from a replica (`lib.db_routing`): figures a few seconds old are still true
figures, and these are the heaviest reads Cairn makes."""

from datetime import date, timedelta
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.selectors import own_reassessments_due
from assessments.suprt import own_suprt_due
from audit.models import Action
from audit.services import Target, record_event, record_page_view
from encounters.models import ContactType, Encounter
from lib.db_routing import replica_reads
from lib.spreadsheet import CsvWriter, csv_response
from organizations.access import acting_membership, member_required
from organizations.models import Role
from participants.models import Participant
from participants.selectors import caseload_counts
from reports import cache, drill, extensions, selectors, tables
from reports.forms import FilterForm

PAGE_SIZE = 50


def _form(request: HttpRequest) -> FilterForm:
    return FilterForm(
        request.GET or None, membership=acting_membership(request), today=timezone.localdate()
    )


@member_required(*Role.with_participant_access())
@replica_reads()
def dashboard(request: HttpRequest) -> HttpResponse:
    """Managers see the organization, supervisors their team; a coach has their own view."""
    membership = acting_membership(request)
    if membership.role == Role.COACH:
        return redirect("reports:mine")
    form = _form(request)
    filters = form.filters()
    # Read once: the dashboard's figures and the apps' own are kept under the same key.
    kept_as = cache.key(user=request.user, organization=membership.organization, filters=filters)
    data = selectors.dashboard(
        user=request.user, organization=membership.organization, filters=filters, kept_as=kept_as
    )
    link = linker(request)
    report = tables.build(
        data,
        deidentified=form.deidentified,
        link=link,
        coaches=form.coach_ids(),
        services={name: pk for pk, name in form.service_names()},
        extra=extensions.headlines(
            user=request.user,
            organization=membership.organization,
            filters=filters,
            deidentified=form.deidentified,
            link=None if form.deidentified else link,
            kept_as=kept_as,
        ),
    )
    return render(
        request,
        "reports/dashboard.html",
        {"form": form, "filters": filters, "report": report, "query": request.GET.urlencode()},
    )


@member_required(*Role.oversight())
@replica_reads()
def rows(request: HttpRequest, figure: str) -> HttpResponse:
    """The people or contacts behind one figure or one cell of a table, each person linking to
    their overview; only those one may see (`reports.drill`)."""
    membership = acting_membership(request)
    form = _form(request)
    if form.is_bound and not form.is_valid():
        raise Http404  # a filter this member cannot use (another team's coach): no rows
    filters = form.filters()
    services = dict(form.service_names())
    found, cell, listing = drill.listing(
        figure,
        query=request.GET,
        user=request.user,
        organization=membership.organization,
        filters=filters,
        services=set(services),
    )
    page = Paginator(listing.items, PAGE_SIZE).get_page(request.GET.get("page"))
    record_page_view(request=request, target=Target(type="reports.rows", id=figure))
    return render(
        request,
        "reports/rows.html",
        {
            "title": found.title,
            "cell": drill.cell_title(cell, {k: str(v) for k, v in ContactType.choices}, services),
            "listing": listing,
            "rows": [listing.row(item) for item in page],
            "page": page,
            "filters": filters,
            "query": form_query(request),
        },
    )


def form_query(request: HttpRequest) -> str:
    """The filters of the page, without the page number or the cell, to go back to the
    dashboard."""
    query = request.GET.copy()
    for key in ("page", *drill.CELL_PARAMS):
        query.pop(key, None)
    return query.urlencode()


def linker(request: HttpRequest) -> tables.Link:
    """Links from the dashboard's figures to their rows, keeping the filters (never a name)."""
    base = request.GET.copy()
    for key in ("page", *drill.CELL_PARAMS):
        base.pop(key, None)
    filters = base.urlencode()
    paths: dict[str, str] = {}

    # The dashboard links some 250 cells: the filters are encoded and each figure's path
    # reversed once (the cell's own parameters are never among the filters, so they follow).
    def link(figure: str, encoded: str = "", **cell: str) -> str:
        if figure not in paths:
            paths[figure] = reverse("reports:rows", args=[figure])
        own = encoded or urlencode(cell)
        query = "&".join(part for part in (filters, own) if part)
        return f"{paths[figure]}?{query}"

    return link


@member_required(*Role.oversight())
@replica_reads()
def download(request: HttpRequest) -> HttpResponse:
    """The dashboard's tables as CSV, always with small-number protection (it may travel)."""
    membership = acting_membership(request)
    form = _form(request)
    filters = form.filters()
    kept_as = cache.key(user=request.user, organization=membership.organization, filters=filters)
    data = selectors.dashboard(
        user=request.user, organization=membership.organization, filters=filters, kept_as=kept_as
    )
    report = tables.build(
        data,
        deidentified=True,
        extra=extensions.headlines(
            user=request.user,
            organization=membership.organization,
            filters=filters,
            deidentified=True,
            link=None,
            kept_as=kept_as,
        ),
    )
    name = f"cairn-report-{filters.start:%Y-%m-%d}-to-{filters.end:%Y-%m-%d}.csv"
    writer = CsvWriter([_("Report"), f"{filters.start:%Y-%m-%d}", f"{filters.end:%Y-%m-%d}"])
    writer.row([_("Counts from 1 to 10 are shown as <11.")])
    writer.row([])
    for headline in report.headlines:
        writer.row([headline.label, headline.value])
    for table in report.tables:
        writer.row([])
        writer.row([table.caption, *table.columns])
        for label, cells in table.rows:
            writer.row([label, *cells])
    response = csv_response(name, writer.content())
    record_event(
        action=Action.EXPORT,
        actor=request.user,  # type: ignore[arg-type]
        organization=membership.organization,
        role=membership.role,
        target=Target(type="reports.dashboard", id=name[:64]),
    )
    return response


@member_required(*Role.care_team())
@replica_reads()
def mine(request: HttpRequest) -> HttpResponse:
    """A coach's own numbers, to plan the week: never ranked or compared with anyone."""
    membership = acting_membership(request)
    today = timezone.localdate()
    caseload = Participant.objects.filter(
        organization=membership.organization, coach_id=request.user.pk, merged_into__isnull=True
    )
    quarter_start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    context = {
        # The same set as the caseload list's default view, and said so.
        "counts": caseload_counts(user=request.user, organization=membership.organization),
        "contacts_this_month": Encounter.objects.filter(
            organization=membership.organization,
            author_id=request.user.pk,
            occurred_on__gte=today.replace(day=1),
            occurred_on__lte=today,
        ).count(),
        # Every one Today's sections count, not only the first people they show.
        "due": own_reassessments_due(membership=membership, today=today),
        "suprt_due": own_suprt_due(membership=membership, today=today, limit=None).shown,
        "follow_up": selectors.follow_up_rate(
            organization=membership.organization,
            caseload=caseload,
            start=quarter_start,
            end=today,
        ),
        "quarter_start": quarter_start,
        "week_ahead": today + timedelta(days=7),
    }
    record_page_view(request=request, target=Target(type="reports.mine", id="mine"))
    return render(request, "reports/mine.html", context)
