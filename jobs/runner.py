"""Running jobs: handlers register by kind; `submit` queues one in the database.

The queue is the `Job` table itself, so one machine needs no broker. By default
(`CAIRN_JOBS_MODE=thread`) the process that accepted a job also starts it in a thread once the
request commits; with `CAIRN_JOBS_MODE=worker` the web processes only queue, and
`manage.py run_jobs` takes queued jobs one at a time. Either way a job is claimed with one
conditional UPDATE, so it never runs twice. If a process ends mid-job, the job's heartbeat
stops and its page says it stopped (`Job.is_stale`); handlers write in one transaction (or
idempotent batches) so a stopped job leaves nothing half-done, and the person starts it again.
"""

import base64
import logging
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from jobs.models import Job, JobState
from organizations.models import Membership

logger = logging.getLogger(__name__)

RESULT_LIFETIME = timedelta(hours=24)
# Progress is written at most this often (seconds), so calling it per row stays cheap.
PROGRESS_INTERVAL = 0.5


@dataclass(frozen=True)
class JobResult:
    filename: str
    content_type: str
    content: bytes
    summary: str = ""


class JobError(Exception):
    """A failure whose message is written for the person who started the job."""


class Progress:
    """Called by a handler as it works: `progress(done, total, message)`."""

    def __init__(self, job_id: uuid.UUID) -> None:
        self.job_id = job_id
        self._last = 0.0

    def __call__(self, done: int, total: int | None = None, message: str = "") -> None:
        now = time.monotonic()
        if now - self._last < PROGRESS_INTERVAL and (total is None or done < total):
            return
        self._last = now
        values: dict[str, Any] = {"done": done, "heartbeat_at": timezone.now()}
        if total is not None:
            values["total"] = total
        if message:
            values["message"] = message[:200]
        Job.objects.filter(id=self.job_id).update(**values)

    def expect_quiet(self, seconds: float, message: str) -> None:
        """Before work that cannot report as it goes (one long transaction, whose progress
        writes nobody outside it sees): the job's page will not call it stopped for `seconds`
        more than usual. Call it outside that transaction."""
        Job.objects.filter(id=self.job_id).update(
            heartbeat_at=timezone.now() + timedelta(seconds=seconds), message=message[:200]
        )
        self._last = time.monotonic()


def expect_quiet(progress: object, seconds: float, message: str) -> None:
    """`Progress.expect_quiet` for services that take any progress callback: a job's `Progress`
    is told, a plain callback (a command's or a test's) has nothing to tell."""
    if isinstance(progress, Progress):
        progress.expect_quiet(seconds, message)


Handler = Callable[[Job, Progress], JobResult]
_HANDLERS: dict[str, Handler] = {}
# Kinds that are the system's own errands (a waiting text), not listed as the member's jobs.
UNLISTED: set[str] = set()


def register(kind: str, *, listed: bool = True) -> Callable[[Handler], Handler]:
    """Register `handler` for jobs of `kind` (call from the owning app's `jobs.py`)."""

    def decorator(handler: Handler) -> Handler:
        _HANDLERS[kind] = handler
        if not listed:
            UNLISTED.add(kind)
        return handler

    return decorator


def _due() -> Q:
    return Q(not_before__isnull=True) | Q(not_before__lte=timezone.now())


def submit(
    *,
    kind: str,
    acting: Membership,
    title: str,
    params: dict[str, Any],
    not_before: datetime | None = None,
) -> Job:
    """Create a job for the acting member and start it once the current transaction commits.

    With `CAIRN_JOBS_SYNC` (tests) the job runs before this returns, in the caller's thread.
    A job with a later `not_before` waits: `manage.py run_jobs` starts it once that time comes.
    """
    if kind not in _HANDLERS:
        raise ValueError(f"no handler registered for job kind {kind!r}")
    clear_expired()
    job = Job.objects.create(
        organization=acting.organization,
        requested_by=acting.user,
        kind=kind,
        title=title[:200],
        language=translation.get_language() or "",
        params=params,
        heartbeat_at=timezone.now(),
        not_before=not_before,
    )
    if not_before is not None and not_before > timezone.now():
        return job
    if settings.CAIRN_JOBS_SYNC:
        run(job.id)
        job.refresh_from_db()
    elif settings.CAIRN_JOBS_MODE == "thread":
        transaction.on_commit(lambda: _start_thread(job.id))
    return job


