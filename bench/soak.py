"""python -m bench.soak (`make soak`): Cairn under a mixed load with faults, then a count of what
was kept. Issue #27, "Never lose a note".

It makes its own PostgreSQL 15 cluster in a temporary directory on a free loopback port in
5434-5439 (`bench.soak_cluster`), seeds it (`seed_demo --scale $SOAK_SCALE`, small by default),
and serves it with gunicorn on a free port in 8100-8199, with `manage.py run_timers` as the job
worker. For `SOAK_SECONDS` (180 by default) coaches read Today, the caseload and timelines and
log contacts, the supervisor and the manager read dashboards and reports, and participants check
in from the portal. During the run, at set fractions of the time:

- 10%: kill -9 one gunicorn worker;
- 20%: ask for an export on the exports page, kill -9 the job worker while it runs, start a new
  worker, and ask for the export again;
- 35%: start an import (a participants file checked beforehand), kill -9 the job worker while it
  writes, start a new worker, and start the import again;
- 80%: `pg_ctl restart -m fast`, the restart window recorded.

Then it checks: every write that got a success answer is stored exactly once (contacts carry a
random marker in their note, read back through the models, which decrypt; check-ins by their
one-time key), no half-written import or group session, `verify_audit` passes, every job is
finished or shown as "stopped, nothing half-saved", and nothing failed outside the restart
window. Results go to bench/results/<date>-soak-<scale>.md; the exit status is 1 if any check
failed. The cluster is deleted at the end, on failure and on Ctrl-C too.
"""

import io
import os
import random
import re
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from bench import setup_django
from bench.load import LOOPBACK, Request, Session
from bench.soak_check import (
    BatchRow,
    Call,
    JobRow,
    Ledger,
    PageFigures,
    Window,
    check_group_sessions,
    check_imports,
    check_jobs,
    check_writes,
    count_errors,
    markers_in,
    page_figures,
    recovery_seconds,
)
from bench.soak_cluster import Cluster

ROOT = Path(__file__).resolve().parent.parent
SECONDS = float(os.environ.get("SOAK_SECONDS", "180"))
SCALE = os.environ.get("SOAK_SCALE", "small")
IMPORT_ROWS = int(os.environ.get("SOAK_IMPORT_ROWS", "4000"))
FAULTS = {"app_worker": 0.10, "export": 0.20, "import": 0.35, "postgres": 0.80}
COACHES = ("ana", "ben", "rio")
SUPERVISOR, MANAGER, PARTICIPANTS = "sam", "mia", ("pat", "luz")
STOPPED_TEXT = "This stopped before it finished"
SUBMIT_KEY = re.compile(r'name="submit_key" value="([^"]+)"')
JOB_PATH = re.compile(r"/jobs/([0-9a-f-]{36})/")
# A write with no answer is sent again with the same one-time key, as a person pressing the
# button again would, for this long.
RETRY_SECONDS = 45.0
FAULT_GRACE = 600.0
# A job worker is killed once its job has reported progress, or has run this long without.
KILL_AFTER_RUNNING = 1.5


