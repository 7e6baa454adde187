"""The staff navigation's counts: people due today, unread messages, notes to co-sign and (for
managers) texts to place, read in one statement (every staff page shows them, so they cost one
query, not three)."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.db.models import Func, IntegerField, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from encounters.selectors import awaiting_cosign
from inbox.selectors import unread_threads
from lib.prepared import prepared
from organizations.models import Membership, Organization, Role
from participants.models import MemberScope
from participants.selectors import own_open_caseload_of
from texting.selectors import all_waiting_texts

# Who sees which counted link in the navigation (templates/includes/staff_nav.html).
COUNTED_ROLES = Role.care_team() | {Role.MANAGER}
COSIGNING_ROLES = (Role.SUPERVISOR,)
PLACING_ROLES = (Role.MANAGER,)


@dataclass(frozen=True)
class NavCounts:
    due_today: int = 0
    unread: int = 0
    to_cosign: int = 0
    to_place: int = 0


def _scalar(queryset: QuerySet[Any], function: str, column: str) -> Subquery:
    """`SELECT COUNT(column)` (or SUM) of the queryset as a scalar subquery: an aggregate by
    Func rather than Count, so Django adds no GROUP BY and the subquery returns one row."""
    return Subquery(
        queryset.order_by()
        .annotate(figure=Func(column, function=function, output_field=IntegerField()))
        .values("figure")[:1],
        output_field=IntegerField(),
    )


def nav_counts(*, membership: Membership, today: date) -> NavCounts:
    """Today's due people (the same people as Today's "due today" list), unread messages (summed
    over the threads the Messages page lists) and, for those who co-sign, notes waiting; for a
    manager, the texts from shared or unknown numbers waiting to be placed ("Texts to place").
    Every staff page shows them, so the query is prepared (lib.prepared)."""
    if membership.role not in COUNTED_ROLES:
        return NavCounts()
    [row] = _figures.fetch(**MemberScope.of(membership).values(), today=today)
    return NavCounts(**{name: int(value or 0) for name, value in row.items()})


@prepared
def _figures(
    *,
    organization_id: int,
    user_id: int,
    role: str,
    team_id: UUID | None,
    now: datetime,
    today: date,
) -> QuerySet[Organization]:
    scope = MemberScope(
        organization_id=organization_id, user_id=user_id, role=role, team_id=team_id, now=now
    )
    figures: dict[str, Any] = {}
    if role in PLACING_ROLES:
        figures["to_place"] = _scalar(
            all_waiting_texts(organization_id=organization_id), "COUNT", "id"
        )
    if role in Role.care_team():
        due = (
            own_open_caseload_of(user_id=user_id, organization_id=organization_id)
            .open_to_outreach()
            .filter(next_contact_on=today)
        )
        figures["due_today"] = _scalar(due, "COUNT", "id")
        figures["unread"] = Coalesce(
            _scalar(unread_threads(scope=scope), "SUM", "unread_by_staff"), Value(0)
        )
    if role in COSIGNING_ROLES:
        figures["to_cosign"] = _scalar(awaiting_cosign(scope=scope), "COUNT", "id")
    return Organization.objects.filter(pk=organization_id).annotate(**figures).values(*figures)
