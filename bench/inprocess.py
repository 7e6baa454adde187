"""Measures taken inside this process: queries per page, their plans, audit cost, chain checks."""

import json
import statistics
import time
from dataclasses import dataclass, field
from typing import Any
from unittest import mock

from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from accounts.models import User
from audit.models import Action
from audit.selectors import verify_chain
from audit.services import Target, record_event
from bench.pages import COACH, MANAGER, Page, Subjects, check_in_form
from organizations.models import Membership, Organization

LARGE_TABLE_ROWS = 10_000  # a sequential scan over more rows than this is flagged


@dataclass
class Explained:
    sql: str
    ms: float
    seq_scans: list[str] = field(default_factory=list)  # "table (rows)" of large tables


@dataclass
class PageQueries:
    count: int
    heaviest: Explained | None
    large_seq_scans: list[str] = field(default_factory=list)  # in any of the page's reads
    cpu_ms: float = (
        0.0  # this process's CPU time per request: steadier than wall time on a busy machine
    )


def client_for(username: str | None) -> Client:
    client = Client()
    if username:
        client.force_login(User.objects.get(username=username))
    return client


def page_client(page: Page) -> Client:
    """A client as the page is opened: by the person's API token, or signed in as them."""
    if page.token:
        return Client(headers={"Authorization": f"Bearer {page.token}"})
    return client_for(page.username)


def page_queries(page: Page, *, explain: bool) -> PageQueries:
    """Queries of the second request (the first warms per-process caches), and the plan of the
    slowest read among them; for a page whose figures are kept, of a view that counts them."""
    client = page_client(page)
    client.get(page.path)
    if page.kept:
        cache.clear()  # count and explain the reads behind the figures, not the kept copy
    with CaptureQueriesContext(connection) as captured:
        response = client.get(page.path)
    if response.status_code != 200:
        raise RuntimeError(f"{page.path} answered {response.status_code} in-process")
    if not explain:
        return PageQueries(len(captured.captured_queries), None)
    sql = [q["sql"] for q in captured.captured_queries]
    return PageQueries(len(sql), _heaviest(sql), seq_scans_in(sql), cpu_ms(client, page.path))


def cpu_ms(client: Client, path: str, rounds: int = 5) -> float:
    """Median CPU time of this process for one request (Python only; the database's share is in
    the EXPLAIN figures)."""
    spent = []
    for _ in range(rounds):
        started = time.process_time()
        client.get(path)
        spent.append((time.process_time() - started) * 1000)
    return round(statistics.median(spent), 2)


def python_speed_ms(rounds: int = 3) -> float:
    """CPU ms of a fixed loop of three million additions (median of three): how fast this
    machine ran Python at the time, since the CPU figures move with it (a shared VM here ran
    the same loop in 1,100 ms and in 1,700 ms within the hour)."""
    spent = []
    for _ in range(rounds):
        started = time.process_time()
        total = 0
        for number in range(3_000_000):
            total += number
        spent.append((time.process_time() - started) * 1000)
    return round(statistics.median(spent), 1)


def first_view(page: Page, rounds: int = 3) -> dict[str, float]:
    """Wall and CPU time of a view with nothing kept from an earlier one (the cache emptied
    first): what a manager waits for after any write in their organization."""
    client = page_client(page)
    client.get(page.path)
    wall, cpu = [], []
    for _ in range(rounds):
        cache.clear()
        started, started_cpu = time.perf_counter(), time.process_time()
        client.get(page.path)
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return {
        "wall_ms": round(statistics.median(wall), 1),
        "cpu_ms": round(statistics.median(cpu), 1),
        "rounds": rounds,
    }


def baseline_cpu_ms(page: Page) -> float:
    with override_settings(ROOT_URLCONF="bench.urls"):
        return cpu_ms(client_for(None), page.path)


def bulk_export(username: str = MANAGER) -> dict[str, Any]:
    """The FHIR bulk export of the manager's whole organization, every type, timed in-process
    (the job's own work, without its queue), then rolled back: its audit events are not kept."""
    from fhir_r4.access import FhirAccess
    from fhir_r4.export import build_export
    from fhir_r4.selectors import PARTICIPANT_TYPES

    member = Membership.objects.select_related("user", "organization").get(user__username=username)
    started, started_cpu = time.perf_counter(), time.process_time()
    with transaction.atomic():
        content, counts, people = build_export(
            FhirAccess(membership=member),
            types=list(PARTICIPANT_TYPES),
            progress=lambda done, total: None,
        )
        transaction.set_rollback(True)
    return {
        "people": people,
        "resources": sum(counts.values()),
        "wall_s": round(time.perf_counter() - started, 1),
        "cpu_s": round(time.process_time() - started_cpu, 1),
        "zip_mb": round(len(content) / 1e6, 1),
    }


