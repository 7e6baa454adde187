"""manage.py rotate_keys: re-encrypt every encrypted column with the newest CAIRN_FIELD_KEYS key.

Safe to interrupt and run again: each batch is its own transaction and rotating an already
rotated value changes nothing but its nonce. Also encrypts text stored before encryption, and
recomputes the keyed hashes beside encrypted values (lib.blind_index) in case their key changed.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import connection

from lib.blind_index import refresh_keyed_hashes
from lib.crypto import encrypted_columns, rotate_column
from lib.progress import Progress


class Command(BaseCommand):
    help = "Re-encrypt sensitive text with the newest key (run after adding a key)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=1000)

    def handle(self, *args: Any, **options: Any) -> None:
        total = 0
        for table, pk, column in encrypted_columns():
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
                rows = cursor.fetchone()[0]
            progress = Progress(rows, f"{table}.{column}", minimum=1)
            done = rotate_column(
                connection,
                table,
                pk,
                column,
                batch_size=options["batch_size"],
                on_batch=progress.advance,
            )
            total += done
            self.stdout.write(f"{table}.{column}: {done:,} rows re-encrypted")
        hashed = refresh_keyed_hashes(batch_size=options["batch_size"])
        self.stdout.write(f"Keyed hashes recomputed for {hashed:,} rows.")
        self.stdout.write(f"Done: {total:,} values now use the newest key.")
