"""Benchmark: generate a participants file, then time its upload, dry run and import.

The target is 100,000 rows in under two minutes on PostgreSQL. It makes its own organization
(named "Import benchmark <time>") so it never touches real or demo records; run it against a
scratch database.
"""

import time
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from accounts.models import User
from imports import services
from imports.sample import participants_csv
from organizations.models import Membership, Role
from organizations.services import create_organization


class Command(BaseCommand):
    help = "Time a participants import (upload, dry run, apply) of a generated file."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--rows", type=int, default=100_000)

    def handle(self, *args: Any, rows: int, **options: Any) -> None:
        stamp = timezone.now().strftime("%Y%m%d%H%M%S%f")
        organization = create_organization(
            slug=f"bench-import-{stamp}", name=f"Import benchmark {stamp}"
        )
        coach = User.objects.create(username=f"bench_coach_{stamp}", preferred_name="Coach")
        manager = User.objects.create(username=f"bench_mgr_{stamp}", preferred_name="Manager")
        Membership.objects.create(organization=organization, user=coach, role=Role.COACH)
        acting = Membership.objects.create(
            organization=organization, user=manager, role=Role.MANAGER
        )
        raw = participants_csv(rows, coach=coach.username)
        self.stdout.write(f"{rows:,} rows, {len(raw) / 1024 / 1024:.1f} MB of CSV")

        writing: list[float] = []

        def first_write(done: int, total: int) -> None:
            # apply() reports the re-check first (from 0), then each written chunk.
            if not writing and done == total:
                writing.append(time.perf_counter())

        started = time.perf_counter()
        batch = services.upload(acting=acting, kind="participants", filename="b.csv", raw=raw)
        services.save_mapping(acting=acting, batch=batch, mapping=batch.mapping, date_style="iso")
        uploaded = time.perf_counter()
        services.dry_run(acting=acting, batch=batch)
        checked = time.perf_counter()
        created = services.apply(acting=acting, batch=batch, progress=first_write)
        applied = time.perf_counter()

        def line(stage: str, seconds: float) -> str:
            return f"{stage:<28}{seconds:8.1f} s {rows / seconds:12,.0f} rows/s"

        self.stdout.write(line("upload (read + store)", uploaded - started))
        self.stdout.write(line("dry run", checked - uploaded))
        self.stdout.write(line("apply (re-check + write)", applied - checked))
        if writing:
            self.stdout.write(line("  of which re-check", writing[0] - checked))
            self.stdout.write(line("  of which writing", applied - writing[0]))
        self.stdout.write(line("total", applied - started))
        self.stdout.write(f"created {created:,}; problems {batch.problem_count}")
