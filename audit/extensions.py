"""Where `participants` plugs into reading the trail, so `audit` never imports it.

The events keep only a participant's id; the audit review (`oversight`) shows their names and
filters by name through what `participants` registers from its `AppConfig.ready()`.
"""

import uuid
from collections.abc import Callable
from typing import Any

from django.db.models import Model, QuerySet

NamesFor = Callable[[int, set[uuid.UUID]], dict[uuid.UUID, str]]
IdsNamed = Callable[[int, str], QuerySet[Any]]

_names_for: list[NamesFor] = []
_ids_named: list[IdsNamed] = []


def register_participant_names(*, names_for: NamesFor, ids_named: IdsNamed) -> None:
    """`names_for(organization_id, ids)` gives each id's name in one query;
    `ids_named(organization_id, text)` gives the ids whose name matches, as a subquery."""
    _names_for[:] = [names_for]
    _ids_named[:] = [ids_named]


def names_for_audit(organization: Model, ids: set[uuid.UUID]) -> dict[uuid.UUID, str]:
    return _names_for[0](organization.pk, ids) if _names_for and ids else {}


def ids_named_for_audit(organization: Model, text: str) -> QuerySet[Any]:
    return _ids_named[0](organization.pk, text)
