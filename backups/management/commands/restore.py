"""manage.py restore FILE: restore a backup into the configured, empty database, then verify it."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from backups import services


class Command(BaseCommand):
    help = "Restore a backup into an empty database and check rows and audit chains against it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the backup file (.cairnbackup)")
        parser.add_argument(
            "--check-only",
            action="store_true",
            help="only check the file (checksum, key, complete) and print its manifest summary",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["check_only"]:
                manifest = services.read_manifest(Path(options["file"]))
                self.stdout.write(
                    f"The file is whole and readable with this key: Cairn "
                    f"{manifest['cairn_version']}, {manifest['vendor']}, made "
                    f"{manifest['created_at']}, {sum(manifest['row_counts'].values())} rows."
                )
                return
            result = services.restore(Path(options["file"]))
        except services.BackupRefused as refusal:
            raise CommandError(str(refusal)) from refusal
        except services.RestoreFailed as failure:
            raise CommandError(str(failure)) from failure
        self.stdout.write(
            f"Restored and verified: {result.rows} rows match the backup and "
            f"{result.chains} audit chains verify ({result.seconds:.1f} s). Run "
            "`manage.py migrate` if this version of Cairn is newer than the backup. Done."
        )
