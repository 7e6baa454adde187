"""Reads for billing pages: the lines a manager works through, and a person's coverage with
the units left on each authorization."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from billing.models import Authorization, BillableLine, Coverage, LineState, Payer
from billing.rules import remaining
from organizations.models import Membership
from participants.models import Participant


def payers_of(organization: Any) -> QuerySet[Payer]:
    return Payer.objects.filter(organization=organization)


def lines_for(membership: Membership, filters: dict[str, Any]) -> QuerySet[BillableLine]:
    """The organization's lines, newest service first, narrowed by the page's filters."""
    lines = BillableLine.objects.visible_to(membership.user, membership.organization)
    if filters.get("state"):
        lines = lines.filter(state=filters["state"])
    if filters.get("reason"):
        lines = lines.filter(reason=filters["reason"])
    if filters.get("payer"):
        lines = lines.filter(payer=filters["payer"])
    month: date | None = filters.get("month")
    if month:
        lines = lines.filter(service_date__year=month.year, service_date__month=month.month)
    lines = _claims_filters(lines, filters)
    return lines.select_related("participant", "payer", "rendering_provider").order_by(
        "-service_date", "-created_at"
    )


CLAIMED = {
    "billed": (LineState.BATCHED, LineState.PAID, LineState.DENIED, LineState.ADJUSTED),
    "paid": (LineState.PAID, LineState.ADJUSTED),
    "denied": (LineState.DENIED,),
    "unpaid": (LineState.DENIED, LineState.ADJUSTED),
}


def _claims_filters(lines: Any, filters: dict[str, Any]) -> Any:
    """The billing report's filters: what happened in claims, a code, a coach, a reason."""
    if filters.get("claimed"):
        lines = lines.filter(state__in=CLAIMED[filters["claimed"]])
    if filters.get("code"):
        lines = lines.filter(procedure_code=filters["code"])
    if filters.get("coach"):
        lines = lines.filter(rendering_provider__public_id=filters["coach"])
    code = filters.get("carc")
    if code:
        # One code among the space-separated codes: whole, first, last or in the middle.
        lines = lines.filter(
            Q(adjustments=code)
            | Q(adjustments__startswith=f"{code} ")
            | Q(adjustments__endswith=f" {code}")
            | Q(adjustments__contains=f" {code} ")
        )
    return lines


@dataclass(frozen=True)
class StateCount:
    state: str
    label: str
    lines: int
    units: int


def counts_by_state(lines: QuerySet[BillableLine]) -> list[StateCount]:
    """How many lines (and units) in each state, in one query, every state listed."""
    found = {
        row["state"]: row
        for row in lines.order_by().values("state").annotate(n=Count("id"), units=Sum("units"))
    }
    return [
        StateCount(
            state=value,
            label=str(label),
            lines=found.get(value, {}).get("n", 0),
            units=int(found.get(value, {}).get("units") or 0),
        )
        for value, label in LineState.choices
    ]


@dataclass(frozen=True)
class AuthorizationLeft:
    authorization: Authorization
    used: int
    left: int


@dataclass(frozen=True)
class CoverageView:
    coverage: Coverage
    authorizations: list[AuthorizationLeft]


def coverage_of(person: Participant) -> list[CoverageView]:
    """A person's coverage, newest first, each authorization with its units used and left."""
    coverages = list(
        Coverage.objects.filter(participant=person)
        .select_related("payer")
        .prefetch_related("authorizations")
    )
    used = dict(
        BillableLine.objects.counting()
        .filter(authorization__coverage__participant=person)
        .values("authorization")
        .annotate(total=Sum("units"))
        .values_list("authorization", "total")
    )
    return [
        CoverageView(
            coverage=c,
            authorizations=[
                AuthorizationLeft(
                    authorization=a,
                    used=int(used.get(a.id) or 0),
                    left=remaining(a.units, int(used.get(a.id) or 0)),
                )
                for a in c.authorizations.all()
            ],
        )
        for c in coverages
    ]
