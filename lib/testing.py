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
