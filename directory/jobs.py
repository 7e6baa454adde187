"""An HSDS file's dry run and its import run as background jobs, each reporting its progress;
the file's own page (`hsds_views.check`) follows the job and then shows what it found."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from directory.hsds_services import CHECK_JOB, IMPORT_JOB, NotReady, apply_import, check_received
from directory.models import HsdsImport
from jobs.models import Job
from jobs.runner import JobError, JobResult, Progress, register
from organizations.models import Membership


def _record_and_member(job: Job) -> tuple[HsdsImport, Membership]:
    membership = Membership.objects.active().get(
        organization=job.organization, user=job.requested_by
    )
    record = HsdsImport.objects.get(id=job.params["import_id"], organization=job.organization)
    return record, membership


@register(CHECK_JOB)
def check(job: Job, progress: Progress) -> JobResult:
    record, membership = _record_and_member(job)
    try:
        done = check_received(acting=membership, record=record, progress=progress)
    except NotReady as error:
        raise JobError(_("This file has already been checked.")) from error
    summary = ngettext(
        "%(count)s problem found.", "%(count)s problems found.", done.problem_count
    ) % {"count": f"{done.problem_count:,}"}
    return JobResult(filename="", content_type="", content=b"", summary=summary)


@register(IMPORT_JOB)
def apply(job: Job, progress: Progress) -> JobResult:
    record, membership = _record_and_member(job)
    try:
        done = apply_import(acting=membership, record=record, progress=progress)
    except NotReady as error:
        raise JobError(
            _("This file was already imported, has problems to fix, or is no longer kept.")
        ) from error
    summary = _("Imported: %(added)s added, %(updated)s updated, %(unchanged)s unchanged.") % {
        "added": f"{done.added_count:,}",
        "updated": f"{done.updated_count:,}",
        "unchanged": f"{done.unchanged_count:,}",
    }
    return JobResult(filename="", content_type="", content=b"", summary=summary)
