"""The dashboard's reads: who is in scope, the figures, and the people behind them.

Scope is the participant rule (`Participant.objects.visible_to`): a supervisor sees their team's
caseloads, a manager the whole organization. `dashboard` counts every figure in PostgreSQL
(`reports.aggregates`), never one row per contact or per person, so the page makes the same
dozen queries at 60 or 50,000 participants. `by_person` computes the same figures from one row
per person through `reports.figures`, the definitions; the tests hold the two to each other.
"""

import uuid
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from django.db.models import Count, Max, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth

from accounts.models import NAME_COLUMNS, AnyUser, User, shown_name
from assessments import suprt
from assessments.models import BARC10, Assessment
from assessments.schedule import PAUSED
from assessments.selectors import History, rule_from, schedule_row
from encounters.models import ContactType, Encounter, Outcome, ServiceType
from lib.blind_index import keyed_hash
from lib.prepared import prepared
from organizations.models import Membership, Organization, Role, Team
from participants.models import Participant, StatusChange
from reports import aggregates, cache, figures, suprt_counts, suprt_figures
from reports.figures import Change, MonthCount, MonthReach, Person, Range, Rate

REACHED = aggregates.REACHED


@dataclass(frozen=True)
class Filters:
    start: date
    end: date
    team_id: uuid.UUID | None = None
    coach: uuid.UUID | None = None  # the coach's public id
    service_type_id: int | None = None
    pathway: str = ""
    age_range: str = ""
    gender_identity: str = ""
    race_ethnicity: str = ""
    veteran_status: str = ""

    @property
    def period(self) -> Range:
        return Range(self.start, self.end)


@dataclass
class Dashboard:
    period: Range
    served: int
    enrolled: int
    active: int
    caseload: list[tuple[str, int]]
    hours: float
    contacts: int
    months: list[date]
    by_type: tuple[list[str], list[list[int]]]
    by_service: tuple[list[str], list[list[int]]]
    engagement: list[tuple[date, float]]
    retention: dict[int, Rate]
    follow_up: dict[int, Rate]
    federal: Rate
    change: Change
    # SUPRT time points done within their window (`reports.suprt_figures`); None where the
    # organization does not report SUPRT.
    suprt: dict[str, Rate] | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    # The caseload as (coach id, count): what is kept, the names being read on every view.
    caseload_counts: list[tuple[Any, int]] = field(default_factory=list, compare=False)


def people_in_scope(
    *, user: AnyUser, organization: Organization, filters: Filters
) -> "QuerySet[Participant]":
    """The participants this member may see, narrowed by the filters about people."""
    people = Participant.objects.visible_to(user, organization)
    if filters.team_id:
        team_coaches = Membership.objects.active().filter(
            organization=organization, team_id=filters.team_id, role=Role.COACH
        )
        people = people.filter(coach_id__in=team_coaches.values("user_id"))
    if filters.coach:
        people = people.filter(coach__public_id=filters.coach)
    # Pathways, gender and culture are encrypted: the filters compare keyed hashes.
    if filters.pathway:
        people = people.filter(pathway_keys__has_item=keyed_hash(filters.pathway))
    if filters.age_range:
        people = people.filter(age_range=filters.age_range)
    if filters.gender_identity:
        people = people.filter(gender_identity_key=keyed_hash(filters.gender_identity))
    if filters.race_ethnicity:
        people = people.filter(race_ethnicity_key=keyed_hash(filters.race_ethnicity))
    if filters.veteran_status:
        people = people.filter(veteran_status=filters.veteran_status)
    return people


def contacts_in_scope(
    *, organization: Organization, people: "QuerySet[Participant]", filters: Filters
) -> "QuerySet[Encounter]":
    contacts = Encounter.objects.filter(
        organization=organization,
        participant__in=people.values("id"),
        occurred_on__gte=filters.start,
        occurred_on__lte=filters.end,
    )
    if filters.service_type_id:
        contacts = contacts.filter(service_type_id=filters.service_type_id)
    return contacts.order_by()


