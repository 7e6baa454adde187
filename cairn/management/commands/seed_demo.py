"""manage.py seed_demo: the demo contract's organizations, accounts and participants."""

import time
from datetime import date
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from cairn.demo import (
    DEMO_ACCOUNTS,
    DEMO_PASSWORD,
    ORGANIZATIONS,
    SCALES,
    TOUR_ACCOUNTS,
    build_demo,
    demo_exists,
    seed_tour,
)
from lib.planner import refresh_statistics


class Command(BaseCommand):
    help = "Create the demo organizations, accounts and participants (deterministic per seed)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale",
            choices=sorted(SCALES),
            help="a named benchmark shape (small: 2,000 people; state: 10 organizations, 200 "
            "coaches, 50,000 people, about 2 million contacts, 3 million audit events)",
        )
        parser.add_argument("--participants", type=int, default=60)
        parser.add_argument("--organizations", type=int, default=2, help="2 to 10")
        parser.add_argument("--coaches", type=int, default=None, help="coaches in all")
        parser.add_argument(
            "--contact-density",
            type=float,
            default=1.0,
            help="multiplies how often contacts happen (2 = twice as often)",
        )
        parser.add_argument(
            "--audit-events", type=int, default=0, help="audit history to bulk-load"
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=2,
            help="processes that seed a network's organizations (more than 2 organizations; "
            "each commits on its own; 1 = one process, one transaction)",
        )
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--anchor-date",
            type=date.fromisoformat,
            default=None,
            help="the 'today' that dates are relative to (YYYY-MM-DD); defaults to today",
        )
        parser.add_argument(
            "--contact-months",
            type=int,
            default=4,
            help="months of contact history per participant (about 2 contacts a month)",
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="erase the WHOLE database first (demo databases only)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["scale"]:
            scale = SCALES[options["scale"]]
            options.update(
                participants=scale.participants,
                organizations=scale.organizations,
                coaches=scale.coaches,
                contact_months=scale.contact_months,
                contact_density=scale.contact_density,
                audit_events=scale.audit_events,
            )
        if not 2 <= options["organizations"] <= 10:
            raise CommandError("--organizations must be between 2 and 10.")
        if options["participants"] < 1:
            raise CommandError("--participants must be at least 1 (participant Pat).")
        if options["reset"]:
            self.stdout.write("Erasing the database for a fresh demo...")
            call_command("flush", interactive=False, verbosity=0)
        if demo_exists():
            self.stdout.write("Demo data is already here (use --reset to rebuild it).")
        else:
            started = time.perf_counter()
            world = build_demo(
                participants=options["participants"],
                seed=options["seed"],
                anchor=options["anchor_date"],
                contact_months=options["contact_months"],
                organizations=options["organizations"],
                coaches=options["coaches"],
                contact_density=options["contact_density"],
                audit_events=options["audit_events"],
                workers=max(1, options["workers"]),
                log=self.stdout.write,
            )
            with transaction.atomic():
                seed_tour(world, anchor=options["anchor_date"] or timezone.localdate())
            refresh_statistics()  # after a bulk load, so the planner picks the right indexes
            seconds = time.perf_counter() - started
            rate = world.participants_created / seconds if seconds else 0
            self.stdout.write(
                f"Seeded {world.participants_created:,} participants in {seconds:.1f} s "
                f"({rate:,.0f} participants/s), with {world.contacts_created:,} contacts, "
                f"{world.plans_created:,} plan rows, {world.assessments_created:,} assessment "
                f"rows and {world.safety_plans_created:,} safety-plan rows."
            )
            if world.audit_events_created:
                self.stdout.write(f"Bulk-loaded {world.audit_events_created:,} audit events.")
        self._print_accounts()

    def _print_accounts(self) -> None:
        self.stdout.write(f"\nDemo accounts (password for all: {DEMO_PASSWORD})")
        for account in [*DEMO_ACCOUNTS, *TOUR_ACCOUNTS]:
            self.stdout.write(
                f"  {account.username:<5} {ORGANIZATIONS[account.org]:<27} "
                f"{account.role.value:<12} {account.note}"
            )
