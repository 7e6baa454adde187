"""Which database answers a query: the primary, or a PostgreSQL streaming replica for reads
that were marked as fit for one.

Reads are marked, not guessed. A report, an export or a dashboard reads the same tables
(participants, contacts, assessments) that a coach's page reads a second after writing them, so
routing by model would send a coach's own fresh note to a replica that has not seen it yet.
Only code that can live with data a few seconds old says so, with `replica_reads()` around
the view or the job step (or as its decorator); every other read, and every write, goes to
the primary. Inside a marked block:

- one replica is chosen at the first read and kept for the block, so its figures agree with
  each other (`reports.cache` reads its data version from the same server as the figures);
- a replica further behind than `CAIRN_REPLICA_MAX_LAG_SECONDS`, one that cannot be reached,
  and one that is no longer a replica (promoted) is passed over, and the primary answers: the
  person sees the page, never an error. Its state is checked at most every
  `CAIRN_REPLICA_CHECK_SECONDS` (one small query), and its connection on each use;
- after it writes a model (an audit event, a job's progress), the block reads that model from
  the primary; its other reads stay on the replica.
- `replica_reads(since=...)` (a background export) uses only a replica known to hold every
  commit made before then, so a job sees what its requester wrote before asking for it.

Read-your-writes across requests: `ReadYourWritesMiddleware` sends every read of a request
that writes (POST, PUT, PATCH, DELETE) to the primary, and gives the browser a cookie that keeps
that person's reads on the primary for `CAIRN_READ_YOUR_WRITES_SECONDS`, a few seconds longer
than a replica may lag plus how long its state is trusted.

With no replica configured, or on SQLite, every read and write goes to `default` as before.
"""

import logging
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger(__name__)

REPLICA_PREFIX = "replica_"  # settings name replicas replica_1, replica_2, ... (CAIRN_REPLICA_URLS)
PIN_COOKIE = "cairn_primary_until"
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

# How far behind the primary a replica is, in seconds, or NULL when it cannot say. Caught up
# (everything received is replayed, and it is receiving) is 0 however long ago the last write
# was; otherwise the age of the last transaction it replayed. Not a replica: false first column.
LAG_SQL = """
SELECT pg_is_in_recovery(),
       CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn()
                 AND EXISTS (SELECT 1 FROM pg_stat_wal_receiver) THEN 0
            ELSE extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float8
       END
"""


@dataclass
class _Block:
    since: float  # the block must see every commit made before this (time.time()); 0: any
    alias: str | None = None  # the database chosen for the block's reads, at its first read
    written: set[type] = field(default_factory=set)  # models written in the block


_block: ContextVar[_Block | None] = ContextVar("cairn_replica_block", default=None)
_pinned: ContextVar[bool] = ContextVar("cairn_primary_pinned", default=False)


@dataclass(frozen=True)
class _Health:
    checked: float  # time.monotonic() of the check
    usable: bool
    holds_until: float  # every commit before this time.time() had been replayed


_health: dict[str, _Health] = {}


def replica_aliases() -> list[str]:
    """The configured replicas; none when the primary is not PostgreSQL."""
    databases = connections.settings
    if databases[DEFAULT_DB_ALIAS]["ENGINE"] != "django.db.backends.postgresql":
        return []
    return sorted(alias for alias in databases if alias.startswith(REPLICA_PREFIX))


@contextmanager
def replica_reads(*, since: datetime | None = None) -> Iterator[None]:
    """Reads inside may come from a replica (a few seconds old at most); writes never do.

    `since`: the reads must see everything committed before then (a job reads what its
    requester had written before asking), so only a replica known to have replayed that far
    is used. Usable as `with replica_reads():` or as a decorator `@replica_reads()`. Nested
    blocks share the outer one's choice."""
    if _block.get() is not None:
        yield
        return
    token = _block.set(_Block(since=since.timestamp() if since else 0.0))
    try:
        yield
    finally:
        _block.reset(token)


