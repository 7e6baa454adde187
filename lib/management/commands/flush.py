"""`manage.py flush`, which on SQLite tells the append-only triggers that the whole database is
being wiped (PostgreSQL's flush is a TRUNCATE, which row triggers never see)."""

from typing import Any

from django.core.management.commands import flush
from django.db import connections


class Command(flush.Command):
    def handle(self, **options: Any) -> None:
        connection = connections[options["database"]]
        connection.cairn_wiping = True  # type: ignore[attr-defined]
        try:
            super().handle(**options)
        finally:
            connection.cairn_wiping = False  # type: ignore[attr-defined]
