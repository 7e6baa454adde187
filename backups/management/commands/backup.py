"""manage.py backup [--dir DIR] [--prune] [--keep N]: one encrypted backup file of the database."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from backups import services


class Command(BaseCommand):
    help = "Write an encrypted, checksummed backup of the database (safe while Cairn runs)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dir", help="where to write it (default CAIRN_BACKUP_DIR)")
        parser.add_argument(
            "--prune",
            action="store_true",
            help="then delete the oldest backups beyond CAIRN_BACKUP_KEEP (never the newest)",
        )
        parser.add_argument("--keep", type=int, help="how many to keep with --prune")

    def handle(self, *args: Any, **options: Any) -> None:
        directory = Path(options["dir"]) if options["dir"] else None
        result = services.backup(directory)
        counts = result.manifest["row_counts"]
        self.stdout.write(
            f"Backup written: {result.path} ({result.size / 1_000_000:.1f} MB, "
            f"{sum(counts.values())} rows in {len(counts)} tables, "
            f"{len(result.manifest['audit_heads'])} audit chains) in {result.seconds:.1f} s."
        )
        if options["prune"]:
            for path in services.prune(directory, options["keep"]):
                self.stdout.write(f"Removed old backup {path.name}")
