"""What each SQLite connection learns when it opens: functions the schema and queries rely on.

- `cairn_purging()`: whether this connection is inside the retention purge
  (`lib.purge.protected_deletes_allowed`); the safety-version trigger asks it.
- `cairn_wiping()`: whether this connection is wiping the whole database (`manage.py flush`,
  which on PostgreSQL is a TRUNCATE that row triggers never see); the append-only triggers
  ask it.
- `like(pattern, value[, escape])`: SQLite's own LIKE folds only ASCII letters, so a search for
  "álvaro" would miss "Álvaro" (Django's `icontains` is LIKE on SQLite). This one folds any
  letter, as PostgreSQL's UPPER(...) LIKE UPPER(...) does.
"""

import re
from functools import lru_cache
from typing import Any


def add_sqlite_functions(sender: Any, connection: Any, **kwargs: Any) -> None:
    """Connected to `connection_created` in `lib.apps`."""
    if connection.vendor != "sqlite":
        return
    raw = connection.connection
    raw.create_function(
        "cairn_purging", 0, lambda: int(getattr(connection, "cairn_purging", False))
    )
    raw.create_function("cairn_wiping", 0, lambda: int(getattr(connection, "cairn_wiping", False)))
    raw.create_function("like", 2, _like, deterministic=True)
    raw.create_function("like", 3, _like, deterministic=True)


def _like(pattern: str | None, value: Any, escape: str | None = None) -> int | None:
    if pattern is None or value is None:
        return None
    return int(_compiled(pattern, escape).fullmatch(str(value).casefold()) is not None)


@lru_cache(maxsize=256)
def _compiled(pattern: str, escape: str | None) -> re.Pattern[str]:
    parts: list[str] = []
    characters = iter(pattern.casefold())
    for character in characters:
        if escape and character == escape.casefold():
            parts.append(re.escape(next(characters, "")))
        elif character == "%":
            parts.append(".*")
        elif character == "_":
            parts.append(".")
        else:
            parts.append(re.escape(character))
    return re.compile("".join(parts), re.DOTALL)


# The triggers that keep SQLite's guarantees, each created by its app's migration and named here
# by that app (`keep_triggers`, from its AppConfig.ready), so this module knows no app. Altering
# a column on SQLite rebuilds the table and drops its triggers, so after every `migrate` they are
# created again where missing (CREATE TRIGGER IF NOT EXISTS), whatever migration ran.
_TRIGGER_MIGRATIONS: dict[str, str] = {}


def keep_triggers(table: str, migration: str) -> None:
    """Have `migrate` create again the SQLite triggers of `table`, with the `create_triggers`
    function of the migration module `migration`."""
    _TRIGGER_MIGRATIONS[table] = migration


def restore_triggers(sender: Any, using: str = "default", **kwargs: Any) -> None:
    """Connected to `post_migrate` in `lib.apps`; acts once per migrate (for this app)."""
    from importlib import import_module

    from django.db import connections

    connection = connections[using]
    if connection.vendor != "sqlite" or getattr(sender, "name", "") != "lib":
        return
    tables = set(connection.introspection.table_names())
    statements = _Statements(connection)
    for table, module in _TRIGGER_MIGRATIONS.items():
        if table in tables:
            import_module(module).create_triggers(None, statements)


class _Statements:
    """What the migrations' trigger functions use of a schema editor (`connection`, `execute`),
    without one: a schema editor cannot open inside a transaction on SQLite."""

    def __init__(self, connection: Any) -> None:
        self.connection = connection

    def execute(self, sql: str, params: Any = None) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute(sql, params)
