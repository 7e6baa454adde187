"""Take queued background jobs one at a time (for `CAIRN_JOBS_MODE=worker`)."""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from jobs import runner


class Command(BaseCommand):
    help = "Run queued background jobs (exports, imports) until stopped, or once with --once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="run what is queued, then stop")
        parser.add_argument(
            "--max-seconds", type=float, default=0, help="stop after this long (0: never)"
        )
        parser.add_argument("--poll", type=float, default=1.0, help="seconds between looks")

    def handle(self, *args: Any, **options: Any) -> None:
        deadline = time.monotonic() + options["max_seconds"] if options["max_seconds"] else None
        ran = 0
        while deadline is None or time.monotonic() < deadline:
            job_id = runner.next_queued()
            if job_id is None:
                if options["once"]:
                    break
                time.sleep(options["poll"])
                continue
            if runner.run(job_id):
                ran += 1
        self.stdout.write(f"{ran} {'job' if ran == 1 else 'jobs'} run")
