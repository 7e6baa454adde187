"""Where `participants` plugs into the audit review, so `audit` never imports it.

The events keep only a participant's id; the review shows their names and filters by name through
what `participants` registers from its `AppConfig.ready()`.
"""

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet

from organizations.models import Organization

NamesFor = Callable[[Organization, set[Any]], dict[Any, str]]
IdsNamed = Callable[[Organization, str], QuerySet[Any]]

_names_for: list[NamesFor] = []
_ids_named: list[IdsNamed] = []


def register_participant_names(*, names_for: NamesFor, ids_named: IdsNamed) -> None:
    """`names_for(organization, ids)` gives each id's name in one query; `ids_named(organization,
    text)` gives the ids whose name matches, as a subquery."""
    _names_for[:] = [names_for]
    _ids_named[:] = [ids_named]


def names_for_audit(organization: Organization, ids: set[Any]) -> dict[Any, str]:
    return _names_for[0](organization, ids) if _names_for and ids else {}


def ids_named_for_audit(organization: Organization, text: str) -> QuerySet[Any]:
    return _ids_named[0](organization, text)
