"""How the REST API declares a kind of record's two read operations, a page of the list and one
record by id: the scope, the answers' schemas and the description are named once, and every list
is paged by cursor, filtered by `updated_since`, audited and gated for outside systems alike."""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router
from pydantic import BaseModel

from api.access import TokenAccess
from api.disclosure import account_rows, shared_rows
from api.pagination import MAX_LIMIT, cursor_page, since
from api.security import REFUSALS, ScopedToken
from audit.services import Target, record_page_view

Shape = Callable[[Any], dict[str, Any]]
# A list's rows as the token may see them, before paging: (request, the token) -> rows.
Scoped = Callable[[HttpRequest, TokenAccess], QuerySet[Any]]
ListView = Callable[..., dict[str, Any]]
View = TypeVar("View", bound=Callable[..., Any])

Limit = Query(50, ge=1, le=MAX_LIMIT, description="Rows per page (1 to 100).")
Cursor = Query(None, description="next_cursor from the previous page, as it was given.")
Since = Query(
    None,
    description="Only rows changed at or after this moment (ISO 8601; without an offset, UTC).",
)
ParticipantFilter = Query(
    None, description="Only this participant's rows (none when they are not one this token sees)."
)


def token_of(request: HttpRequest) -> TokenAccess:
    """The token the operation's `ScopedToken` accepted."""
    access: TokenAccess = request.auth  # type: ignore[attr-defined]
    return access


def _list_viewed(request: HttpRequest, name: str) -> None:
    """A list of many people's rows writes one view event naming the list, as a list page does."""
    record_page_view(request=request, target=Target(type=f"api.{name}", id="list"))


def _page(
    request: HttpRequest,
    rows: QuerySet[Any],
    *,
    name: str,
    shape: Shape,
    cursor: str | None,
    limit: int,
    field: str,
    resource: str | None,
) -> dict[str, Any]:
    """One page of a list by its signed cursor, the list's view event, and the page as the API
    answers it. A list of participant data names its `resource`: for an outside system's token
    it then holds only consented people, and the page is accounted as disclosed to it
    (`api.disclosure`). A public list (no `resource`) writes no view event."""
    if resource is not None:
        rows = shared_rows(request, rows, resource)
    page = cursor_page(rows, list_name=name, cursor=cursor, limit=limit, field=field)
    if resource is not None:
        _list_viewed(request, name)
        account_rows(request, resource, page.rows)
    return {"items": [shape(row) for row in page.rows], "next_cursor": page.next_cursor}


def _regardless(shape: Shape) -> Callable[[HttpRequest], Shape]:
    return lambda _request: shape


@dataclass(frozen=True)
class Records:
    """One kind of record the API lists and reads by id, on `router`: the scope both operations
    need (the documentation lists them under its name), their answers and their description.

    The operations' ids and url names are the decorated functions' names, and their parameters
    and summaries are pinned by the schema tests: keep both when changing a declaration. A view
    has no docstring, which ninja would otherwise show as the description."""

    router: Router
    resource: str
    page: type[BaseModel]
    one: type[BaseModel]
    description: str | None = None

    def _get(
        self, path: str, answer: type[BaseModel], name: str, summary: str
    ) -> Callable[[View], View]:
        return self.router.get(
            path,
            response={200: answer, **REFUSALS},
            auth=ScopedToken(self.resource),
            url_name=name,
            summary=summary,
            description=self.description,
            tags=[str(self.resource)],
        )

    def reads(self, path: str, *, summary: str) -> Callable[[View], View]:
        """The read of one record: the view is written out, as each kind finds, opens (the
        disclosure gate and the view event) and shapes its record its own way."""

        def declare(view: View) -> View:
            return self._get(path, self.one, view.__name__, summary)(view)

        return declare

    def lists(
        self,
        path: str,
        *,
        summary: str,
        shape: Shape | None = None,
        shape_for: Callable[[HttpRequest], Shape] | None = None,
        field: str = "updated_at",
        changed_since: Callable[[QuerySet[Any], datetime, TokenAccess], QuerySet[Any]]
        | None = None,
        by_participant: bool = False,
        public: bool = False,
    ) -> Callable[[Scoped], ListView]:
        """The list. The decorated function gives the rows the token may see; it becomes the
        operation that answers them a page at a time, in `field` order (`limit`, `cursor`):
        - `updated_since` keeps rows whose `field` is at or after it, or `changed_since` says
          which changed;
        - `by_participant` adds the `participant_id` filter;
        - each row is answered as `shape` makes it, or as `shape_for` the request does;
        - a list of participant data writes its view event and, for an outside system's token,
          holds only consented people and is accounted as disclosed; a `public` one does not.
        """

        if shape_for is None:
            if shape is None:
                raise TypeError("A list is shaped by `shape`, or by `shape_for` the request.")
            shape_for = _regardless(shape)

        def declare(scoped: Scoped) -> ListView:
            name = scoped.__name__

            def answer(
                request: HttpRequest,
                limit: int,
                cursor: str | None,
                updated_since: str | None,
                participant_id: uuid.UUID | None,
            ) -> dict[str, Any]:
                access = token_of(request)
                rows = scoped(request, access)
                if participant_id is not None:
                    rows = rows.filter(participant_id=participant_id)
                changed = since(updated_since)
                if changed is not None:
                    rows = (
                        changed_since(rows, changed, access)
                        if changed_since is not None
                        else rows.filter(**{f"{field}__gte": changed})
                    )
                return _page(
                    request,
                    rows,
                    name=name,
                    shape=shape_for(request),
                    cursor=cursor,
                    limit=limit,
                    field=field,
                    resource=None if public else self.resource,
                )

            def listed(
                request: HttpRequest,
                limit: int = Limit,
                cursor: str | None = Cursor,
                updated_since: str | None = Since,
            ) -> dict[str, Any]:
                return answer(request, limit, cursor, updated_since, None)

            def listed_by_participant(
                request: HttpRequest,
                limit: int = Limit,
                cursor: str | None = Cursor,
                updated_since: str | None = Since,
                participant_id: uuid.UUID | None = ParticipantFilter,
            ) -> dict[str, Any]:
                return answer(request, limit, cursor, updated_since, participant_id)

            view: ListView = listed_by_participant if by_participant else listed
            # The operation is known by the declared name: its id (api_care_views_plans), its
            # url name and its cursors' salt.
            view.__name__ = view.__qualname__ = name
            view.__module__ = scoped.__module__
            return self._get(path, self.page, name, summary)(view)

        return declare