def person_rows(people: "QuerySet[Participant]", filters: Filters) -> list[Person]:
    """One row per person with their reaching contacts in the range and their latest: 1 query."""
    reached = (
        Q(encounters__occurred_on__lte=filters.end)
        & ~Q(encounters__contact_type=ContactType.OUTREACH)
        & Q(encounters__outcome=Outcome.REACHED)
    )
    if filters.service_type_id:
        reached &= Q(encounters__service_type_id=filters.service_type_id)
    rows = (
        people.order_by()
        .annotate(
            in_range=Count(
                "encounters", filter=reached & Q(encounters__occurred_on__gte=filters.start)
            ),
            last_contact=Max("encounters__occurred_on", filter=reached),
        )
        .values_list(
            "id",
            "enrolled_on",
            "status",
            "status_since",
            "coach__preferred_name",
            "coach__first_name",
            "coach__last_name",
            "coach__username",
            "in_range",
            "last_contact",
        )
    )
    return [
        Person(
            id=pid,
            enrolled_on=enrolled_on,
            status=status,
            status_since=since,
            # No coach yet: the joined columns are all NULL, and the name is "".
            coach=shown_name(preferred or "", first or "", family or "", username or ""),
            contacts_in_range=n,
            last_contact_on=latest,
        )
        for pid, enrolled_on, status, since, preferred, first, family, username, n, latest in rows
    ]


def month_counts(contacts: "QuerySet[Encounter]", key: str) -> list[MonthCount]:
    """Contacts per month and `key` ("contact_type" or "service_type__name"): 1 query."""
    rows = (
        contacts.annotate(month=TruncMonth("occurred_on"))
        .values("month", key)
        .annotate(n=Count("id"), minutes=Sum("duration_minutes", filter=REACHED))
        .values_list("month", key, "n", "minutes")
    )
    return [MonthCount(month, k or "", n, minutes or 0) for month, k, n, minutes in rows]


def month_reach(contacts: "QuerySet[Encounter]") -> list[MonthReach]:
    rows = (
        contacts.filter(REACHED)
        .annotate(month=TruncMonth("occurred_on"))
        .values("month")
        .annotate(n=Count("id"), people=Count("participant_id", distinct=True))
        .order_by("month")
        .values_list("month", "n", "people")
    )
    return [MonthReach(month, n, people) for month, n, people in rows]


def barc10_histories(
    *, organization: Organization, people: "QuerySet[Participant]", end: date
) -> dict[Any, History]:
    """Break steps and BARC-10 dates and totals up to `end`, oldest first, in two queries.

    The same rows as `assessments.selectors.histories`, without its timestamps and its sort in
    Python, which took most of the dashboard's time at 30,000 participants; assessments after
    the range end cannot change a figure in it.
    """
    found: dict[Any, History] = defaultdict(History)
    assessed = (
        Assessment.objects.filter(
            organization=organization,
            participant_id__in=people.values("id"),
            instrument=BARC10,
            administered_on__lte=end,
        )
        .order_by("participant_id", "administered_on", "created_at")
        .values_list("participant_id", "administered_on", "total")
    )
    for participant_id, day, total in assessed:
        found[participant_id].assessed.append((day, total))
    steps = (
        StatusChange.objects.filter(
            organization=organization, participant_id__in=people.values("id")
        )
        .filter(Q(to_status=PAUSED) | Q(from_status=PAUSED))
        .order_by("participant_id", "effective_on", "created_at")
        .values_list("participant_id", "effective_on", "to_status")
    )
    for participant_id, day, to_status in steps:
        found[participant_id].steps.append((day, to_status))
    return found


def dashboard(
    *, user: AnyUser, organization: Organization, filters: Filters, kept_as: Any = cache.ASK
) -> Dashboard:
    """Every figure for one member and one set of filters, counted in PostgreSQL
    (`reports.aggregates`): the same dozen queries at 60 or 50,000 participants. A manager's
    figures are kept until the organization's data changes (`reports.cache`), under `kept_as`
    when the caller has read the key already."""
    if kept_as is cache.ASK:
        kept_as = cache.key(user=user, organization=organization, filters=filters)
    kept = cache.get(kept_as)
    if kept is not None:  # the coaches' names are never kept: read them now
        return replace(kept, caseload=aggregates.caseload(kept.caseload_counts))
    with aggregates.without_jit():
        found = _counted(user=user, organization=organization, filters=filters)
    cache.put(kept_as, replace(found, caseload=[]))
    return found


