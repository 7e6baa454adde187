"""The rows behind every dashboard figure: one registry of figure → title, cell, rows, columns.

A figure's rows are a query over the same scope as the dashboard (`selectors.people_in_scope`,
the participant rule), narrowed to one cell by query parameters (`CELL_PARAMS`: a month, a
contact type, a service type id, a day) so no name travels in a URL. Each listing is paged by
the view; every figure reads a fixed number of queries however many people are in scope.
"""

import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.http import Http404, QueryDict
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import AnyUser
from assessments.models import BARC10, Assessment
from assessments.selectors import rule_from, schedule_row
from encounters.models import ContactType, Encounter
from organizations.models import Organization
from participants.models import Participant
from reports import aggregates, extensions, figures, selectors, suprt_counts, suprt_figures
from reports.selectors import Filters

# The query parameters that choose a cell; the dashboard's filters are the others.
CELL_PARAMS = ("month", "type", "service", "day", "nocoach", "point")
NO_SERVICE = "none"


@dataclass(frozen=True)
class Cell:
    month: date | None = None
    contact_type: str = ""
    service: int | str | None = None  # a service type id, NO_SERVICE, or any
    day: int | None = None
    no_coach: bool = False
    point: str = ""  # a SUPRT time point (`reports.suprt_figures.POINTS`)


@dataclass(frozen=True)
class Scope:
    user: AnyUser
    organization: Organization
    filters: Filters
    cell: Cell

    @property
    def people(self) -> "QuerySet[Participant]":
        return selectors.people_in_scope(
            user=self.user, organization=self.organization, filters=self.filters
        )

    @property
    def contacts(self) -> "QuerySet[Encounter]":
        return selectors.contacts_in_scope(
            organization=self.organization, people=self.people, filters=self.filters
        )


@dataclass(frozen=True)
class Shown:
    """One cell of a listing: its text and, for a person, the link to their overview."""

    text: str
    href: str = ""


@dataclass
class Listing:
    items: "Sequence[Any] | QuerySet[Any]"
    columns: list[str]
    row: Callable[[Any], list[Shown]]
    contacts: bool = False  # a list of contacts rather than of people
    referrals: bool = False  # a list of referrals rather than of people (reports.extensions)


@dataclass(frozen=True)
class Figure:
    title: Promise
    rows: Callable[[Scope], Listing]
    params: tuple[str, ...] = ()  # the cell parameters it accepts
    required: tuple[str, ...] = ()  # the ones it needs
    days: tuple[int, ...] = ()  # the days a `day` may take


def parse_cell(figure: Figure, query: QueryDict, filters: Filters, services: set[int]) -> Cell:
    """The cell asked for, or 404 for one the figure does not have."""
    values = {key: query.get(key, "") for key in figure.params}
    if any(not values[key] for key in figure.required):
        raise Http404
    cell: dict[str, Any] = {}
    if values.get("month"):
        month = _month(values["month"])
        if month not in figures.month_starts(filters.period):
            raise Http404
        cell["month"] = month
    if values.get("type"):
        if values["type"] not in ContactType.values:
            raise Http404
        cell["contact_type"] = values["type"]
    if values.get("service"):
        service = values["service"]
        if service != NO_SERVICE and (not service.isdigit() or int(service) not in services):
            raise Http404
        cell["service"] = service if service == NO_SERVICE else int(service)
    if values.get("day"):
        if not values["day"].isdigit() or int(values["day"]) not in figure.days:
            raise Http404
        cell["day"] = int(values["day"])
    cell["no_coach"] = bool(values.get("nocoach"))
    if values.get("point"):
        if values["point"] not in suprt_figures.POINTS:
            raise Http404
        cell["point"] = values["point"]
    return Cell(**cell)


def _month(text: str) -> date:
    try:
        year, month = (int(part) for part in text.split("-"))
        return date(year, month, 1)
    except ValueError as error:
        raise Http404 from error


