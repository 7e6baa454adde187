"""Helpers for tests that read the database behind the ORM's back (to prove what is stored)."""

import uuid
from typing import Any

from django.db import connection


def sql_value(value: Any) -> Any:
    """A value as a raw query's parameter: UUIDs as each database stores them (SQLite keeps
    32 hex digits, PostgreSQL a uuid)."""
    if isinstance(value, uuid.UUID) and connection.vendor != "postgresql":
        return value.hex
    return value


def stored_columns(instance: Any, *names: str) -> dict[str, Any]:
    """These fields of one row as the database holds them (ciphertext stays ciphertext)."""
    model = type(instance)
    quote = connection.ops.quote_name
    columns = [model._meta.get_field(name).column for name in names]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(quote(c) for c in columns)} "  # noqa: S608
            f"FROM {quote(model._meta.db_table)} WHERE {quote(model._meta.pk.column)} = %s",
            [sql_value(instance.pk)],
        )
        row = cursor.fetchone()
    return dict(zip(names, row, strict=True))
