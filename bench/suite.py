"""One benchmark run: seed (when needed), count queries, serve, drive load, measure, report."""

import io
import os
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from django.core.management import call_command
from django.db import connection

from bench import inprocess
from bench.load import LoadResult, Request, Session, drive
from bench.pages import PASSWORD, Page, Subjects, baselines, check_in_form, choose_subjects, pages
from bench.server import WORKERS, Server
from cairn.demo import SCALES, demo_exists
from participants.models import Participant

USERS = 4


@dataclass(frozen=True)
class Budget:
    """How much load each page gets: bounded in requests and in seconds."""

    warm_up: int
    one_user_requests: int
    four_user_requests: int
    seconds: float
    audit_rounds: int


FULL = Budget(
    warm_up=10, one_user_requests=200, four_user_requests=400, seconds=15, audit_rounds=40
)
QUICK = Budget(warm_up=1, one_user_requests=3, four_user_requests=8, seconds=10, audit_rounds=2)


def ensure_data(scale: str, *, reseed: bool) -> dict[str, Any]:
    """Migrate, and build the scale's data set unless the database already holds it."""
    call_command("migrate", verbosity=0)
    wanted = SCALES[scale].participants
    # The scale's generated people, and the demo's named ones (pat) on top: at least `wanted`.
    if not reseed and demo_exists() and Participant.objects.count() >= wanted:
        return {"seeded": False, "note": "reused the data set already in the database"}
    out = io.StringIO()
    started = time.perf_counter()
    call_command("seed_demo", scale=scale, reset=True, stdout=out)
    seconds = time.perf_counter() - started
    lines = [line.strip() for line in out.getvalue().splitlines() if "rows/s" in line]
    return {"seeded": True, "seconds": round(seconds, 1), "steps": lines}


def table_rows() -> dict[str, int]:
    tables = {
        "organizations": "organizations_organization",
        "participants": "participants_participant",
        "coaches": "organizations_membership WHERE role = 'coach'",
        "contacts": "encounters_encounter",
        "assessments": "assessments_assessment",
        "audit_events": "audit_auditevent",
    }
    counts = {}
    with connection.cursor() as cursor:
        for name, source in tables.items():
            cursor.execute(f"SELECT count(*) FROM {source}")  # noqa: S608 - fixed names above
            counts[name] = int(cursor.fetchone()[0])
    return counts


def database_url() -> str:
    s = connection.settings_dict
    host = f"{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}"
    return f"postgres://{s['USER']}:{s['PASSWORD']}@{host}/{s['NAME']}"


def measure(*, budget: Budget, explain: bool = True) -> dict[str, Any]:
    """Everything except seeding, against the database this process is connected to."""
    load_before = os.getloadavg()
    speed_before = inprocess.python_speed_ms()
    subjects = choose_subjects()
    page_list = pages(subjects)
    queries = {p.name: inprocess.page_queries(p, explain=explain) for p in page_list}
    write_query_count = inprocess.write_queries(subjects)
    baseline_cpu = {p.name: inprocess.baseline_cpu_ms(p) for p in baselines(subjects)}
    first_views = {p.name: inprocess.first_view(p) for p in page_list if p.kept}
    results: dict[str, Any] = {"pages": {}, "baselines": {}, "first_views": first_views}
    connection.close()  # the server's workers get the database to themselves while measured
    with Server(database_url()) as server:
        sessions = _sessions(server.port, page_list)
        for page in baselines(subjects):
            results["baselines"][page.name] = _load_page(page, sessions, budget)
            results["baselines"][page.name]["cpu_ms"] = baseline_cpu[page.name]
        for page in page_list:
            row = _load_page(page, sessions, budget)
            row["queries"] = queries[page.name].count
            row["cpu_ms"] = queries[page.name].cpu_ms
            heaviest = queries[page.name].heaviest
            row["heaviest_query"] = asdict(heaviest) if heaviest else None
            row["large_seq_scans"] = queries[page.name].large_seq_scans
            results["pages"][page.name] = row
        results["write"] = _load_write(subjects, sessions, budget)
        results["write"]["queries"] = write_query_count
        results["worker_rss_mb"] = [round(mb, 1) for mb in server.worker_rss_mb()]
    results["audit"] = inprocess.audit_overhead(subjects, rounds=budget.audit_rounds)
    results["verify_audit"] = inprocess.verify_speed()
    results["bulk_export"] = inprocess.bulk_export()
    results["machine"] = {
        "cores": os.cpu_count(),
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "python_loop_ms": [speed_before, inprocess.python_speed_ms()],
        "workers": WORKERS,
        "concurrent_users": USERS,
    }
    results["rows"] = table_rows()
    results["taken_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    return results


def _sessions(port: int, page_list: list[Page]) -> dict[str | None, list[Session]]:
    """Four signed-in browsers per person the pages are opened as (and four signed out), and four
    API clients per token."""
    sessions: dict[str | None, list[Session]] = {}
    for page in page_list:
        if page.who in sessions:
            continue
        sessions[page.who] = []
        for _ in range(USERS):
            session = Session(port, bearer=page.token)
            if page.username and not page.token:
                session.sign_in(page.username, PASSWORD)
            sessions[page.who].append(session)
    return sessions


def _summary(one: LoadResult, four: LoadResult) -> dict[str, Any]:
    for result in (one, four):
        if result.errors:
            raise RuntimeError(f"{result.errors} failed requests, first: {result.first_error}")
    return {
        "p50_ms": round(one.percentile(0.50), 2),
        "p95_ms": round(one.percentile(0.95), 2),
        "requests_1_user": one.requests,
        "throughput_4_users": round(four.throughput, 1),
        "requests_4_users": four.requests,
        "p95_ms_4_users": round(four.percentile(0.95), 2),
    }


def _load_page(page: Page, sessions: dict[str | None, list[Session]], budget: Budget) -> dict:
    group = sessions.get(page.who) or sessions[None]
    request = Request("GET", page.path)
    drive(group[:1], lambda n: request, max_requests=budget.warm_up, max_seconds=budget.seconds)
    one = drive(
        group[:1],
        lambda n: request,
        max_requests=budget.one_user_requests,
        max_seconds=budget.seconds,
    )
    four = drive(
        group, lambda n: request, max_requests=budget.four_user_requests, max_seconds=budget.seconds
    )
    return {"label": page.label, "path": page.path, **_summary(one, four)}


def _load_write(
    subjects: Subjects, sessions: dict[str | None, list[Session]], budget: Budget
) -> dict[str, Any]:
    from bench.pages import COACH

    group = sessions[COACH]

    def post(n: int) -> Request:
        target = subjects.writable[n % len(subjects.writable)]
        return Request("POST", f"/contacts/new/{target}/", form=check_in_form(target), expect=302)

    writes = budget.one_user_requests // 2 or 1
    drive(group[:1], post, max_requests=budget.warm_up, max_seconds=budget.seconds)
    one = drive(group[:1], post, max_requests=writes, max_seconds=budget.seconds)
    four = drive(group, post, max_requests=writes * 2, max_seconds=budget.seconds)
    return {"label": "Brief check-in (write, audit included)", **_summary(one, four)}