def _month_end(month: date) -> date:
    return (month + timedelta(days=32)).replace(day=1) - timedelta(days=1)


def _overview(person_id: uuid.UUID) -> str:
    return reverse("participants:detail", args=[person_id])


def _yes(value: bool) -> str:
    return _("Yes") if value else _("No")


# --- people -------------------------------------------------------------------------------

PEOPLE_FIELDS = ("id", "preferred_name", "pronouns", "enrolled_on", "status", "coach")


def _people(queryset: "QuerySet[Participant]") -> "QuerySet[Participant]":
    return (
        queryset.select_related("coach")
        .only(*PEOPLE_FIELDS)
        .order_by("name_sort", "preferred_name", "id")
    )


def person_listing(
    queryset: "QuerySet[Participant]",
    extra: Sequence[tuple[str, Callable[[Any], str]]] = (),
) -> Listing:
    """Name (linking to the overview), coach, enrolment and status, then `extra` columns."""

    def row(person: Participant) -> list[Shown]:
        name = person.preferred_name + (f" ({person.pronouns})" if person.pronouns else "")
        coach = person.coach.display_name if person.coach else "—"
        return [
            Shown(name, _overview(person.id)),
            Shown(coach),
            Shown(f"{person.enrolled_on:%Y-%m-%d}"),
            Shown(str(person.get_status_display())),
            *(Shown(text(person)) for _label, text in extra),
        ]

    columns = [_("Name"), _("Coach"), _("Enrolled"), _("Status"), *(str(c) for c, _f in extra)]
    return Listing(_people(queryset), columns, row)


def _behind(name: str, scope: Scope) -> "QuerySet[Participant]":
    people = scope.people
    return aggregates.behind(
        name,
        organization=scope.organization,
        people=people,
        range_contacts=scope.contacts,
        period=scope.filters.period,
    )


def served(scope: Scope) -> Listing:
    return person_listing(_behind("served", scope))


def enrolled(scope: Scope) -> Listing:
    return person_listing(_behind("enrolled", scope))


def active(scope: Scope) -> Listing:
    """The open caseload; a row of the caseload table adds its coach (the `coach` filter) or
    `nocoach` for the people without one."""
    people = _behind("active", scope)
    if scope.cell.no_coach:
        people = people.filter(coach__isnull=True)
    return person_listing(people)


def federal(scope: Scope) -> Listing:
    opens = figures.FEDERAL_DAY - figures.FEDERAL_WINDOW
    closes = figures.FEDERAL_DAY + figures.FEDERAL_WINDOW
    people = _behind("federal", scope).annotate(
        done=aggregates.assessed_between(scope.organization, opens, closes)
    )
    return person_listing(people, [(_("Follow-up done"), lambda p: _yes(p.done))])


def _barc10_total(scope: Scope, latest: bool) -> Subquery:
    order = ("-administered_on", "-created_at") if latest else ("administered_on", "created_at")
    totals = Assessment.objects.filter(
        organization=scope.organization,
        participant_id=OuterRef("pk"),
        instrument=BARC10,
        total__isnull=False,
        administered_on__lte=scope.filters.end,
    ).order_by(*order)
    return Subquery(totals.values("total")[:1], output_field=IntegerField())


def recovery_capital(scope: Scope) -> Listing:
    people = _behind("recovery-capital", scope).annotate(
        baseline=_barc10_total(scope, latest=False), latest=_barc10_total(scope, latest=True)
    )
    return person_listing(
        people,
        [
            (_("Baseline total"), lambda p: str(p.baseline)),
            (_("Latest total"), lambda p: str(p.latest)),
        ],
    )


