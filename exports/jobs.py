"""Exports as background jobs: the request queues one; this builds the file off the request."""

from contextlib import nullcontext
from dataclasses import asdict

from django.utils.translation import gettext as _

from exports.datasets import registry
from exports.selectors import exportable_people
from exports.services import ExportKind, ExportRequest, run_export
from jobs.models import Job
from jobs.runner import JobError, JobResult, Progress, register, submit
from lib.db_routing import replica_reads
from organizations.models import Membership, Role

KIND = "exports.export"


def queue_export(*, acting: Membership, request: ExportRequest) -> Job:
    dataset = registry()[request.dataset]
    title = f"{dataset.title} ({ExportKind(request.kind).label}, {request.fmt.upper()})"
    return submit(kind=KIND, acting=acting, title=title, params=asdict(request))


@register(KIND)
def run(job: Job, progress: Progress) -> JobResult:
    # The job acts with the requester's membership as it is now: a role taken away between the
    # request and the run leaves no access behind.
    acting = (
        Membership.objects.active()
        .filter(organization=job.organization, user=job.requested_by, role__in=Role.oversight())
        .first()
    )
    wanted = ExportRequest(**job.params)
    if acting is None or (wanted.kind == ExportKind.DISCLOSURE and acting.role != Role.MANAGER):
        raise JobError(_("Your role no longer allows this export, so nothing was exported."))
    # A file of the program's data may be read from a replica that holds everything written
    # before it was asked for; a disclosure checks each person's consent on the primary, where
    # a consent withdrawn a second ago already holds.
    reads = (
        nullcontext()
        if wanted.kind == ExportKind.DISCLOSURE
        else replica_reads(since=job.created_at)
    )
    with reads:
        result = run_export(
            acting=acting,
            request=wanted,
            people=exportable_people(user=job.requested_by, organization=job.organization),
            progress=progress,
        )
    summary = result.summary
    if wanted.kind == ExportKind.DISCLOSURE:
        summary += "; " + _("%(count)s left out without a matching consent") % {
            "count": f"{len(result.left_out):,}"
        }
    return JobResult(
        filename=result.filename,
        content_type=result.content_type,
        content=result.content,
        summary=summary,
    )