def free_app_port() -> int:
    for port in random.sample(range(8100, 8200), 100):
        with socket.socket() as probe:
            try:
                probe.bind((LOOPBACK, port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free loopback port in 8100-8199 for gunicorn")


class JobWorker:
    """`manage.py run_timers --every 1` with the server's settings, restartable after a kill."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603 - our own manage.py, fixed arguments
            [
                sys.executable,
                str(ROOT / "manage.py"),
                "run_timers",
                "--every",
                "1",
                "--max-seconds",
                str(int(SECONDS * 3 + 900)),
            ],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
        )

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(30)

    def __enter__(self) -> "JobWorker":
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(30)


@dataclass
class Plan:
    """What the load writes to and reads, chosen before the server starts."""

    caseloads: dict[str, list[str]]  # coach -> open participants without a portal account
    import_batch: str
    participants_before: int
    started_at: datetime = field(default_factory=datetime.now)


@dataclass
class Fault:
    name: str
    at: float
    detail: str = ""
    recovery: str = ""
    job_ids: list[str] = field(default_factory=list)
    killed_at: datetime | None = None


class Run:
    def __init__(self, server: Any, worker: JobWorker, cluster: Cluster, plan: Plan) -> None:
        self.server, self.worker, self.cluster, self.plan = server, worker, cluster, plan
        self.calls: list[Call] = []
        self.unexpected: list[str] = []
        self.ledger = Ledger()
        self.windows: list[Window] = []
        self.faults: list[Fault] = []
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.t0 = time.monotonic()
        self.seconds = 0.0
        self.resent = 0  # writes answered only after being sent again

    def now(self) -> float:
        return time.monotonic() - self.t0

    # Requests -----------------------------------------------------------------------------------

    def send(self, session: Session, page: str, request: Request) -> tuple[Call, str, dict]:
        started = self.now()
        try:
            status, text, headers = session.send(request)
        except OSError as error:
            status, text, headers = 0, repr(error), {}
        except Exception as error:  # noqa: BLE001 - http.client's own errors: no answer
            status, text, headers = 0, repr(error), {}
        call = Call(page, started, self.now() - started, status, request.expect)
        with self.lock:
            self.calls.append(call)
            if not call.ok and not call.failed and len(self.unexpected) < 20:
                self.unexpected.append(f"{page} {request.path}: {status}")
        return call, text, headers

    def read(self, session: Session, page: str, path: str) -> None:
        self.send(session, page, Request("GET", path))

    def write(
        self, session: Session, page: str, path: str, form: dict[str, str], marker: str, kind: str
    ) -> str:
        """POST until answered (same one-time key each time); the location on success."""
        form = {**form, "submit_key": str(uuid.uuid4())}
        if kind == "check_in":
            marker = form["submit_key"]
        deadline = time.monotonic() + RETRY_SECONDS
        attempts = 0
        while True:
            attempts += 1
            call, _, headers = self.send(session, page, Request("POST", path, form, expect=302))
            location = headers.get("Location", "")
            if call.ok and "/accounts/login" not in location:
                with self.lock:
                    self.ledger.ack(marker, kind)
                    self.resent += attempts > 1
                return location
            if not call.failed or time.monotonic() > deadline:
                with self.lock:
                    self.ledger.give_up(marker, kind)
                return ""
            time.sleep(1.0)

    # The people ---------------------------------------------------------------------------------

    def coach(self, username: str) -> None:
        session = self.signed_in(username)
        people = self.plan.caseloads[username]
        rng = random.Random(username)
        busy = people[0]
        while not self.stop.is_set():
            choice = rng.random()
            if choice < 0.25:
                self.read(session, "today", "/today/")
            elif choice < 0.40:
                self.read(session, "caseload", "/participants/")
            elif choice < 0.52:
                self.read(session, "overview", f"/participants/{rng.choice(people[:10])}/")
            elif choice < 0.64:
                self.read(session, "timeline", f"/contacts/timeline/{busy}/?page=2")
            else:
                from bench.pages import check_in_form

                target = rng.choice(people)
                marker = f"soak-{secrets.token_hex(8)}"
                form = check_in_form(target)
                form["summary"] = f"Talked about the week and the new routine. {marker}"
                self.write(
                    session, "contact_write", f"/contacts/new/{target}/", form, marker, "contact"
                )
            self.stop.wait(rng.uniform(0.3, 1.2))

    def oversight(self, username: str) -> None:
        session = self.signed_in(username)
        rng = random.Random(username)
        pages = (
            [
                ("dashboard", "/reports/"),
                ("audit_review", "/audit/"),
                ("org_list", "/participants/"),
            ]
            if username == MANAGER
            else [
                ("team_dashboard", "/reports/"),
                ("today_sup", "/today/"),
                ("caseload_sup", "/participants/"),
            ]
        )
        while not self.stop.is_set():
            page, path = rng.choice(pages)
            self.read(session, page, path)
            self.stop.wait(rng.uniform(0.8, 2.0))

    def participant(self, username: str) -> None:
        session = self.signed_in(username)
        rng = random.Random(username)
        while not self.stop.is_set():
            if rng.random() < 0.7:
                self.read(session, "portal_home", "/me/")
            else:
                answers = {"item_today": "3", "item_urges": "1", "item_supported": "4"}
                self.write(session, "check_in_write", "/me/check-in/", answers, "", "check_in")
            self.stop.wait(rng.uniform(1.0, 3.0))

    def signed_in(self, username: str) -> Session:
        from bench.pages import PASSWORD

        session = Session(self.server.port)
        session.sign_in(username, PASSWORD)
        return session

    # Faults -------------------------------------------------------------------------------------

    def kill_app_worker(self) -> Fault:
        fault = Fault("kill -9 one gunicorn worker", self.now())
        victim = self.server.worker_pids()[0]
        os.kill(victim, signal.SIGKILL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            pids = self.server.worker_pids()
            if victim not in pids and len(pids) >= self.server.workers:
                break
            time.sleep(0.05)
        fault.detail = (
            f"worker {victim} killed; a new worker was up {self.now() - fault.at:.1f} s later"
        )
        return fault

    def export_job(self, session: Session) -> str:
        _, page, _ = self.send(session, "exports_page", Request("GET", "/exports/"))
        key = SUBMIT_KEY.search(page)
        form = {
            "dataset": "contacts",
            "kind": "deidentified",
            "fmt": "xlsx",
            "date_mode": "shift",
            "submit_key": key.group(1) if key else "",
        }
        call, _, headers = self.send(
            session, "export_write", Request("POST", "/exports/", form, expect=302)
        )
        found = JOB_PATH.search(headers.get("Location", ""))
        if not call.ok or found is None:
            raise RuntimeError(f"the export was not queued ({call.status})")
        return found.group(1)

    def kill_job_worker_during(self, fault: Fault, job_id: str) -> None:
        """Wait for the job to be running and at work for a moment, then kill -9 the worker."""
        from django.db import connection
        from django.utils import timezone

        from jobs.models import Job, JobState

        deadline = time.monotonic() + 180
        running_since: float | None = None
        job = Job.objects.get(id=job_id)
        while time.monotonic() < deadline and job.state not in (JobState.DONE, JobState.FAILED):
            if job.state == JobState.RUNNING:
                running_since = running_since or time.monotonic()
                if job.done or time.monotonic() - running_since > KILL_AFTER_RUNNING:
                    break
            time.sleep(0.05)
            job.refresh_from_db()
        self.worker.kill()
        fault.killed_at = timezone.now()
        job.refresh_from_db()
        landed = job.state == JobState.RUNNING
        fault.detail = (
            f"job worker killed {self.now() - fault.at:.1f} s after the request, with the job "
            + (
                (f"running ({job.done:,} of {job.total:,})" if job.total else "running")
                if landed
                else f"already {job.state}"
            )
        )
        connection.close()
        self.worker.start()

    def export_fault(self, session: Session) -> Fault:
        fault = Fault("kill -9 the job worker during an export", self.now())
        first = self.export_job(session)
        self.kill_job_worker_during(fault, first)
        fault.job_ids = [first, self.export_job(session)]  # asked again, as the page says
        return fault

    def import_fault(self) -> Fault:
        from django.db import connection

        from imports import jobs as import_jobs
        from imports.models import ImportBatch
        from jobs.runner import submit
        from organizations.models import Membership

        fault = Fault("kill -9 the job worker during an import", self.now())
        batch = ImportBatch.objects.get(id=self.plan.import_batch)
        acting = Membership.objects.select_related("organization", "user").get(
            organization=batch.organization, user=batch.uploaded_by
        )

        def start() -> str:
            params = {"batch_id": str(batch.id), "only_if_all_valid": False}
            job = submit(kind=import_jobs.APPLY, acting=acting, title="Soak import", params=params)
            return str(job.id)

        first = start()
        self.kill_job_worker_during(fault, first)
        fault.job_ids = [first, start()]  # started again, as the page says
        connection.close()
        return fault

    def job_recovery(self) -> None:
        """How long after the kill the job asked again was ready."""
        from django.db import connection

        from jobs.models import Job

        for fault in self.faults:
            if len(fault.job_ids) < 2 or fault.killed_at is None:
                continue
            again = Job.objects.get(id=fault.job_ids[1])
            if again.state == "done" and again.finished_at:
                took = (again.finished_at - fault.killed_at).total_seconds()
                fault.recovery = f"the same work asked again was ready {took:.1f} s after the kill"
            else:
                fault.recovery = f"the same work asked again is {again.state}"
        connection.close()

    def restart_postgres(self) -> Fault:
        from django.db import connection

        from jobs.models import Job, JobState

        working = Job.objects.filter(state=JobState.RUNNING, finished_at__isnull=True)
        killed = {f.job_ids[0] for f in self.faults if f.job_ids}
        busy = [
            j
            for j in working.only("id", "state", "heartbeat_at", "created_at")
            if not j.is_stale and str(j.id) not in killed
        ]
        connection.close()
        fault = Fault("pg_ctl restart -m fast", self.now())
        self.cluster.restart()
        window = Window("PostgreSQL restart", fault.at, self.now())
        self.windows.append(window)
        fault.detail = (
            f"down from {window.start:.1f} s to {window.end:.1f} s, with "
            f"{len(busy)} {'job' if len(busy) == 1 else 'jobs'} running"
        )
        return fault

    def faults_thread(self) -> None:
        session = self.signed_in(MANAGER)
        steps = [
            ("app_worker", self.kill_app_worker),
            ("export", lambda: self.export_fault(session)),
            ("import", self.import_fault),
            ("postgres", self.restart_postgres),
        ]
        for name, act in steps:
            # The faults keep their times whatever the load's length; `go` waits for the last.
            time.sleep(max(0.0, FAULTS[name] * SECONDS - self.now()))
            if self.stop.is_set():
                return
            try:
                fault = act()
            except Exception as error:  # noqa: BLE001 - reported, and the checks still run
                fault = Fault(name, self.now(), detail=f"FAILED: {error!r}")
            with self.lock:
                self.faults.append(fault)

    def go(self) -> None:
        people = [(self.coach, c) for c in COACHES] + [(self.coach, "ana")]
        people += [(self.oversight, SUPERVISOR), (self.oversight, MANAGER)]
        people += [(self.participant, p) for p in PARTICIPANTS]
        threads = [threading.Thread(target=f, args=(u,), daemon=True) for f, u in people]
        faults = threading.Thread(target=self.faults_thread, daemon=True)
        self.t0 = time.monotonic()
        for thread in [*threads, faults]:
            thread.start()
        try:
            time.sleep(SECONDS)
            # A fault that waits for a job to be running may end after SECONDS on a busy
            # machine: the load goes on until it has been made (at most FAULT_GRACE more).
            faults.join(FAULT_GRACE)
        finally:
            self.stop.set()
            for thread in threads:
                thread.join(RETRY_SECONDS + 300)
        self.seconds = self.now()

    def wait_for_jobs(self, limit: float) -> None:
        """Until every job is done, stopped, or silent long enough to show as stopped."""
        from django.db import connection
        from django.utils import timezone

        from jobs.models import STALE_AFTER

        deadline = time.monotonic() + limit
        while time.monotonic() < deadline and check_jobs(
            job_rows(), now=timezone.now(), stale_after=STALE_AFTER
        ):
            time.sleep(2)
        connection.close()

    def stopped_pages(self) -> list[str]:
        """The killed jobs' own pages, as the person who asked sees them."""
        session = self.signed_in(MANAGER)
        problems = []
        for fault in self.faults:
            for job_id in fault.job_ids[:1]:
                _, page, _ = self.send(session, "job_page", Request("GET", f"/jobs/{job_id}/"))
                if STOPPED_TEXT not in page and "Ready." not in page:
                    problems.append(f"job {job_id}: its page shows neither stopped nor ready")
        return problems


def job_rows() -> list[JobRow]:
    from jobs.models import Job

    return [
        JobRow(str(j.id), j.kind, j.state, j.heartbeat_at, j.created_at)
        for j in Job.objects.only("id", "kind", "state", "heartbeat_at", "created_at")
    ]


def prepare(scale: str) -> tuple[Plan, dict[str, Any]]:
    from django.core.management import call_command
    from django.db import connection

    from imports import services
    from imports.sample import participants_csv
    from organizations.models import Membership, Organization
    from participants.models import Participant, ParticipantStatus

    timings = {}
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    timings["migrate_s"] = round(time.perf_counter() - started, 1)
    started = time.perf_counter()
    call_command("seed_demo", scale=scale, stdout=io.StringIO())
    timings["seed_s"] = round(time.perf_counter() - started, 1)
    caseloads = {
        coach: [
            str(pk)
            for pk in Participant.objects.filter(
                coach__username=coach, status=ParticipantStatus.ACTIVE, user__isnull=True
            )
            .order_by("id")
            .values_list("id", flat=True)[:40]
        ]
        for coach in COACHES
    }
    harbor = Organization.objects.get(slug="harbor")
    acting = Membership.objects.select_related("organization", "user").get(
        organization=harbor, user__username=MANAGER
    )
    print("soak: checking the import file beforehand...", file=sys.stderr)
    started = time.perf_counter()
    raw = participants_csv(IMPORT_ROWS, coach="ana", start=900_000)
    batch = services.upload(acting=acting, kind="participants", filename="soak.csv", raw=raw)
    services.save_mapping(acting=acting, batch=batch, mapping=batch.mapping, date_style="iso")
    services.dry_run(acting=acting, batch=batch)
    timings["import_check_s"] = round(time.perf_counter() - started, 1)
    plan = Plan(
        caseloads=caseloads,
        import_batch=str(batch.id),
        participants_before=Participant.objects.count(),
    )
    connection.close()
    return plan, timings


def verify(run: Run) -> tuple[list[str], dict[str, Any]]:
    """Read back what the database holds and ask `bench.soak_check` about it."""
    from django.core.management import call_command
    from django.core.management.base import CommandError
    from django.db.models import Count, Sum
    from django.utils import timezone

    from assessments.models import Assessment
    from encounters.models import Encounter
    from groups.models import GroupSession
    from imports.models import BatchState, ImportBatch, ImportedRecord
    from jobs.models import STALE_AFTER
    from lib.models import SubmitKey
    from participants.models import Participant

    since = run.plan.started_at
    notes = Encounter.objects.filter(created_at__gte=since, author__username__in=COACHES)
    contacts = markers_in(e.summary for e in notes.only("id", "summary"))
    keys = SubmitKey.objects.filter(
        submitted_by__username__in=PARTICIPANTS, created_at__gte=since
    ).values_list("key", "target_id")
    own = Assessment.objects.filter(recorded_by__username__in=PARTICIPANTS, created_at__gte=since)
    own_ids = {str(pk) for pk in own.values_list("id", flat=True)}
    check_ins: Counter[str] = Counter(str(key) for key, target in keys if target in own_ids)
    problems = check_writes(run.ledger, contacts, kind="contact")
    problems += check_writes(run.ledger, check_ins, kind="check_in")
    if len(own_ids) != sum(check_ins.values()):
        problems.append(f"{len(own_ids)} check-ins saved for {sum(check_ins.values())} keys")
    recorded = dict(
        ImportedRecord.objects.values("batch").annotate(n=Count("id")).values_list("batch", "n")
    )
    batches = ImportBatch.objects.only("id", "state", "created_count")
    problems += check_imports(
        BatchRow(str(b.id), b.state, b.created_count, recorded.get(b.id, 0)) for b in batches
    )
    sessions = GroupSession.objects.annotate(n=Count("contacts")).values_list("id", "n")
    problems += check_group_sessions({str(sid): n for sid, n in sessions})
    imported = (
        ImportBatch.objects.filter(state=BatchState.APPLIED, applied_at__gte=since).aggregate(
            n=Sum("created_count")
        )["n"]
        or 0
    )
    people = Participant.objects.count()
    if people != run.plan.participants_before + imported:
        problems.append(
            f"{people:,} participants, expected {run.plan.participants_before:,} + {imported:,}"
        )
    problems += check_jobs(job_rows(), now=timezone.now(), stale_after=STALE_AFTER)
    audit = io.StringIO()
    started = time.perf_counter()
    try:
        call_command("verify_audit", stdout=audit)
    except CommandError as error:
        problems.append(f"verify_audit: {error}")
    figures = {
        "acked_contacts": sum(1 for k in run.ledger.acked.values() if k == "contact"),
        "acked_check_ins": sum(1 for k in run.ledger.acked.values() if k == "check_in"),
        "unanswered_writes": len(run.ledger.unknown),
        "stored_contacts": sum(contacts.values()),
        "stored_check_ins": len(own_ids),
        "imported_rows": imported,
        "group_sessions": len(sessions),
        "jobs": Counter(r.state for r in job_rows()),
        "audit_chains": audit.getvalue().count("chain intact"),
        "verify_audit_s": round(time.perf_counter() - started, 1),
    }
    return problems, figures


def markdown(run: Run, problems: list[str], figures: dict[str, Any], meta: dict[str, Any]) -> str:
    errors = count_errors(run.calls, run.windows)
    ok = sum(c.ok for c in run.calls)
    rows: list[PageFigures] = page_figures(run.calls)
    lines = [
        f"# Soak, {meta['scale']} scale, {meta['date']}",
        "",
        f"`make soak` (`SOAK_SECONDS={SECONDS:g}`, `SOAK_SCALE={meta['scale']}`): "
        f"{run.seconds:.0f} s of mixed load (3 coaches and a second session of ana, a "
        "supervisor, a manager, 2 participants) against gunicorn (2 sync workers) and a "
        "throwaway PostgreSQL 15 cluster, with the faults below.",
        "",
        f"Machine: {os.cpu_count()} cores shared with other work; load average "
        f"{meta['load_before']} before, {meta['load_after']} after. Migrate "
        f"{meta['migrate_s']} s, seed {meta['seed_s']} s, import checked beforehand "
        f"({IMPORT_ROWS:,} rows) {meta['import_check_s']} s.",
        "",
        f"**Verdict: {'PASS' if not problems else 'FAIL'}**"
        + ("" if not problems else " — " + "; ".join(problems[:10])),
        "",
        "## Writes",
        "",
        f"- contacts acknowledged {figures['acked_contacts']:,}, stored with a soak marker "
        f"{figures['stored_contacts']:,}",
        f"- portal check-ins acknowledged {figures['acked_check_ins']:,}, stored "
        f"{figures['stored_check_ins']:,}",
        f"- writes answered only when sent again (same one-time key): {run.resent}; without an "
        f"answer after {RETRY_SECONDS:g} s of sending again: {figures['unanswered_writes']}",
        f"- rows imported during the run: {figures['imported_rows']:,}; group sessions checked: "
        f"{figures['group_sessions']:,}",
        f"- jobs by state: {dict(figures['jobs'])}",
        f"- `verify_audit`: {figures['audit_chains']} chains intact "
        f"({figures['verify_audit_s']} s)",
        "",
        "## Requests",
        "",
        f"{len(run.calls):,} requests, {ok:,} answered as expected: {ok / run.seconds:.1f} per "
        f"second. Failed (5xx or no answer): {errors.inside} inside the restart window, "
        f"{errors.outside} outside it"
        + (f" (first: {errors.first_outside})" if errors.first_outside else "")
        + f". Other unexpected answers: {len(run.unexpected)}"
        + (f" ({'; '.join(run.unexpected[:5])})" if run.unexpected else "")
        + ".",
        "",
        "| page | requests | failed | p50 ms | p95 ms | p99 ms |",
        "|---|---:|---:|---:|---:|---:|",
        *(
            f"| {r.page} | {r.requests} | {r.failed} | {r.p50_ms} | {r.p95_ms} | {r.p99_ms} |"
            for r in rows
        ),
        "",
        "## Faults and recovery",
        "",
        "| at | fault | what happened | recovery |",
        "|---:|---|---|---|",
    ]
    for i, fault in enumerate(run.faults):
        until = run.faults[i + 1].at if i + 1 < len(run.faults) else None
        after = recovery_seconds(run.calls, fault.at, until)
        if fault.name.startswith("pg_ctl") and run.windows:
            after = recovery_seconds(run.calls, run.windows[-1].end, until)
        served = (
            "no request succeeded after it"
            if after is None
            else f"no failed request after it ({after:.1f} s)"
            if after == 0
            else f"last failed request ended {after:.1f} s after it"
        )
        recovery = "; ".join(x for x in (served, fault.recovery) if x)
        lines.append(f"| {fault.at:.0f} s | {fault.name} | {fault.detail} | {recovery} |")
    if problems:
        lines += ["", "## Problems", "", *(f"- {p}" for p in problems)]
    return "\n".join(lines) + "\n"


def main() -> int:
    def interrupted(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupted)
    os.environ["CAIRN_JOBS_MODE"] = "worker"  # this process's submits only queue
    meta: dict[str, Any] = {"scale": SCALE, "date": datetime.now().astimezone().date().isoformat()}
    meta["load_before"] = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    with Cluster() as cluster:
        print(f"soak: PostgreSQL on {LOOPBACK}:{cluster.port} in {cluster.root}", file=sys.stderr)
        setup_django(cluster.url)
        from bench.server import Server, production_env

        print(f"soak: migrating and seeding ({SCALE})...", file=sys.stderr)
        plan, timings = prepare(SCALE)
        meta.update(timings)
        env = {"CAIRN_JOBS_MODE": "worker"}
        port = free_app_port()
        print(
            f"soak: {SECONDS:g} s of load (more if a fault is late) on {LOOPBACK}:{port}...",
            file=sys.stderr,
        )
        plan.started_at = datetime.now().astimezone()
        with (
            Server(cluster.url, port=port, env=env) as server,
            JobWorker({**production_env(cluster.url), **env}) as worker,
        ):
            run = Run(server, worker, cluster, plan)
            run.go()
            print("soak: waiting for the jobs to finish or show as stopped...", file=sys.stderr)
            run.wait_for_jobs(limit=200)
            run.job_recovery()
            page_problems = run.stopped_pages()
        print("soak: checking what was kept...", file=sys.stderr)
        problems, figures = verify(run)
        problems = page_problems + problems
        errors = count_errors(run.calls, run.windows)
        if errors.outside:
            problems.append(f"{errors.outside} failed requests outside the restart window")
        if run.unexpected:
            problems.append(f"{len(run.unexpected)} unexpected answers")
        problems += [f"{f.name}: {f.detail}" for f in run.faults if f.detail.startswith("FAILED")]
        if len(run.faults) < len(FAULTS):
            problems.append(f"only {len(run.faults)} of {len(FAULTS)} faults were made")
        meta["load_after"] = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        report = markdown(run, problems, figures, meta)
    out = ROOT / "bench" / "results" / f"{meta['date']}-soak-{SCALE}.md"
    out.write_text(report)
    print(report)
    print(f"Written: {out}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