def engagement(scope: Scope) -> Listing:
    """The people reached in one month, with how many contacts reached them then."""
    month = scope.cell.month
    assert month is not None
    reached = scope.contacts.filter(
        aggregates.REACHED, occurred_on__gte=month, occurred_on__lte=_month_end(month)
    )
    people = scope.people.filter(Exists(reached.filter(participant_id=OuterRef("pk")))).annotate(
        in_month=Subquery(
            reached.filter(participant_id=OuterRef("pk"))
            .values("participant_id")
            .annotate(n=Count("pk"))
            .values("n"),
            output_field=IntegerField(),
        )
    )
    return person_listing(people, [(_("Contacts that month"), lambda p: str(p.in_month))])


def retention(scope: Scope) -> Listing:
    """The people counted at one day (enrolled in the range at least that many days before its
    end), and whether a contact reached them on or after that day."""
    days = scope.cell.day
    assert days is not None
    period = scope.filters.period
    people = scope.people
    reached = selectors.reaching_contacts(
        organization=scope.organization, people=people, filters=scope.filters
    )
    latest = reached.filter(participant_id=OuterRef("pk")).order_by("-occurred_on")
    cohort = people.filter(
        enrolled_on__gte=period.start, enrolled_on__lte=period.end - timedelta(days=days)
    ).annotate(last_contact=Subquery(latest.values("occurred_on")[:1]))

    def kept(person: Any) -> str:
        since = person.enrolled_on + timedelta(days=days)
        return _yes(bool(person.last_contact and person.last_contact >= since))

    return person_listing(cohort, [(_("Still in contact"), kept)])


def follow_up(scope: Scope) -> Listing:
    """The people whose window at one day closed in the range, done or not, to the rule of
    `figures.follow_up`: only people whose window can close in the range are planned."""
    days = scope.cell.day
    assert days is not None
    period, organization = scope.filters.period, scope.organization
    rule = rule_from(schedule_row(organization))
    last = days + rule.window_days
    candidates = scope.people.filter(
        Q(enrolled_on__gte=period.start - timedelta(days=last), enrolled_on__lte=period.end)
        | aggregates.on_a_break(organization)
    )
    found = selectors.barc10_histories(organization=organization, people=candidates, end=period.end)
    points = figures.follow_up_points(
        aggregates.plain_people(candidates), found, rule=rule, period=period
    )
    done = {person: was_done for person, day, was_done in points if day == days}
    people = scope.people.filter(pk__in=list(done))
    return person_listing(people, [(_("Reassessment done"), lambda p: _yes(done[p.id]))])


def suprt_point(scope: Scope) -> Listing:
    """The people whose window at one SUPRT time point closed in the range, and whether a
    SUPRT-A did it (`suprt_counts.people_at`); not found where the organization does not report
    SUPRT."""
    if not scope.organization.reports_suprt:
        raise Http404
    done = suprt_counts.people_at(
        scope.cell.point,
        organization=scope.organization,
        people=scope.people,
        period=scope.filters.period,
    )
    people = scope.people.filter(pk__in=list(done))
    return person_listing(people, [(_("SUPRT-A done in the window"), lambda p: _yes(done[p.id]))])


# --- contacts -----------------------------------------------------------------------------


def _contact_cell(contacts: "QuerySet[Encounter]", cell: Cell) -> "QuerySet[Encounter]":
    if cell.month:
        contacts = contacts.filter(
            occurred_on__gte=cell.month, occurred_on__lte=_month_end(cell.month)
        )
    if cell.contact_type:
        contacts = contacts.filter(contact_type=cell.contact_type)
    if cell.service == NO_SERVICE:
        contacts = contacts.filter(service_type__isnull=True)
    elif isinstance(cell.service, int):
        contacts = contacts.filter(service_type_id=cell.service)
    return contacts


