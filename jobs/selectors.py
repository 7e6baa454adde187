"""Reading the job queue."""

from django.db.models import Q
from django.utils import timezone

from jobs.models import Job, JobState


def queue_lag_seconds() -> float:
    """How long the oldest job that may start now has waited (0 when none waits)."""
    now = timezone.now()
    oldest = (
        Job.objects.filter(state=JobState.QUEUED)
        .filter(Q(not_before__isnull=True) | Q(not_before__lte=now))
        .order_by("created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    return max((now - oldest).total_seconds(), 0.0) if oldest else 0.0
