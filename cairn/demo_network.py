"""A statewide demo network seeded one organization at a time, in parallel processes if asked.

Each organization's rows come from random streams of its own (named by seed, organization and
step), so the rows are the same whether one process seeds all ten or two processes share them.
Each organization's audit chain is its own, so a process appends a whole chain by itself.
"""

import multiprocessing
import random
import time
from collections.abc import Callable
from datetime import date
from typing import Any

from django.db import connections, transaction
from faker import Faker

from accounts.models import User
from assessments import demo as assessments_demo
from cairn import demo_audit as audit_demo
from encounters import demo as encounter_demo
from organizations.models import Organization
from participants import demo as participant_demo
from participants.models import Participant
from plans import demo as plans_demo
from reports import demo as reports_demo
from safety import demo as safety_demo

BATCH = 5000
# The steps in the order one organization goes through them (the audit history first: it is
# dated in the past, and a chain's links are in time order).
STEPS = [
    "participants",
    "audit events",
    "contacts",
    "earlier contacts",
    "plan rows",
    "assessments",
    "safety-plan rows",
]


def seed_organizations(
    shares: dict[str, tuple[int, list[int]]],
    *,
    seed: int,
    anchor: date,
    contact_months: int,
    contact_density: float,
    audit_events: int,
    workers: int,
    log: Callable[[str], None],
) -> dict[str, int]:
    """Seed every organization of `shares` (slug: participants besides Pat, coach ids); returns
    rows created per step and logs each step's rows per second of worker time.

    With `workers` > 1 the accounts must already be committed: each process opens its own
    connection and commits its organizations one by one."""
    jobs = [
        (slug, count, coach_ids, seed, anchor, contact_months, contact_density, audit_events)
        for slug, (count, coach_ids) in shares.items()
    ]
    started = time.perf_counter()
    results: list[tuple[str, dict[str, tuple[int, float]]]] = []
    if workers > 1:
        connections.close_all()  # a forked child must not share the parent's socket
        context = multiprocessing.get_context("fork")
        with context.Pool(min(workers, len(jobs)), initializer=connections.close_all) as pool:
            for slug, steps in pool.imap_unordered(_seed_in_worker, jobs):
                results.append((slug, steps))
                log(f"  {slug} done after {time.perf_counter() - started:.1f} s")
    else:
        for job in jobs:
            results.append((job[0], _seed_one(*job)))
    wall = time.perf_counter() - started
    totals: dict[str, int] = {}
    for step in [*STEPS, "commit"]:
        rows = sum(steps[step][0] for _, steps in results if step in steps)
        seconds = sum(steps[step][1] for _, steps in results if step in steps)
        totals[step] = rows
        if step == "commit" and seconds:
            log(f"  commits (foreign-key checks): {seconds:.1f} s of worker time")
        elif rows:
            log(
                f"  {step}: {rows:,} in {seconds:.1f} s of worker time "
                f"({rows / max(seconds, 1e-9):,.0f} rows/s per worker)"
            )
    rows = sum(totals.values())
    used = max(1, workers)
    noun = "worker" if used == 1 else "workers"
    log(
        f"  all steps: {rows:,} rows in {wall:.1f} s with {used} {noun} "
        f"({rows / max(wall, 1e-9):,.0f} rows/s)"
    )
    return totals


def _seed_in_worker(job: tuple[Any, ...]) -> tuple[str, dict[str, tuple[int, float]]]:
    """One organization in its own transaction, in a worker process."""
    with transaction.atomic():
        steps = _seed_one(*job)
        began = time.perf_counter()
    # The commit checks every foreign key of the organization's rows (deferred constraints).
    steps["commit"] = (0, time.perf_counter() - began)
    return job[0], steps


def _seed_one(
    slug: str,
    count: int,
    coach_ids: list[int],
    seed: int,
    anchor: date,
    contact_months: int,
    contact_density: float,
    audit_events: int,
) -> dict[str, tuple[int, float]]:
    org = Organization.objects.get(slug=slug)
    orgs = [org]
    steps: dict[str, tuple[int, float]] = {}

    def stream(step: str) -> random.Random:
        return random.Random(f"{seed}:{slug}:{step}")

    def timed(step: str, run: Callable[[], int]) -> None:
        began = time.perf_counter()
        steps[step] = (run(), time.perf_counter() - began)

    timed("participants", lambda: _participants(org, count, coach_ids, stream("people"), anchor))
    history_days = contact_months * 30
    timed(
        "audit events",
        lambda: audit_demo.seed(
            orgs,
            events=audit_events,
            rng=stream("audit"),
            anchor=anchor,
            history_days=history_days,
        ),
    )
    timed(
        "contacts",
        lambda: encounter_demo.seed(
            orgs,
            rng=stream("contacts"),
            anchor=anchor,
            history_days=history_days,
            density=contact_density,
        ),
    )
    timed("earlier contacts", lambda: reports_demo.seed(orgs, rng=stream("year"), anchor=anchor))
    timed(
        "plan rows",
        lambda: plans_demo.seed(orgs, rng=stream("plans"), anchor=anchor, analyze=False),
    )
    timed(
        "assessments",
        lambda: assessments_demo.seed(orgs, rng=stream("assessments"), anchor=anchor),
    )
    timed("safety-plan rows", lambda: safety_demo.seed(orgs, rng=stream("safety"), anchor=anchor))
    return steps


def _participants(
    org: Organization, count: int, coach_ids: list[int], rng: random.Random, anchor: date
) -> int:
    """`count` participants shared evenly over the organization's coaches (Pat comes first,
    made with the accounts)."""
    by_id = User.objects.in_bulk(coach_ids)
    coaches = [by_id[pk] for pk in coach_ids]
    fakers = {"en": Faker("en_US"), "es": Faker("es_MX")}
    for faker in fakers.values():
        faker.seed_instance(rng.getrandbits(32))
    batch: list[Participant] = []
    for index in range(count):
        batch.append(
            participant_demo.generate(
                org=org,
                coach=coaches[index % len(coaches)],
                rng=rng,
                fakers=fakers,
                anchor=anchor,
            )
        )
        if len(batch) >= BATCH:
            participant_demo.save_batch(batch)
            batch = []
    participant_demo.save_batch(batch)
    return count