def start_when_committed(job: Job) -> None:
    """Start a job an app created itself (a system errand, as `inbox.jobs.wait_for` makes) the
    way `submit` starts one, once the current transaction commits; one with a later
    `not_before` waits for `run_jobs` or `run_timers`."""
    if job.not_before is not None and job.not_before > timezone.now():
        return
    job_id = job.id
    if settings.CAIRN_JOBS_SYNC:
        transaction.on_commit(lambda: run(job_id))
    elif settings.CAIRN_JOBS_MODE == "thread":
        transaction.on_commit(lambda: _start_thread(job_id))


def _start_thread(job_id: uuid.UUID) -> None:
    thread = threading.Thread(target=_run_in_thread, args=(job_id,), daemon=True)
    thread.start()


def _run_in_thread(job_id: uuid.UUID) -> None:
    close_old_connections()
    try:
        run(job_id)
    finally:
        connection.close()


def claim(job_id: uuid.UUID) -> bool:
    """Take a queued job for this process; False when another process took it first."""
    return bool(
        Job.objects.filter(_due(), id=job_id, state=JobState.QUEUED).update(
            state=JobState.RUNNING, heartbeat_at=timezone.now()
        )
    )


def next_queued() -> uuid.UUID | None:
    """The oldest queued job whose kind this process can run and whose time has come, if any."""
    return (
        Job.objects.filter(_due(), state=JobState.QUEUED, kind__in=list(_HANDLERS))
        .order_by("created_at")
        .values_list("id", flat=True)
        .first()
    )


def run(job_id: uuid.UUID) -> bool:
    """Claim and run one job to the end, storing its result or a calm reason why it stopped.

    Returns False (doing nothing) when the job was not waiting: another process has it.
    """
    if not claim(job_id):
        return False
    job = Job.objects.select_related("organization", "requested_by").get(id=job_id)
    # A file and its messages are in the language of the person who asked for them.
    with translation.override(job.language or None):
        _run_claimed(job)
    return True


def _run_claimed(job: Job) -> None:
    job_id = job.id
    handler = _HANDLERS[job.kind]
    try:
        result = handler(job, Progress(job_id))
    except JobError as exc:
        _finish_failed(job_id, str(exc))
    except Exception as exc:  # noqa: BLE001 - any failure must end the job, not leave it running
        # Only the kind of failure is logged: exception messages can carry cell values or names.
        logger.error("job %s (%s) failed: %s", job_id, job.kind, type(exc).__name__)
        _finish_failed(
            job_id,
            _(
                "Something went wrong and this stopped. Nothing was changed. Please try again; "
                "if it happens again, tell your administrator."
            ),
        )
    else:
        now = timezone.now()
        Job.objects.filter(id=job_id).update(
            state=JobState.DONE,
            result=base64.b64encode(result.content).decode("ascii"),
            result_name=result.filename[:120],
            result_type=result.content_type[:100],
            result_size=len(result.content),
            summary=result.summary[:300],
            finished_at=now,
            heartbeat_at=now,
            expires_at=now + RESULT_LIFETIME,
        )


def _finish_failed(job_id: uuid.UUID, reason: str) -> None:
    now = timezone.now()
    Job.objects.filter(id=job_id).update(
        state=JobState.FAILED, error=reason[:300], finished_at=now, heartbeat_at=now
    )


def result_bytes(job: Job) -> bytes:
    return base64.b64decode(job.result) if job.result else b""


def clear_expired() -> int:
    """Drop the stored results of jobs past their expiry; the job row stays as a record."""
    return (
        Job.objects.filter(expires_at__lte=timezone.now())
        .exclude(result="")
        .update(result="", result_size=0)
    )