def _counted(*, user: AnyUser, organization: Organization, filters: Filters) -> Dashboard:
    period = filters.period
    people = people_in_scope(user=user, organization=organization, filters=filters)
    contacts = contacts_in_scope(organization=organization, people=people, filters=filters)
    counted = aggregates.contacts(contacts, people=people, period=period)
    rule = rule_from(schedule_row(organization))
    counts = aggregates.people_counts(
        organization=organization, people=people, period=period, rule=rule
    )
    if aggregates.windows_are_apart(rule):
        follow_up = aggregates.counted_follow_up(counts, rule)
        moved = people.filter(aggregates.on_a_break(organization))
    else:  # overlapping windows: which assessment does which point needs the whole plan
        follow_up, moved = {d: Rate(0, 0) for d in figures.FOLLOW_UP_DAYS}, people
    found = barc10_histories(organization=organization, people=moved, end=filters.end)
    caseload = aggregates.caseload_counts(people, period)
    follow_up = aggregates.merge(
        follow_up,
        figures.follow_up(aggregates.plain_people(moved), found, rule=rule, period=period),
    )
    return _assemble(
        period,
        served=counted.served,
        enrolled=counts["enrolled"],
        active=counts["active"],
        caseload=aggregates.named_caseload(caseload),
        caseload_counts=[(coach_id, n) for coach_id, _name, n in caseload],
        by_type=counted.by_type,
        by_service=counted.by_service,
        reach=counted.reach,
        retention=counted.retention,
        follow_up=follow_up,
        federal=Rate(counts["federal_done"], counts["federal_of"]),
        change=aggregates.recovery_capital(organization=organization, people=people, period=period),
        suprt=suprt_completion(organization=organization, people=people, period=period),
    )


def suprt_completion(
    *, organization: Organization, people: "QuerySet[Participant]", period: Range
) -> dict[str, Rate] | None:
    """SUPRT's time points done within their window, where the organization reports SUPRT,
    counted in the database (one query; none otherwise)."""
    if not organization.reports_suprt:
        return None
    return suprt_counts.completion(organization=organization, people=people, period=period)


def suprt_by_episode(
    *, organization: Organization, people: "QuerySet[Participant]", period: Range
) -> dict[str, Rate] | None:
    """The same from one row per episode through `reports.suprt_figures` (their definition)."""
    if not organization.reports_suprt:
        return None
    found = suprt.episodes(
        organization_id=organization.pk, people=people, start=period.start, end=period.end
    )
    return suprt_figures.completion(found, period)


def people_behind(
    figure: str, *, user: AnyUser, organization: Organization, filters: Filters
) -> "QuerySet[Participant]":
    """The people behind a headline figure (`ROW_FIGURES` in the views), as a query."""
    people = people_in_scope(user=user, organization=organization, filters=filters)
    return aggregates.behind(
        figure,
        organization=organization,
        people=people,
        range_contacts=contacts_in_scope(organization=organization, people=people, filters=filters),
        period=filters.period,
    )


def reaching_contacts(
    *, organization: Organization, people: "QuerySet[Participant]", filters: Filters
) -> "QuerySet[Encounter]":
    """Contacts that reached someone, by the range end (of the service type, if filtered)."""
    contacts = Encounter.objects.filter(
        REACHED,
        organization=organization,
        participant__in=people.values("id"),
        occurred_on__lte=filters.end,
    )
    if filters.service_type_id:
        contacts = contacts.filter(service_type_id=filters.service_type_id)
    return contacts.order_by()


def _assemble(
    period: Range,
    *,
    by_type: list[MonthCount],
    by_service: list[MonthCount],
    reach: list[MonthReach],
    **figures_: Any,
) -> Dashboard:
    months, type_keys, type_rows = figures.table(by_type, period)
    _, service_keys, service_rows = figures.table(by_service, period)
    labels = dict(ContactType.choices)
    return Dashboard(
        period=period,
        hours=figures.hours(by_type),
        contacts=sum(m.contacts for m in by_type),
        months=months,
        by_type=([str(labels.get(k, k)) for k in type_keys], type_rows),
        by_service=(service_keys, service_rows),
        engagement=figures.engagement(reach),
        **figures_,
    )


