"""Cursor pages for API lists: a signed, opaque cursor naming the last row of the page before, and
the `updated_since` filter. A cursor that was changed, or made for another list, is refused."""

from dataclasses import dataclass
from datetime import UTC, datetime, time
from typing import Any

from django.core import signing
from django.db.models import Q, QuerySet
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

MAX_LIMIT = 100


class BadParameter(Exception):
    """A query parameter the API cannot use: answered 400 naming it, with what to send instead."""

    def __init__(self, parameter: str, detail: str) -> None:
        super().__init__(parameter)
        self.parameter = parameter
        self.detail = detail


def since(value: str | None) -> datetime | None:
    """`updated_since` as a moment: an ISO 8601 date-time (without an offset it is UTC) or a
    date (its midnight, UTC)."""
    if value is None or value == "":
        return None
    try:
        moment = parse_datetime(value)
        if moment is None:
            day = parse_date(value)
            moment = datetime.combine(day, time.min) if day is not None else None
    except ValueError:
        moment = None
    if moment is None:
        raise BadParameter(
            "updated_since",
            _(
                "updated_since must be an ISO 8601 date or date-time, for example "
                "2026-12-01 or 2026-12-01T09:30:00Z."
            ),
        )
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Page:
    rows: list[Any]
    next_cursor: str | None


def cursor_page(
    rows: QuerySet[Any], *, list_name: str, cursor: str | None, limit: int, field: str
) -> Page:
    """One page of `rows` in (`field`, primary key) order, after the row `cursor` names. The
    cursor is signed with the list's name: it cannot be edited, nor used for another list.

    `rows` are model instances or named rows (`values_list(..., named=True)` with `id`, the
    primary key of every model the API lists)."""
    salt = f"cairn.api.cursor.{list_name}"
    ordered = rows.order_by(field, "pk")
    if cursor:
        try:
            position = signing.loads(cursor, salt=salt)
            after = datetime.fromisoformat(position["v"])
            after_pk = position["k"]
        except (signing.BadSignature, KeyError, TypeError, ValueError):
            raise BadParameter(
                "cursor",
                _(
                    "This cursor was changed or belongs to another list. Use next_cursor exactly "
                    "as the previous page gave it, or leave it out to start again."
                ),
            ) from None
        ordered = ordered.filter(
            Q(**{f"{field}__gt": after}) | Q(**{field: after, "pk__gt": after_pk})
        )
    page = list(ordered[: limit + 1])
    more = len(page) > limit
    page = page[:limit]
    next_cursor = None
    if more and page:
        last = page[-1]
        next_cursor = signing.dumps(
            {"v": getattr(last, field).isoformat(), "k": str(last.id)}, salt=salt
        )
    return Page(rows=page, next_cursor=next_cursor)