def contact_listing(contacts: "QuerySet[Encounter]") -> Listing:
    """Date, type, service, minutes and the participant (linking to their overview): never
    the note text."""
    queryset = (
        contacts.select_related("participant", "service_type")
        .only(
            "id",
            "occurred_on",
            "contact_type",
            "outcome",
            "duration_minutes",
            "service_type__name",
            "participant__id",
            "participant__preferred_name",
        )
        .order_by("occurred_on", "participant__name_sort", "participant__preferred_name", "id")
    )

    def row(contact: Encounter) -> list[Shown]:
        person = contact.participant
        return [
            Shown(f"{contact.occurred_on:%Y-%m-%d}"),
            Shown(str(contact.get_contact_type_display())),
            Shown(str(contact.service_type) if contact.service_type else "—"),
            Shown("—" if contact.duration_minutes is None else str(contact.duration_minutes)),
            Shown(person.preferred_name, _overview(person.id)),
        ]

    columns = [_("Date"), _("Type"), _("Service"), _("Minutes"), _("Participant")]
    return Listing(queryset, columns, row, contacts=True)


def contacts(scope: Scope) -> Listing:
    return contact_listing(_contact_cell(scope.contacts, scope.cell))


def hours(scope: Scope) -> Listing:
    """The contacts whose minutes count as hours of service: those that reached the person."""
    return contact_listing(_contact_cell(scope.contacts.filter(aggregates.REACHED), scope.cell))


FIGURES: Mapping[str, Figure] = {
    "served": Figure(gettext_lazy("Participants served"), served),
    "enrolled": Figure(gettext_lazy("New enrolments"), enrolled),
    "active": Figure(gettext_lazy("Active caseload"), active, params=("nocoach",)),
    "contacts": Figure(
        gettext_lazy("Contacts recorded"), contacts, params=("month", "type", "service")
    ),
    "hours": Figure(
        gettext_lazy("Contacts counted in the hours of service"),
        hours,
        params=("month", "type", "service"),
    ),
    "engagement": Figure(
        gettext_lazy("People reached in a month"),
        engagement,
        params=("month",),
        required=("month",),
    ),
    "retention": Figure(
        gettext_lazy("People counted for staying in touch"),
        retention,
        params=("day",),
        required=("day",),
        days=figures.RETENTION_DAYS,
    ),
    "follow-up": Figure(
        gettext_lazy("Reassessment windows that closed in the range"),
        follow_up,
        params=("day",),
        required=("day",),
        days=figures.FOLLOW_UP_DAYS,
    ),
    "federal": Figure(gettext_lazy("Counted in the BARC-10 follow-up at 180 days"), federal),
    "suprt": Figure(
        gettext_lazy("SUPRT windows that closed in the range"),
        suprt_point,
        params=("point",),
        required=("point",),
    ),
    "recovery-capital": Figure(
        gettext_lazy("With a first and a later BARC-10 total"), recovery_capital
    ),
}


def listing(
    name: str,
    *,
    query: QueryDict,
    user: AnyUser,
    organization: Organization,
    filters: Filters,
    services: set[int],
) -> tuple[Figure, Cell, Listing]:
    """The figure, its cell and its rows, or 404 for a figure or cell the dashboard lacks."""
    figure = FIGURES.get(name) or extensions.rows().get(name)
    if figure is None:
        raise Http404
    cell = parse_cell(figure, query, filters, services)
    scope = Scope(user=user, organization=organization, filters=filters, cell=cell)
    return figure, cell, figure.rows(scope)


def cell_title(cell: Cell, types: Mapping[str, str], services: Mapping[int, str]) -> str:
    """What narrows the list, in words: "Mar 2026, Phone", "day 30"."""
    parts = []
    if cell.month:
        parts.append(f"{cell.month:%b %Y}")
    if cell.contact_type:
        parts.append(str(types.get(cell.contact_type, cell.contact_type)))
    if cell.service == NO_SERVICE:
        parts.append(_("No service type"))
    elif isinstance(cell.service, int):
        parts.append(services.get(cell.service, ""))
    if cell.day:
        parts.append(_("day %(n)s") % {"n": cell.day})
    if cell.no_coach:
        parts.append(_("no coach yet"))
    return ", ".join(p for p in parts if p)
