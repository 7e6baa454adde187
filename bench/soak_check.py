"""The soak's bookkeeping and its verdicts, as plain logic (no database, no server), so the normal
suite can check that each verdict fails when it should (`bench/tests/test_soak_check.py`).

`bench.soak` records every request as a `Call`, every write the server acknowledged in a
`Ledger`, and the faults' windows; after the run it reads back what the database holds and asks
the functions here whether anything was lost, doubled, half-saved or left running."""

import re
import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

MARKER = re.compile(r"soak-[0-9a-f]{16}")


@dataclass(frozen=True)
class Call:
    """One request: which page, when it started (seconds since the run began), how long it took,
    and its HTTP status (0: no answer, the connection failed)."""

    page: str
    started: float
    seconds: float
    status: int
    expected: int = 200

    @property
    def ok(self) -> bool:
        return self.status == self.expected

    @property
    def failed(self) -> bool:
        """A server error or no answer at all (a 4xx would be the soak's own mistake)."""
        return self.status == 0 or self.status >= 500


@dataclass(frozen=True)
class Window:
    """A fault's span, seconds since the run began."""

    name: str
    start: float
    end: float

    def holds(self, moment: float) -> bool:
        return self.start <= moment <= self.end


@dataclass
class Ledger:
    """Writes by marker: acknowledged (the server answered success) or unknown (no answer
    after every retry; it may or may not have been saved, but never twice)."""

    acked: dict[str, str] = field(default_factory=dict)  # marker -> kind of write
    unknown: dict[str, str] = field(default_factory=dict)

    def ack(self, marker: str, kind: str) -> None:
        self.unknown.pop(marker, None)
        self.acked[marker] = kind

    def give_up(self, marker: str, kind: str) -> None:
        if marker not in self.acked:
            self.unknown[marker] = kind


def markers_in(texts: Iterable[str]) -> Counter[str]:
    """How often each soak marker appears in the texts read back (one text, one count each)."""
    found: Counter[str] = Counter()
    for text in texts:
        for marker in set(MARKER.findall(text or "")):
            found[marker] += 1
    return found


def check_writes(ledger: Ledger, found: Counter[str], *, kind: str) -> list[str]:
    """Every acknowledged write of `kind` is stored exactly once; an unknown one at most once;
    nothing carries a marker the soak never sent."""
    problems = []
    acked = {m for m, k in ledger.acked.items() if k == kind}
    unknown = {m for m, k in ledger.unknown.items() if k == kind}
    for marker in sorted(acked):
        if found[marker] == 0:
            problems.append(f"{kind}: acknowledged write {marker} is missing")
        elif found[marker] > 1:
            problems.append(f"{kind}: acknowledged write {marker} is stored {found[marker]} times")
    for marker in sorted(unknown):
        if found[marker] > 1:
            problems.append(f"{kind}: unanswered write {marker} is stored {found[marker]} times")
    for marker in sorted(set(found) - acked - unknown):
        problems.append(f"{kind}: {marker} is stored but was never sent")
    return problems


@dataclass(frozen=True)
class BatchRow:
    """An import batch as read back: its state, the count it says it made, the rows recorded."""

    id: str
    state: str
    created_count: int
    recorded: int


def check_imports(batches: Iterable[BatchRow]) -> list[str]:
    """An import is all or nothing: applied with every row it counts, or no row at all."""
    problems = []
    for batch in batches:
        if batch.state == "applied":
            if batch.recorded != batch.created_count:
                problems.append(
                    f"import {batch.id}: applied with {batch.recorded} of "
                    f"{batch.created_count} rows"
                )
        elif batch.recorded:
            problems.append(
                f"import {batch.id}: {batch.recorded} rows saved while it is {batch.state}"
            )
    return problems


def check_group_sessions(contacts_per_session: dict[str, int]) -> list[str]:
    """A group session is saved with its attendees' contacts; one without any is half-written."""
    return [
        f"group session {sid}: saved without any contact"
        for sid, count in sorted(contacts_per_session.items())
        if count == 0
    ]


@dataclass(frozen=True)
class JobRow:
    id: str
    kind: str
    state: str
    heartbeat_at: datetime | None
    created_at: datetime


def check_jobs(jobs: Iterable[JobRow], *, now: datetime, stale_after: timedelta) -> list[str]:
    """Every job finished (ready, or stopped with its reason), or is silent long enough for its
    page to say "stopped, nothing half-saved" (`Job.is_stale`). Waiting or working is not done."""
    problems = []
    for job in jobs:
        if job.state in ("done", "failed"):
            continue
        if job.state == "running":
            last = job.heartbeat_at or job.created_at
            if now - last > stale_after:
                continue
        problems.append(f"job {job.id} ({job.kind}) is still {job.state}")
    return problems


@dataclass
class Errors:
    inside: int = 0  # in a fault's window (the database restarting)
    outside: int = 0
    first_outside: str = ""


def count_errors(calls: Iterable[Call], windows: Iterable[Window]) -> Errors:
    """Failed requests inside and outside the windows where failure is allowed."""
    spans = list(windows)
    errors = Errors()
    for call in calls:
        if not call.failed:
            continue
        if any(w.holds(call.started) or w.holds(call.started + call.seconds) for w in spans):
            errors.inside += 1
        else:
            errors.outside += 1
            errors.first_outside = errors.first_outside or (
                f"{call.page} at {call.started:.1f} s: {call.status or 'no answer'}"
            )
    return errors


def recovery_seconds(
    calls: Iterable[Call], after: float, until: float | None = None
) -> float | None:
    """From `after` to the end of the last failed request that started after it (and ended
    before `until`, the next fault), or 0.0 when none failed; None when no request succeeded in
    that span at all (not recovered)."""
    later = sorted(
        (
            c
            for c in calls
            if c.started >= after and (until is None or c.started + c.seconds < until)
        ),
        key=lambda c: c.started,
    )
    if not any(c.ok for c in later):
        return None
    failed = [c.started + c.seconds for c in later if c.failed]
    return max(failed) - after if failed else 0.0


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[round(share * 100) - 1]


@dataclass(frozen=True)
class PageFigures:
    page: str
    requests: int
    failed: int
    p50_ms: float
    p95_ms: float
    p99_ms: float


def page_figures(calls: Iterable[Call]) -> list[PageFigures]:
    by_page: dict[str, list[Call]] = {}
    for call in calls:
        by_page.setdefault(call.page, []).append(call)
    rows = []
    for page, group in sorted(by_page.items()):
        ms = [c.seconds * 1000 for c in group if c.ok]
        rows.append(
            PageFigures(
                page=page,
                requests=len(group),
                failed=sum(c.failed for c in group),
                p50_ms=round(percentile(ms, 0.50), 1),
                p95_ms=round(percentile(ms, 0.95), 1),
                p99_ms=round(percentile(ms, 0.99), 1),
            )
        )
    return rows
