"""The minute-by-minute work of a running Cairn, in one process: appointment reminders that are
due, and queued background jobs (texts that waited for a person's texting hours, escalation
texts, large exports and imports); on SQLite also, every few hours, the query planner's
statistics. `make run` starts it beside the web server; in production run it as a service, or
run `send_reminders` and `run_jobs --once` from cron instead.

Each round is safe beside another copy of itself (reminders and jobs are claimed in the
database before they are done), and a failing round is logged by its error type only and does
not stop the next."""

import logging
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections, connection

from appointments.reminder_services import send_due_reminders
from jobs import runner
from lib.planner import refresh_statistics

logger = logging.getLogger(__name__)

JOBS_PER_ROUND = 20  # so a long queue of jobs never holds reminders back by more than a round
STATISTICS_EVERY = 6 * 3600.0  # seconds between SQLite planner statistics (lib.planner)


def one_round() -> tuple[int, int]:
    """Sends the due reminders, then runs up to JOBS_PER_ROUND queued jobs: (sent, jobs run)."""
    sent = send_due_reminders().sent
    ran = 0
    for _turn in range(JOBS_PER_ROUND):
        job_id = runner.next_queued()
        if job_id is None:
            break
        if runner.run(job_id):
            ran += 1
    return sent, ran


class Command(BaseCommand):
    help = "Send due reminders and run queued jobs every minute until stopped."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--every", type=float, default=60.0, help="seconds between rounds")
        parser.add_argument(
            "--max-seconds", type=float, default=0, help="stop after this long (0: never)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        every = max(1.0, options["every"])
        deadline = time.monotonic() + options["max_seconds"] if options["max_seconds"] else None
        rounds = 0
        analysed_at: float | None = None
        while deadline is None or time.monotonic() < deadline:
            started = time.monotonic()
            if not connection.in_atomic_block:  # (a test runs the command inside one)
                close_old_connections()  # a connection the database dropped is opened anew
            try:
                sent, ran = one_round()
                if analysed_at is None or started - analysed_at >= STATISTICS_EVERY:
                    refresh_statistics(sqlite_only=True)  # PostgreSQL's autovacuum does it
                    analysed_at = started
                if sent or ran:
                    logger.info("timers: %s reminders sent, %s jobs run", sent, ran)
            except Exception as error:  # noqa: BLE001 - the next round tries again
                logger.error("timers: a round failed (%s)", type(error).__name__)
            rounds += 1
            wait = every - (time.monotonic() - started)
            if deadline is not None:
                wait = min(wait, deadline - time.monotonic())
            if wait > 0:
                time.sleep(wait)
        self.stdout.write(f"{rounds} {'round' if rounds == 1 else 'rounds'}")
