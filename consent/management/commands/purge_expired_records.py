"""Purge closed records past their organization's retention period (run daily, e.g. from cron),
and forget the one-time keys of forms sent more than a month ago."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from consent.retention import cutoff, expired_records, purge_expired
from lib.once import forget_old_submit_keys
from organizations.models import Organization


class Command(BaseCommand):
    help = "Remove records closed longer ago than each organization keeps them (not held)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", help="only this organization (slug)")
        parser.add_argument(
            "--dry-run", action="store_true", help="count what would go; remove nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        organizations = Organization.objects.filter(is_active=True).order_by("slug")
        if options["org"]:
            organizations = organizations.filter(slug=options["org"])
        for organization in organizations:
            if options["dry_run"]:
                count = expired_records(organization, today).count()
                self.stdout.write(
                    f"{organization.slug}: {count} records ended before "
                    f"{cutoff(organization, today)} would be purged"
                )
                continue
            purged = purge_expired(organization, today=today)
            rows = sum(sum(p.rows.values()) for p in purged)
            self.stdout.write(f"{organization.slug}: purged {len(purged)} records ({rows} rows)")
        if not options["dry_run"]:
            forgotten = forget_old_submit_keys()
            self.stdout.write(f"forgot {forgotten} one-time keys of forms sent over a month ago")