def read_alias(model: type | None = None) -> str:
    """The database that answers a read of `model` here and now (raw SQL: `read_connection()`)."""
    block = _block.get()
    if block is None or _pinned.get() or model in block.written:
        return DEFAULT_DB_ALIAS
    if block.alias is None:
        usable = [alias for alias in replica_aliases() if _usable(alias, block.since)]
        block.alias = random.choice(usable) if usable else DEFAULT_DB_ALIAS
    return block.alias


def read_connection() -> BaseDatabaseWrapper:
    """The connection for a raw SQL read, by the same rule as the router's."""
    return connections[read_alias()]


def replica_lag(alias: str) -> float | None:
    """Seconds the replica is behind, None when it cannot tell or is no longer a replica."""
    with connections[alias].cursor() as cursor:
        cursor.execute(LAG_SQL)
        in_recovery, lag = cursor.fetchone()
    return lag if in_recovery else None


def forget_replica_health() -> None:
    """Check every replica afresh at its next use (tests; after a failover)."""
    _health.clear()


def _usable(alias: str, since: float) -> bool:
    health = _health.get(alias)
    if health is None or time.monotonic() - health.checked >= settings.CAIRN_REPLICA_CHECK_SECONDS:
        health = _check(alias)
    elif health.usable and not _connects(alias):
        return False
    return health.usable and health.holds_until >= since


def _check(alias: str) -> _Health:
    checked_at = time.time()
    usable, holds_until = False, 0.0
    try:
        lag = replica_lag(alias)
    except DatabaseError as error:
        logger.warning("replica %s not reachable, reading from the primary: %s", alias, error)
        connections[alias].close()
    else:
        usable = lag is not None and lag <= settings.CAIRN_REPLICA_MAX_LAG_SECONDS
        holds_until = checked_at - (lag or 0.0) if usable else 0.0
        if not usable:
            logger.warning("replica %s behind by %s s, reading from the primary", alias, lag)
    health = _Health(time.monotonic(), usable, holds_until)
    _health[alias] = health
    return health


def _connects(alias: str) -> bool:
    """A replica trusted a moment ago still answers: its open connection answers a ping (one
    round trip on each marked block), or a new one opens (a stopped server refuses at once)."""
    connection = connections[alias]
    try:
        if connection.connection is not None and not connection.is_usable():
            connection.close()
        connection.ensure_connection()
    except DatabaseError as error:
        logger.warning("replica %s not reachable, reading from the primary: %s", alias, error)
        connection.close()
        _health[alias] = _Health(time.monotonic(), False, 0.0)
        return False
    return True


class ReplicaRouter:
    """Django's database router: marked reads to a replica, everything else to the primary."""

    def db_for_read(self, model: type, **hints: Any) -> str:
        # Outside a marked block the primary answers, even for an object a block read from a
        # replica (Django would otherwise follow its relations back to that replica).
        return read_alias(model)

    def db_for_write(self, model: type, **hints: Any) -> str:
        block = _block.get()
        if block is not None:
            block.written.add(model)
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        # A replica holds the primary's own rows: an object read there may point at one
        # written here.
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return False if db.startswith(REPLICA_PREFIX) else None


class ReadYourWritesMiddleware:
    """After a person writes, their reads go to the primary for a few seconds (see above).

    Every write request counts, whether or not it changed a row: a form sent back with a
    mistake costs a few seconds of reads on the primary, and no write path can be missed."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not replica_aliases():
            return self.get_response(request)
        now = time.time()
        writes = request.method in WRITE_METHODS
        token = _pinned.set(writes or _pinned_until(request) > now)
        try:
            response = self.get_response(request)
        finally:
            _pinned.reset(token)
        if writes:
            window = settings.CAIRN_READ_YOUR_WRITES_SECONDS
            response.set_cookie(
                PIN_COOKIE,
                f"{now + window:.3f}",
                max_age=window,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response


def _pinned_until(request: HttpRequest) -> float:
    try:
        return float(request.COOKIES.get(PIN_COOKIE, "0"))
    except ValueError:
        return 0.0
