"""Removing a record and everything that hangs from it, children first, whatever app owns them."""

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection
from django.db.models import Model, QuerySet


def delete_tree(model: type[Model], queryset: QuerySet[Model]) -> Counter[str]:
    """Delete `queryset` after every row that points at it (PROTECT included), depth first.

    Tables added by later apps are found through the model graph, so nothing is left behind.
    Returns rows deleted per model label. Only for the retention purge: no signals are relied on.
    """
    counts: Counter[str] = Counter()
    for relation in model._meta.get_fields(include_hidden=True):
        if not (relation.auto_created and not relation.concrete):
            continue
        if not (relation.one_to_many or relation.one_to_one):
            continue
        child: type[Model] = relation.related_model  # type: ignore[assignment]
        if child is model:  # self references are the caller's business (merged records)
            continue
        field_name = relation.field.name  # type: ignore[union-attr]
        children = child._base_manager.filter(**{f"{field_name}__in": queryset.values("pk")})
        counts.update(delete_tree(child, children))
    _deleted, per_model = queryset.delete()
    counts.update({label: n for label, n in per_model.items() if n})
    return counts


@contextmanager
def protected_deletes_allowed() -> Iterator[None]:
    """Within the current transaction, let the purge remove rows that triggers otherwise keep
    (saved safety plan versions). PostgreSQL: a setting that ends with the transaction; SQLite:
    a flag on this connection that its `cairn_purging()` function answers, cleared on leaving."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL cairn.purge = 'on'")
        yield
        return
    connection.cairn_purging = True  # type: ignore[attr-defined]
    try:
        yield
    finally:
        connection.cairn_purging = False  # type: ignore[attr-defined]
