"""python -m bench.suprt_figures [DATABASE_URL] [--people N]: the dashboard's SUPRT completion
figures, timed in Python (one row per episode, `reports.suprt_figures`) and counted in the
database (`reports.suprt_counts`), on a program of N people (30,000: state scale).

Without a URL it uses the SQLite file `var/bench-suprt.sqlite3`. The database is seeded once (the
demo, then N people of Harbor with SUPRT-A records) and reused on later runs. The people are
spread over three years of enrolment, a quarter of them with care ended, with baselines, 6-month,
annual and closeout records on time, late or missing, deterministic for the seed. Both ways must
give the same figures; the script says so before it prints the times.
"""

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from bench import setup_django

ROOT = Path(__file__).resolve().parent.parent
START, END = date(2025, 11, 1), date(2026, 10, 31)  # the dashboard's default year
BATCH = 2000


def seed_demo(url: str) -> None:
    env = {**os.environ, "DATABASE_URL": url, "CAIRN_DEMO": "1", "CAIRN_HTTPS": "0"}
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v", "0"], env=env, check=True, cwd=ROOT)  # noqa: S603
    subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [*manage, "seed_demo", "--participants", "60", "--seed", "3"],
        env=env,
        check=True,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )


def records_for(rng: random.Random, enrolled: date, ended: date | None) -> list[tuple[str, date]]:
    """A person's SUPRT-A records: mostly on time, some late, some missing."""
    found: list[tuple[str, date]] = []
    if rng.random() < 0.85:
        found.append(("baseline", enrolled + timedelta(days=rng.randint(0, 40))))
    anchor = found[0][1] if found else enrolled
    last = ended or END
    reassessed = anchor + timedelta(days=rng.randint(140, 220))
    if reassessed <= last and rng.random() < 0.7:
        found.append(("reassessment", reassessed))
    for year in (1, 2, 3):
        day = anchor + timedelta(days=365 * year + rng.randint(-40, 40))
        if day <= last and rng.random() < 0.6:
            found.append((f"annual-{year}", day))
    if ended is not None and rng.random() < 0.6:
        found.append(("closeout", ended + timedelta(days=rng.randint(0, 40))))
    return found


def seed_people(people: int, seed: int) -> None:
    """N people of Harbor with their SUPRT-A records, in batches (bulk inserts)."""
    from accounts.models import User
    from assessments.models import SUPRT_A, Assessment
    from organizations.models import Organization
    from participants.models import Participant

    harbor = Organization.objects.get(slug="harbor")
    Organization.objects.filter(pk=harbor.pk).update(reports_suprt=True)
    coaches = list(User.objects.filter(username__in=["ana", "ben"]))
    rng = random.Random(seed)
    made = 0
    while made < people:
        batch: list[Participant] = []
        planned: list[list[tuple[str, date]]] = []
        for index in range(made, min(people, made + BATCH)):
            enrolled = END - timedelta(days=rng.randint(0, 3 * 365))
            ended = None
            if rng.random() < 0.25:
                ended = enrolled + timedelta(days=rng.randint(10, 500))
                ended = ended if ended <= END else None
            batch.append(
                Participant(
                    organization=harbor,
                    preferred_name=f"Bench {index}",
                    coach=coaches[index % len(coaches)],
                    enrolled_on=enrolled,
                    status="closed" if ended else "active",
                    status_since=ended,
                )
            )
            planned.append(records_for(rng, enrolled, ended))
        Participant.objects.bulk_create(batch)
        Assessment.objects.bulk_create(
            Assessment(
                organization=harbor,
                participant=person,
                instrument=SUPRT_A,
                instrument_version="1",
                administered_on=day,
                schedule_point=point,
                recorded_by=person.coach,
                is_complete=True,
            )
            for person, records in zip(batch, planned, strict=True)
            for point, day in records
        )
        made += len(batch)
    print(f"seeded {made:,} people with SUPRT-A records")


def timed(work: Any, rounds: int) -> tuple[float, Any]:
    spent, result = [], None
    for _ in range(rounds):
        began = time.perf_counter()
        result = work()
        spent.append(time.perf_counter() - began)
    return statistics.median(spent) * 1000, result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url", nargs="?")
    parser.add_argument("--people", type=int, default=30000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    url = args.url or f"sqlite:///{ROOT / 'var' / 'bench-suprt.sqlite3'}"
    setup_django(url)
    from django.db import connection

    from organizations.models import Organization

    if "organizations_organization" not in connection.introspection.table_names() or not (
        Organization.objects.filter(slug="harbor").exists()
    ):
        seed_demo(url)
    from accounts.models import User
    from assessments import suprt
    from participants.models import Participant
    from reports import aggregates, suprt_counts, suprt_figures
    from reports.figures import Range

    harbor = Organization.objects.get(slug="harbor")
    if Participant.objects.filter(organization=harbor).count() < args.people:
        seed_people(args.people, args.seed)
        harbor.refresh_from_db()
    mia = User.objects.get(username="mia")
    people = Participant.objects.visible_to(mia, harbor)
    period = Range(START, END)
    print(f"{people.count():,} people in scope, {START} to {END}")

    def rows() -> Any:
        return suprt.episodes(
            organization_id=harbor.pk, people=people, start=period.start, end=period.end
        )

    read_ms, episodes = timed(rows, args.rounds)
    python_ms, by_episode = timed(lambda: suprt_figures.completion(episodes, period), args.rounds)
    print(f"{len(episodes):,} episodes read in {read_ms:.0f} ms (2 queries)")
    print(f"Python pass over them: {python_ms:.0f} ms")
    print(f"together (the dashboard before): {read_ms + python_ms:.0f} ms")
    for point, rate in by_episode.items():
        print(f"  {point}: {rate.done} of {rate.of}")

    def counting() -> Any:
        with aggregates.without_jit():  # as the dashboard counts
            return suprt_counts.completion(organization=harbor, people=people, period=period)

    sql_ms, counted = timed(counting, args.rounds)
    print(f"counted in the database (the dashboard after): {sql_ms:.0f} ms (1 query)")
    if counted != by_episode:
        sys.exit(f"the two differ: {counted} against {by_episode}")
    print("the same figures both ways")
    dashboard_ms(harbor, mia, args.rounds)


def dashboard_ms(harbor: Any, mia: Any, rounds: int) -> None:
    """The whole dashboard's figures, uncounted before (its cache emptied each time), with SUPRT
    counted in Python as before and in the database as now."""
    from unittest import mock

    from django.core.cache import cache

    from reports import selectors

    filters = selectors.Filters(start=START, end=END)

    def first_view() -> Any:
        cache.clear()
        return selectors.dashboard(user=mia, organization=harbor, filters=filters)

    with mock.patch.object(selectors, "suprt_completion", selectors.suprt_by_episode):
        before, _ = timed(first_view, rounds)
    after, _ = timed(first_view, rounds)
    print(f"whole dashboard, first view: {before:.0f} ms before, {after:.0f} ms after")


if __name__ == "__main__":
    main()
