"""A manager's dashboard figures, kept until the data under them changes.

Counting a year of an organization's contacts takes PostgreSQL a few hundred milliseconds at
state scale, and a manager opens the dashboard again and again (back from the people behind a
figure, another tab, the download). The figures, counts only, are kept in Django's cache under
the organization's data version: the total and the newest id of `reports.models.DataChange`,
whose rows database triggers (PostgreSQL per statement, SQLite per row) add in the same
transaction as any write to a counted table. A
row appears when its write commits, so figures computed after reading the version are never
older than it; any later commit changes the version, and the next view counts afresh.

A supervisor's scope also follows their emergency access, which ends with time and not with a
write: their key names the grants open now, so a grant that ends (or starts) changes it. The
caseload by coach is kept by coach id; the coaches' names are read on every view
(`reports.selectors.dashboard`).
"""

import hashlib
from collections.abc import Callable
from typing import Any, TypeVar, cast

from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import AnyUser
from lib.db_routing import read_connection
from organizations.models import Organization, Role
from organizations.selectors import membership_in
from participants.models import EmergencyAccess

KEEP_SECONDS = 600  # a bound on memory only: the version, not the age, decides freshness
FOLD_AFTER = 5000  # change rows of one organization folded into one (same total, fewer rows)
T = TypeVar("T")
ASK = object()  # `selectors.dashboard(kept_as=ASK)`: read the key there
FORMAT = 3  # raise when `Dashboard` changes shape, so a kept value is never read as the new one


def version(organization_id: int) -> str:
    """The organization's data version, read where the figures will be (`lib.db_routing`): a
    replica's version with the primary's figures could keep older figures under a newer one."""
    with read_connection().cursor() as cursor:
        cursor.execute(
            "SELECT count(*), coalesce(sum(weight), 0), coalesce(max(id), 0) "
            "FROM reports_datachange WHERE organization_id = %s",
            [organization_id],
        )
        rows, total, newest = cursor.fetchone()
    if rows > FOLD_AFTER:
        fold(organization_id, newest)
    return f"{total}.{newest}"


def fold(organization_id: int, newest: int) -> None:
    """Replace the organization's change rows up to `newest` with one row of the same weight:
    the total stays, so only the newest id tells a view that the rows were folded. Rows being
    written meanwhile are not yet visible here, and stay."""
    if connection.vendor == "sqlite":
        # No DELETE in a WITH on SQLite; its writers take turns, so two statements do.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO reports_datachange (organization_id, weight) "
                "SELECT %s, sum(weight) FROM reports_datachange "
                "WHERE organization_id = %s AND id <= %s HAVING count(*) > 0",
                [organization_id, organization_id, newest],
            )
            cursor.execute(
                "DELETE FROM reports_datachange WHERE organization_id = %s AND id <= %s",
                [organization_id, newest],
            )
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "WITH gone AS (DELETE FROM reports_datachange "
            "WHERE organization_id = %s AND id <= %s RETURNING weight) "
            "INSERT INTO reports_datachange (organization_id, weight) "
            "SELECT %s, sum(weight) FROM gone HAVING count(*) > 0",
            [organization_id, newest, organization_id],
        )


def key(*, user: AnyUser, organization: Organization, filters: Any) -> str | None:
    """Where a manager's figures for these filters are kept now, or None: not kept."""
    membership = membership_in(user, organization)
    if membership is None or membership.role not in Role.oversight():
        return None
    current = version(organization.pk)
    scope = "organization"
    if membership.role == Role.SUPERVISOR:
        # The same rule as `Participant.objects.visible_to`: grants not yet expired.
        grants = EmergencyAccess.objects.filter(
            organization=organization, user_id=membership.user_id, expires_at__gt=timezone.now()
        ).order_by("pk")
        open_grants = list(grants.values_list("pk", flat=True))
        scope = f"user {user.pk} team {membership.team_id} grants {open_grants}"
    # Switching SUPRT reporting on or off writes no counted table: it is part of the key.
    scope += f" suprt {organization.reports_suprt}"
    wanted = hashlib.sha256(repr((scope, filters)).encode()).hexdigest()[:32]
    return f"reports:dashboard:{FORMAT}:{organization.pk}:{current}:{wanted}"


def kept_part(kept_as: str | None, part: str, count: Callable[[], T]) -> T:
    """Figures an app adds to the dashboard (`reports.extensions`), kept beside the dashboard's
    own under the same key: counted afresh when the key is None (not kept) or the data changed.
    The app's tables must add to the change log too (referrals: its migration 0003)."""
    name = f"{kept_as}:{part}" if kept_as else None
    found = get(name)
    if found is None:
        found = count()
        put(name, found)
    return cast(T, found)


def get(name: str | None) -> Any:
    return cache.get(name) if name else None


def put(name: str | None, value: Any) -> None:
    if name:
        cache.set(name, value, KEEP_SECONDS)
