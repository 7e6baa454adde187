"""Large files are checked and imported as background jobs, with progress on the jobs page."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from imports import services
from imports.models import ImportBatch
from jobs.models import Job
from jobs.runner import JobError, JobResult, Progress, register
from lib.spreadsheet import CSV_TYPE
from organizations.models import Membership

CHECK = "imports.check"
APPLY = "imports.apply"


def _batch_and_member(job: Job) -> tuple[ImportBatch, Membership]:
    membership = Membership.objects.active().get(
        organization=job.organization, user=job.requested_by
    )
    batch = ImportBatch.objects.get(
        id=job.params["batch_id"], organization=job.organization, uploaded_by=job.requested_by
    )
    return batch, membership


def _counts(batch: ImportBatch) -> str:
    return _(
        "%(ready)s rows ready, %(bad)s need fixing, %(skipped)s already imported. "
        "Go back to Imports to choose what to do."
    ) % {"ready": batch.valid_count, "bad": batch.bad_row_count, "skipped": batch.skipped_count}


def _error_file(batch: ImportBatch) -> tuple[str, str, bytes]:
    if not batch.error_csv:
        return "", CSV_TYPE, b""
    return "rows-not-imported.csv", CSV_TYPE, services.error_file_content(batch)


@register(CHECK)
def check(job: Job, progress: Progress) -> JobResult:
    batch, membership = _batch_and_member(job)
    try:
        services.dry_run(acting=membership, batch=batch, progress=progress)
    except services.NotReady as error:
        raise JobError(_("This file has already been imported or set aside.")) from error
    name, kind, content = _error_file(batch)
    return JobResult(filename=name, content_type=kind, content=content, summary=_counts(batch))


@register(APPLY)
def apply(job: Job, progress: Progress) -> JobResult:
    batch, membership = _batch_and_member(job)
    try:
        created = services.apply(
            acting=membership,
            batch=batch,
            only_if_all_valid=bool(job.params.get("only_if_all_valid")),
            progress=progress,
        )
    except services.NotReady as error:
        raise JobError(_("This file has already been imported or set aside.")) from error
    batch.refresh_from_db()
    name, kind, content = _error_file(batch)
    summary = ngettext("Imported %(count)s row.", "Imported %(count)s rows.", created) % {
        "count": f"{created:,}"
    }
    return JobResult(filename=name, content_type=kind, content=content, summary=summary)
