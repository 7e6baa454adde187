"""python -m bench.hsds [DATABASE_URL]: export and import 5,000 listings as HSDS 3.0
(BENCH_HSDS_SERVICES=50000 for the issue's 50,000).

A fresh SQLite file (or the database given, migrated) gets a program whose 5,000 services (500
providers) each have a place with an address, a phone, weekly hours and languages. Measured in
the same run, each once:

- the export in both forms (`directory.hsds_services.export_directory`): JSON and the zipped CSV
  data package, with their sizes; the baseline is the same services read as plain rows and
  written as JSON with no HSDS shaping, so the ratio says what the HSDS form costs;
- the dry run of each file into an empty program (`check_file`: read, check every row, count
  against the listings there), against the baseline of only reading the file into tables;
- the import (`apply_import`: read and check again, then write everything in one transaction),
  and importing the same file again (every listing matched by its HSDS id and left unchanged).

Each step also gives the process's peak memory so far (`resource.getrusage`, never lower than
an earlier step's): the step that raises it is the one that needed it.
"""

import io
import json
import os
import random
import resource
import time
import zipfile
from collections.abc import Callable
from functools import partial
from typing import Any

from bench import given_or_fresh_sqlite, setup_django

SERVICES = int(os.environ.get("BENCH_HSDS_SERVICES", "5000"))
WORDS = ["pantry", "clinic", "meeting", "housing", "legal", "jobs", "rides", "naloxone", "café"]


def _program(slug: str) -> Any:
    from accounts.models import User
    from organizations.models import Membership, Organization, Role

    organization, _ = Organization.objects.get_or_create(slug=slug, defaults={"name": slug})
    user, _ = User.objects.get_or_create(
        username=f"{slug}-keeper", defaults={"preferred_name": "K"}
    )
    membership, _ = Membership.objects.get_or_create(
        organization=organization, user=user, defaults={"role": Role.MANAGER}
    )
    return membership


def seed(count: int) -> Any:
    from directory.models import (
        Cost,
        Language,
        Location,
        Need,
        Phone,
        ResourceOrganization,
        Schedule,
        Service,
        ServiceLanguage,
        Weekday,
    )
    from lib.collation import folded, sort_key

    acting = _program("bench-hsds")
    organization = acting.organization
    if Service.objects.of(organization).count() >= count:
        return acting
    rng = random.Random(22)
    providers = ResourceOrganization.objects.bulk_create(
        ResourceOrganization(organization=organization, name=f"Provider {n}", description="Help")
        for n in range(max(1, count // 10))
    )
    needs, costs, codes = list(Need), list(Cost), [c.value for c in Language]
    for start in range(0, count, 1000):
        services = []
        for index in range(start, min(count, start + 1000)):
            name = f"{rng.choice(WORDS).title()} {index}"
            about = f"A {rng.choice(WORDS)} and {rng.choice(WORDS)} service number {index}."
            services.append(
                Service(
                    organization=organization,
                    provider=providers[index % len(providers)],
                    name=name,
                    name_sort=sort_key(name),
                    name_search=folded(name),
                    description=about,
                    description_search=folded(about),
                    need=rng.choice(needs),
                    cost=rng.choice(costs),
                    eligibility_description="Adults in the county.",
                    service_area="Maryland",
                )
            )
        Service.objects.bulk_create(services)
        Location.objects.bulk_create(
            Location(
                organization=organization,
                service=s,
                address_1=f"{100 + n} Main Street",
                city="Baltimore",
                state_province="MD",
                postal_code="21201",
                latitude=rng.uniform(37.9, 39.7),
                longitude=rng.uniform(-79.4, -75.1),
            )
            for n, s in enumerate(services)
        )
        Phone.objects.bulk_create(
            Phone(organization=organization, service=s, number=f"(410) 555-{n % 10000:04d}")
            for n, s in enumerate(services)
        )
        Schedule.objects.bulk_create(
            Schedule(
                organization=organization,
                service=s,
                byday=day,
                opens_at=f"{rng.randint(5, 11):02d}:00",
                closes_at=f"{rng.randint(13, 23):02d}:00",
            )
            for s in services
            for day in rng.sample(list(Weekday), 4)
        )
        ServiceLanguage.objects.bulk_create(
            ServiceLanguage(organization=organization, service=s, code=code)
            for s in services
            for code in {"en", rng.choice(codes)}
        )
    return acting


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def unpacked_mb(content: bytes) -> float:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return sum(entry.file_size for entry in archive.infolist()) / 1024 / 1024


def timed(work: Callable[[], Any]) -> tuple[float, Any]:
    begin = time.perf_counter()
    result = work()
    return time.perf_counter() - begin, result


def main() -> None:
    setup_django(given_or_fresh_sqlite("bench-hsds"))
    from directory.hsds_reading import read
    from directory.hsds_services import apply_import, check_file, export_directory
    from directory.models import Service

    started = time.perf_counter()
    acting = seed(SERVICES)
    print(f"{SERVICES:,} listings ready in {time.perf_counter() - started:.1f} s\n")

    def plain_rows() -> bytes:
        rows = list(Service.objects.of(acting.organization).values())
        return json.dumps(rows, default=str).encode()

    base_export, _plain = timed(plain_rows)
    lines = [
        "| step | seconds | ratio to its baseline | notes | peak MB so far |",
        "|---|---:|---:|---|---:|",
    ]
    lines.append(
        f"| baseline: services as plain JSON rows | {base_export:.2f} | 1.00 | | {peak_mb():.0f} |"
    )
    files: dict[str, bytes] = {}
    for form in ("json", "zip"):
        seconds, content = timed(partial(export_directory, acting=acting, form=form))
        files[form] = content
        size = f"{len(content) / 1024 / 1024:.1f} MB"
        if form == "zip":
            size += f", {unpacked_mb(content):.1f} MB unpacked"
        lines.append(
            f"| export, {form} | {seconds:.2f} | {seconds / base_export:.2f} "
            f"| {size} | {peak_mb():.0f} |"
        )
    for form, content in files.items():
        empty = _program(f"bench-hsds-into-{form}")
        name = f"directory.{form}"
        base_read, _tables = timed(partial(read, content, name))
        del _tables
        lines.append(
            f"| baseline: read the {form} file only | {base_read:.2f} | 1.00 | | {peak_mb():.0f} |"
        )
        check = partial(check_file, acting=empty, filename=name, raw=content)
        check_s, record = timed(check)
        assert record.problem_count == 0, record.problems[:3]
        lines.append(
            f"| dry run, {form} | {check_s:.2f} | {check_s / base_read:.2f} "
            f"| {record.added_count:,} to add | {peak_mb():.0f} |"
        )
        apply_s, done = timed(partial(apply_import, acting=empty, record=record))
        lines.append(
            f"| import, {form} (checked again, then written) | {apply_s:.2f} "
            f"| {apply_s / base_read:.2f} | {done.added_count:,} added | {peak_mb():.0f} |"
        )

        def again(check: Any = check, empty: Any = empty) -> Any:
            return apply_import(acting=empty, record=check())

        again_s, repeated = timed(again)
        lines.append(
            f"| same file again (dry run + import) | {again_s:.2f} | {again_s / base_read:.2f} "
            f"| {repeated.unchanged_count:,} unchanged, {repeated.added_count} added "
            f"| {peak_mb():.0f} |"
        )
    print("\n".join(lines))


if __name__ == "__main__":
    main()
