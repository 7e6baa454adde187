"""Project-level pages that read across apps: readiness for traffic."""

from datetime import timedelta

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from jobs.selectors import queue_lag_seconds

_migrations_applied = False  # once every migration is applied it stays so for this process


def _migrations_pending() -> bool:
    global _migrations_applied
    if _migrations_applied:
        return False
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    pending = bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))
    _migrations_applied = not pending
    return pending


@require_GET
@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """Ready for traffic: the database answers, every migration is applied, and background jobs
    are not falling behind. Names the check that failed; no participant data."""
    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = "ok"
    except Exception:  # noqa: BLE001 - any database failure means "not ready"
        checks["database"] = "unavailable"
        return JsonResponse({"status": "unavailable", "checks": checks}, status=503)
    checks["migrations"] = "pending" if _migrations_pending() else "ok"
    lag = queue_lag_seconds()
    limit = timedelta(seconds=settings.CAIRN_READY_JOB_LAG_SECONDS).total_seconds()
    checks["jobs"] = "behind" if lag > limit else "ok"
    ready = all(value == "ok" for value in checks.values())
    body: dict[str, object] = {
        "status": "ready" if ready else "unavailable",
        "checks": checks,
        "job_lag_seconds": round(lag),
    }
    return JsonResponse(body, status=200 if ready else 503)
