"""The staff navigation's counts: people due today, unread messages, notes to co-sign and (for
managers) texts to place, read in one statement (every staff page shows them, so they cost one
query, not three)."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Func, IntegerField, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from accounts.models import AnyUser
from encounters.selectors import review_queue
from inbox.selectors import unread_threads
from organizations.models import Organization, Role
from participants.selectors import own_open_caseload
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


def nav_counts(*, user: AnyUser, organization: Organization, role: str, today: date) -> NavCounts:
    """Today's due people (the same people as Today's "due today" list), unread messages (summed
    over the threads the Messages page lists) and, for those who co-sign, notes waiting; for a
    manager, the texts from shared or unknown numbers waiting to be placed ("Texts to place")."""
    if role not in COUNTED_ROLES:
        return NavCounts()
    figures: dict[str, Any] = {}
    if role in PLACING_ROLES:
        figures["to_place"] = _scalar(all_waiting_texts(organization=organization), "COUNT", "id")
    if role in Role.care_team():
        figures.update(_care_team_figures(user=user, organization=organization, today=today))
    if role in COSIGNING_ROLES:
        figures["to_cosign"] = _scalar(
            review_queue(user=user, organization=organization), "COUNT", "id"
        )
    row = Organization.objects.filter(pk=organization.pk).annotate(**figures).values(*figures).get()
    return NavCounts(**{name: int(value or 0) for name, value in row.items()})


def _care_team_figures(*, user: AnyUser, organization: Organization, today: date) -> dict[str, Any]:
    due = (
        own_open_caseload(user=user, organization=organization)
        .open_to_outreach()
        .filter(next_contact_on=today)
    )
    return {
        "due_today": _scalar(due, "COUNT", "id"),
        "unread": Coalesce(
            _scalar(unread_threads(user=user, organization=organization), "SUM", "unread_by_staff"),
            Value(0),
        ),
    }
