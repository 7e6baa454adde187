"""Send the appointment reminders that are due: run every minute (cron or a systemd timer).
Safe to run on two machines at once; each reminder is claimed before it is sent."""

from typing import Any

from django.core.management.base import BaseCommand

from appointments.reminder_services import send_due_reminders


class Command(BaseCommand):
    help = "Send the appointment reminders that are due now (run every minute)."

    def handle(self, *args: Any, **options: Any) -> None:
        count = send_due_reminders()
        self.stdout.write(
            f"Reminders sent: {count.sent}; waiting for their hours or a retry: {count.waiting}; "
            f"not sent: {count.not_sent}."
        )
