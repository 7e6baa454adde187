"""Prometheus metrics at `/metrics`, for a scraper that holds `CAIRN_METRICS_TOKEN`.

Requests and responses are counted by django-prometheus, labelled by the URL's name (never its
path, so never an id), method and status. Cairn adds how its background work is keeping up:
jobs waiting, how long the oldest has waited, and reminders due but not yet sent. No label ever
carries participant data: the only labels are fixed names of states and pages.

Under gunicorn each worker counts its own requests; `gunicorn.conf.py` gives them one
`PROMETHEUS_MULTIPROC_DIR` when metrics are on, and the page adds them up.
"""

import hmac
from collections.abc import Iterator

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_prometheus.exports import ExportToDjangoView
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from appointments.models import Reminder, ReminderState
from jobs.models import Job, JobState
from jobs.selectors import queue_lag_seconds


class BackgroundWork(Collector):
    """Read from the database at each scrape (three small counting queries)."""

    def collect(self) -> Iterator[Metric]:
        yield GaugeMetricFamily(
            "cairn_jobs_queued",
            "Background jobs waiting to run.",
            value=Job.objects.filter(state=JobState.QUEUED).count(),
        )
        yield GaugeMetricFamily(
            "cairn_job_queue_lag_seconds",
            "How long the oldest job that may start now has waited.",
            value=queue_lag_seconds(),
        )
        yield GaugeMetricFamily(
            "cairn_reminders_due",
            "Reminders whose time has come and that are not sent yet.",
            value=Reminder.objects.filter(
                state=ReminderState.QUEUED, send_at__lte=timezone.now()
            ).count(),
        )


def _allowed(request: HttpRequest) -> bool:
    token = settings.CAIRN_METRICS_TOKEN
    given = request.headers.get("Authorization", "")
    return bool(token) and hmac.compare_digest(given.encode(), f"Bearer {token}".encode())


@require_GET
@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    """The metrics page; a request without the token finds nothing here (404)."""
    if not _allowed(request):
        raise Http404
    background = CollectorRegistry()
    background.register(BackgroundWork())
    # django-prometheus's own page gives the request counts (all workers' under gunicorn).
    body = ExportToDjangoView(request).content + generate_latest(background)
    return HttpResponse(body, content_type=CONTENT_TYPE_LATEST)
