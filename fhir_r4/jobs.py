"""Bulk export as a background job: kick-off queues it (one at a time per member), the job builds
the NDJSON files off the request, and the status URL reads the job."""

import uuid
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from api.models import ApiToken, TokenState
from fhir_r4.access import FhirAccess
from fhir_r4.export import build_export
from jobs.models import Job, JobState
from jobs.runner import JobError, JobResult, Progress, register, submit
from organizations.models import Membership, Role

KIND = "fhir_r4.export"


class ExportRunning(Exception):
    """Another export of this member, for other resource types, is still running."""

    def __init__(self, job: Job) -> None:
        super().__init__("an export is running")
        self.job = job


def running_export(access: FhirAccess) -> Job | None:
    for job in _mine(access).filter(state__in=[JobState.QUEUED, JobState.RUNNING]).defer("result"):
        if not job.is_stale:
            return job
    return None


def start_export(*, access: FhirAccess, types: list[str], request_url: str) -> tuple[Job, bool]:
    """The member's export job for `types`, and whether it is new. Started again while one runs,
    the same job comes back (nothing is queued twice); for other types, ExportRunning."""
    with transaction.atomic():
        # Two kick-offs at once by one member wait for each other here.
        Membership.objects.select_for_update().filter(pk=access.membership.pk).first()
        running = running_export(access)
        if running is not None:
            if sorted(running.params.get("types", [])) != sorted(types):
                raise ExportRunning(running)
            return running, False
        job = submit(
            kind=KIND,
            acting=access.membership,
            title=_("FHIR bulk export"),
            params={"types": types, "request": request_url[:500], "token": access.token_id},
        )
    return job, True


def _mine(access: FhirAccess) -> Any:
    return Job.objects.filter(
        organization=access.organization, requested_by=access.user, kind=KIND
    ).order_by("-created_at")


def export_job(access: FhirAccess, job_id: str) -> Job | None:
    """The caller's own export job, or None (someone else's answers as if it did not exist)."""
    try:
        wanted = uuid.UUID(job_id)
    except ValueError:
        return None
    job: Job | None = _mine(access).filter(id=wanted).first()
    return job


def _access(job: Job, membership: Membership) -> FhirAccess:
    """The caller as the job runs: a service token's export is checked again (revoked or
    expired since the kick-off, nothing is exported) and discloses to its recipient."""
    token_id = job.params.get("token")
    if token_id is None:
        return FhirAccess(membership=membership)
    token = ApiToken.objects.filter(pk=token_id, membership=membership).first()
    if token is None or token.state() != TokenState.ACTIVE:
        raise JobError(_("The API token that asked for this export no longer works."))
    return FhirAccess(
        membership=membership,
        scopes=frozenset(token.scopes),
        token_id=token.pk,
        recipient=token.recipient if token.discloses else "",
        purpose=token.purpose if token.discloses else "",
    )


@register(KIND)
def run(job: Job, progress: Progress) -> JobResult:
    # The job acts with the requester's membership as it is now: a role taken away between the
    # kick-off and the run leaves no access behind.
    membership = (
        Membership.objects.active()
        .filter(organization=job.organization, user=job.requested_by, role__in=Role.oversight())
        .select_related("organization", "user")
        .first()
    )
    if membership is None:
        raise JobError(_("Your role no longer allows this export, so nothing was exported."))
    content, _counts, people = build_export(
        _access(job, membership),
        types=list(job.params["types"]),
        progress=lambda done, total: progress(done, total),
    )
    return JobResult(
        filename="fhir-export.zip",
        content_type="application/zip",
        content=content,
        summary=ngettext(
            "%(count)s participant exported", "%(count)s participants exported", people
        )
        % {"count": f"{people:,}"},
    )
