"""Send the appointment reminders that are due: run every minute (cron or a systemd timer).
Safe to run on two machines at once; each reminder is claimed before it is sent."""

from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from appointments.reminder_services import BATCH, send_due_reminders
from lib.env import envbool


class Command(BaseCommand):
    help = "Send the appointment reminders that are due now (run every minute)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--as-if",
            default="",
            help="demo only (CAIRN_DEMO=1): send what is due at this local time, for example "
            "'2026-12-09 18:00', to see the demo's reminder without waiting for it",
        )

        parser.add_argument(
            "--batch",
            type=int,
            default=BATCH,
            help=f"how many due reminders to claim at a time (default {BATCH}); smaller batches "
            "share the work more evenly between senders running at once",
        )

        parser.add_argument(
            "--senders",
            type=int,
            default=None,
            help="how many texts to have with the provider at once "
            "(default CAIRN_REMINDER_SENDERS, 4)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        now = None
        if options["as_if"]:
            if not envbool("CAIRN_DEMO", False):
                raise CommandError("--as-if is for the demo only (CAIRN_DEMO=1).")
            try:
                now = timezone.make_aware(datetime.fromisoformat(options["as_if"]))
            except ValueError as error:
                raise CommandError(
                    "--as-if takes a local date and time: 2026-12-09 18:00"
                ) from error
        if options["batch"] < 1:
            raise CommandError("--batch takes a number of reminders, 1 or more.")
        if options["senders"] is not None and options["senders"] < 1:
            raise CommandError("--senders takes a number, 1 or more.")
        count = send_due_reminders(now=now, limit=options["batch"], senders=options["senders"])
        self.stdout.write(
            f"Reminders sent: {count.sent}; waiting for their hours or a retry: {count.waiting}; "
            f"not sent: {count.not_sent}."
        )
