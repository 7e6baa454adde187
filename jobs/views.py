"""A job's progress page and its download; only the member who started a job sees it."""

from datetime import timedelta

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from audit.models import Action
from audit.services import Target, record_member_action
from jobs.models import Job, JobState
from jobs.runner import UNLISTED, result_bytes
from organizations.access import acting_membership, member_required, visible_or_404
from organizations.models import Role


def _mine(request: HttpRequest) -> QuerySet[Job]:
    """The current member's own jobs in their current organization (others' answer 404)."""
    membership = acting_membership(request)
    return Job.objects.filter(organization=membership.organization, requested_by=membership.user)


@member_required(*Role.staff())
def job_list(request: HttpRequest) -> HttpResponse:
    since = timezone.now() - timedelta(days=7)
    jobs = (
        _mine(request)
        .defer("result")
        .filter(created_at__gte=since)
        .exclude(kind__in=UNLISTED)
        .order_by("-created_at")
    )
    return render(request, "jobs/list.html", {"jobs": jobs[:50]})


@member_required(*Role.staff())
def status(request: HttpRequest, job_id: object) -> HttpResponse:
    job = visible_or_404(_mine(request).defer("result"), request, id=job_id)
    template = "jobs/_progress.html" if request.headers.get("HX-Request") else "jobs/status.html"
    return render(request, template, {"job": job, "running": _running(job)})


@member_required(*Role.staff())
def download(request: HttpRequest, job_id: object) -> HttpResponse:
    job = visible_or_404(_mine(request), request, id=job_id)
    if job.state != JobState.DONE or job.is_expired or not job.result:
        return render(request, "jobs/status.html", {"job": job, "gone": True}, status=410)
    record_member_action(
        acting=acting_membership(request),
        action=Action.EXPORT,
        target=Target(type="jobs.job", id=str(job.id)),
        changed_fields=[job.kind],
    )
    response = HttpResponse(result_bytes(job), content_type=job.result_type)
    response["Content-Disposition"] = f'attachment; filename="{job.result_name}"'
    response["Cache-Control"] = "no-store"
    return response


def _running(job: Job) -> bool:
    return job.state in (JobState.QUEUED, JobState.RUNNING) and not job.is_stale