def by_person(
    *, user: AnyUser, organization: Organization, filters: Filters
) -> tuple[Dashboard, dict[str, list[uuid.UUID]]]:
    """The figures from one row per person through `reports.figures` (their definitions), and
    the people behind each figure for the drill-down; `dashboard` gives the same figures."""
    period = filters.period
    people_qs = people_in_scope(user=user, organization=organization, filters=filters)
    contacts = contacts_in_scope(organization=organization, people=people_qs, filters=filters)
    people = person_rows(people_qs, filters)
    found = barc10_histories(organization=organization, people=people_qs, end=filters.end)
    rule = rule_from(schedule_row(organization))
    federal, federal_ids = figures.federal_follow_up(people, found, period)
    change, paired_ids = figures.recovery_capital(people, found, period)
    served, enrolled = figures.served(people), figures.enrolled(people, period)
    active = figures.active(people, period)
    data = _assemble(
        period,
        served=len(served),
        enrolled=len(enrolled),
        active=len(active),
        caseload=figures.caseload_by_coach(people, period),
        by_type=month_counts(contacts, "contact_type"),
        by_service=month_counts(contacts, "service_type__name"),
        reach=month_reach(contacts),
        retention=figures.retention(people, period),
        follow_up=figures.follow_up(people, found, rule=rule, period=period),
        federal=federal,
        change=change,
        suprt=suprt_by_episode(organization=organization, people=people_qs, period=period),
    )
    ids = {
        "served": figures.ids(served),
        "enrolled": figures.ids(enrolled),
        "active": figures.ids(active),
        "federal": federal_ids,
        "recovery-capital": paired_ids,
    }
    return data, ids


def team_choices(membership: Membership) -> list[tuple[str, str]]:
    """Teams the member may filter by: their own for a supervisor, every one for a manager."""
    mine = membership.pk if membership.role == Role.SUPERVISOR else None
    rows = _team_rows.fetch(organization_id=membership.organization_id, membership_id=mine)
    return [(str(pk), name) for pk, name in rows]


@prepared
def _team_rows(*, organization_id: int, membership_id: int | None) -> "QuerySet[Any]":
    teams = Team.objects.filter(organization_id=organization_id)
    if membership_id is not None:
        teams = teams.filter(memberships=membership_id)
    return teams.order_by("name").values_list("pk", "name")


def service_choices(organization_id: int) -> list[tuple[int, str]]:
    """The organization's service types, as the filter bar lists them."""
    return list(_service_rows.fetch(organization_id=organization_id))


@prepared
def _service_rows(*, organization_id: int) -> "QuerySet[Any]":
    return ServiceType.objects.filter(organization_id=organization_id).values_list("pk", "name")


def coach_choices(membership: Membership) -> list[tuple[str, str]]:
    """Coaches the member may filter by: a supervisor's team, or everyone for a manager."""
    if membership.role == Role.SUPERVISOR and not membership.team_id:
        return []
    team_id = membership.team_id if membership.role == Role.SUPERVISOR else None
    rows = _coach_rows.fetch(organization_id=membership.organization_id, team_id=team_id)
    return [(str(public_id), shown_name(*names)) for public_id, *names in rows]


@prepared
def _coach_rows(*, organization_id: int, team_id: uuid.UUID | None) -> "QuerySet[Any]":
    """The organization's active coaches (of one team, when given), A to Z by username, as the
    columns their names are written from; the filter bar asks on every dashboard view."""
    memberships = Membership.objects.active().filter(
        organization_id=organization_id, role=Role.COACH
    )
    if team_id is not None:
        memberships = memberships.filter(team_id=team_id)
    return (
        User.objects.filter(pk__in=memberships.values("user_id"))
        .order_by("username")
        .values_list("public_id", *NAME_COLUMNS)
    )


def follow_up_rate(
    *, organization: Organization, caseload: "QuerySet[Participant]", start: date, end: date
) -> Rate:
    """A coach's reassessments at day 30, 60 and 90 done within their window, for windows that
    closed between `start` and `end`: the same rule as the dashboard, for their own caseload."""
    period = Range(start, end)
    filters = Filters(start=start, end=end)
    people = person_rows(caseload, filters)
    found = barc10_histories(organization=organization, people=caseload, end=end)
    rates = figures.follow_up(
        people, found, rule=rule_from(schedule_row(organization)), period=period
    )
    return Rate(sum(r.done for r in rates.values()), sum(r.of for r in rates.values()))