def write_queries(subjects: Subjects) -> int:
    client = client_for(COACH)
    target = subjects.writable[0]
    with CaptureQueriesContext(connection) as captured:
        response = client.post(f"/contacts/new/{target}/", check_in_form(target))
    if response.status_code != 302:
        raise RuntimeError(f"the check-in answered {response.status_code} in-process")
    return len(captured.captured_queries)


def _heaviest(queries: list[str]) -> Explained | None:
    worst: Explained | None = None
    sizes = _table_sizes()
    for sql in queries:
        if not sql.lstrip().upper().startswith("SELECT"):
            continue
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)
            raw = cursor.fetchone()[0]
        plan = (json.loads(raw) if isinstance(raw, str) else raw)[0]
        ms = float(plan["Planning Time"]) + float(plan["Execution Time"])
        if worst is None or ms > worst.ms:
            scans = [
                f"{table} ({sizes[table]:,} rows)"
                for table in _seq_scans(plan["Plan"])
                if sizes.get(table, 0) > LARGE_TABLE_ROWS
            ]
            worst = Explained(sql=sql, ms=round(ms, 3), seq_scans=scans)
    return worst


def seq_scans_in(queries: list[str]) -> list[str]:
    """Every large table any of these reads scans sequentially."""
    sizes = _table_sizes()
    found: set[str] = set()
    for sql in queries:
        if not sql.lstrip().upper().startswith("SELECT"):
            continue
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (FORMAT JSON) " + sql)
            raw = cursor.fetchone()[0]
        plan = (json.loads(raw) if isinstance(raw, str) else raw)[0]
        found.update(t for t in _seq_scans(plan["Plan"]) if sizes.get(t, 0) > LARGE_TABLE_ROWS)
    return sorted(found)


def _seq_scans(node: dict[str, Any]) -> list[str]:
    found = [node["Relation Name"]] if node.get("Node Type") == "Seq Scan" else []
    for child in node.get("Plans", []):
        found += _seq_scans(child)
    return found


def _table_sizes() -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, reltuples::bigint FROM pg_class "
            "WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace"
        )
        return {name: int(rows) for name, rows in cursor.fetchall()}


def audit_overhead(subjects: Subjects, *, rounds: int) -> dict[str, float]:
    """The check-in write through the test client with its audit events and, interleaved, with
    record_event patched out in this process only (production has no switch for that), plus
    record_event on its own. Milliseconds, medians."""
    client = client_for(COACH)
    with_audit: list[float] = []
    without: list[float] = []
    targets = subjects.writable
    for n in range(rounds):
        for audited in (True, False):
            target = targets[n % len(targets)]
            started = time.perf_counter()
            if audited:
                response = client.post(f"/contacts/new/{target}/", check_in_form(target))
            else:
                with mock.patch("audit.services.record_event"):
                    response = client.post(f"/contacts/new/{target}/", check_in_form(target))
            elapsed = (time.perf_counter() - started) * 1000
            if response.status_code != 302:
                raise RuntimeError(f"the check-in answered {response.status_code}")
            (with_audit if audited else without).append(elapsed)
    harbor = Organization.objects.get(slug="harbor")
    ana = User.objects.get(username=COACH)
    alone: list[float] = []
    for n in range(rounds):
        started = time.perf_counter()
        record_event(
            action=Action.VIEW,
            actor=ana,
            organization=harbor,
            role="coach",
            target=Target(type="bench.audit", id=str(n)),
        )
        alone.append((time.perf_counter() - started) * 1000)
    with_ms, without_ms = statistics.median(with_audit), statistics.median(without)
    return {
        "write_with_audit_ms": round(with_ms, 2),
        "write_without_audit_ms": round(without_ms, 2),
        "audit_share": round(with_ms / without_ms - 1, 3) if without_ms else 0.0,
        "record_event_ms": round(statistics.median(alone), 2),
        "rounds": rounds,
    }


def verify_speed() -> dict[str, float]:
    """verify_chain over Harbor's chain (the largest one), in events per second."""
    harbor = Organization.objects.get(slug="harbor")
    started = time.perf_counter()
    report = verify_chain(harbor.pk)
    seconds = time.perf_counter() - started
    if not report.ok:
        raise RuntimeError(f"Harbor's audit chain is broken: {report.problem}")
    return {
        "events": report.events_checked,
        "seconds": round(seconds, 2),
        "events_per_second": round(report.events_checked / seconds) if seconds else 0,
    }
