"""Project-wide pages: health and readiness checks and calm error pages that reveal nothing."""

from datetime import timedelta

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any database failure means "not ok"
        return JsonResponse({"status": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})


_migrations_applied = False  # once every migration is applied it stays so for this process


def _migrations_pending() -> bool:
    global _migrations_applied
    if _migrations_applied:
        return False
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    pending = bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))
    _migrations_applied = not pending
    return pending


def _job_lag_seconds() -> float:
    """How long the oldest job that may start now has waited (0 when none waits)."""
    from django.db.models import Q
    from django.utils import timezone

    from jobs.models import Job, JobState

    now = timezone.now()
    oldest = (
        Job.objects.filter(state=JobState.QUEUED)
        .filter(Q(not_before__isnull=True) | Q(not_before__lte=now))
        .order_by("created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    return max((now - oldest).total_seconds(), 0.0) if oldest else 0.0


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
    lag = _job_lag_seconds()
    limit = timedelta(seconds=settings.CAIRN_READY_JOB_LAG_SECONDS).total_seconds()
    checks["jobs"] = "behind" if lag > limit else "ok"
    ready = all(value == "ok" for value in checks.values())
    body: dict[str, object] = {
        "status": "ready" if ready else "unavailable",
        "checks": checks,
        "job_lag_seconds": round(lag),
    }
    return JsonResponse(body, status=200 if ready else 503)


def _calm_page(request: HttpRequest, template: str, status: int) -> HttpResponse:
    """An error page, with the usual header when the request got far enough to have one.

    A request refused early (an unknown `Host`, refused before sign-in is read) has no
    `request.user` for the context processors: it gets the same page without them."""
    if not hasattr(request, "user"):
        return HttpResponse(loader.get_template(template).render(), status=status)
    return render(request, template, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _calm_page(request, "errors/400.html", 400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _calm_page(request, "errors/403.html", 403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _calm_page(request, "errors/404.html", 404)


def server_error(request: HttpRequest) -> HttpResponse:
    # No context processors: the failure may lie in the database they would query.
    return HttpResponse(loader.get_template("errors/500.html").render(), status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return _calm_page(request, "errors/csrf.html", 403)
