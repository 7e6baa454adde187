"""Exchanging the directory as Open Referral HSDS 3.0, for the people who keep it: download it
as JSON or as a CSV data package, and upload a file, see its dry run, then import it (the dry
run and the import are background jobs; the file's page follows them)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from directory import hsds_files
from directory.forms import HsdsUploadForm
from directory.hsds_reading import MAX_BYTES
from directory.hsds_services import NotReady, export_directory, receive_file, start_import
from directory.models import HsdsForm, HsdsImport, HsdsImportState
from jobs.models import JobState
from lib.once import create_once, one_time_submit
from lib.uploads import (
    BoundedDiskUploadHandler,
    KeptUpload,
    refused_too_large,
    sent_name,
    streams_upload,
)
from organizations.access import acting_membership, member_required, visible_or_404
from organizations.models import Role

PROBLEMS_PAGE = 50


class HsdsUploadHandler(BoundedDiskUploadHandler):
    """Streams the file to disk, where it waits for its check: 50,000 services are far more
    than a request should hold in memory."""

    field = "file"
    limit = MAX_BYTES
    stored_name = "hsds-upload"

    def folder(self) -> str:
        return str(hsds_files.folder())


def _imports(request: HttpRequest) -> "list[HsdsImport]":
    organization = acting_membership(request).organization
    return list(HsdsImport.objects.filter(organization=organization)[:10])


@streams_upload(HsdsUploadHandler)
@member_required(*Role.directory_keepers())
@one_time_submit
def exchange(request: HttpRequest) -> HttpResponse:
    """The export links, the upload form, and the latest imports."""
    membership = acting_membership(request)
    posted = request.method == "POST"
    form = HsdsUploadForm(request.POST if posted else None, request.FILES if posted else None)
    status = 200
    if posted:
        status = 400
        upload = request.FILES.get("file")
        try:
            if refused_too_large(request):
                form.is_valid()
                form.errors.pop("file", None)  # skipped as it streamed: not "missing"
                form.add_error(
                    "file",
                    _(
                        "This file is larger than %(limit)s MB, so it was not read. A zipped "
                        "CSV data package holds the same listings in far less space."
                    )
                    % {"limit": MAX_BYTES // 1024 // 1024},
                )
            elif form.is_valid() and isinstance(upload, KeptUpload):
                name = sent_name(request) or "upload"
                upload.close()
                saved = create_once(
                    request,
                    create=lambda: receive_file(
                        acting=membership, filename=name, upload=upload.path
                    ),
                    location=lambda made: reverse("directory:hsds_check", args=[made.id]),
                )
                return redirect(saved.location)
        finally:
            if isinstance(upload, KeptUpload):
                upload.discard()  # kept under its import's name, or not wanted
    return render(
        request,
        "directory/hsds.html",
        {"form": form, "imports": _imports(request), "limit_mb": MAX_BYTES // 1024 // 1024},
        status=status,
    )


@member_required(*Role.directory_keepers())
def check(request: HttpRequest, import_id: object) -> HttpResponse:
    """One upload's page: its job's progress while the file is checked or imported, then the
    dry run (or, once imported, what it did)."""
    scoped = HsdsImport.objects.filter(organization=acting_membership(request).organization)
    found = visible_or_404(scoped.select_related("job"), request, id=import_id)
    working = found.job_working
    if request.headers.get("HX-Request"):
        if working:
            return render(request, "directory/_hsds_progress.html", {"record": found})
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"  # finished: the whole page, with what it found
        return response
    page = Paginator(found.problems, PROBLEMS_PAGE).get_page(request.GET.get("page"))
    stopped = found.job is not None and not working and found.job.state != JobState.DONE
    return render(
        request,
        "directory/hsds_check.html",
        {
            "record": found,
            "page": page,
            "not_kept": sorted(found.not_kept.items()),
            "working": working,
            "stopped": stopped,
            "importing": working and found.state == HsdsImportState.CHECKED,
        },
    )


@require_POST
@member_required(*Role.directory_keepers())
def apply(request: HttpRequest, import_id: object) -> HttpResponse:
    scoped = HsdsImport.objects.filter(organization=acting_membership(request).organization)
    found = visible_or_404(scoped, request, id=import_id)
    try:
        done = start_import(acting=acting_membership(request), record=found)
    except NotReady:
        messages.info(
            request, _("This file was already imported, is being imported, or has nothing to do.")
        )
    else:
        if done.state == HsdsImportState.APPLIED:
            messages.success(
                request,
                _("Imported: %(added)s added, %(updated)s updated, %(unchanged)s unchanged.")
                % {
                    "added": f"{done.added_count:,}",
                    "updated": f"{done.updated_count:,}",
                    "unchanged": f"{done.unchanged_count:,}",
                },
            )
    return redirect("directory:hsds_check", import_id=found.id)


def _download(request: HttpRequest, form: str) -> HttpResponse:
    membership = acting_membership(request)
    content = export_directory(acting=membership, form=form)
    stem = f"{membership.organization.slug}-directory-hsds"
    if form == HsdsForm.ZIP:
        response = HttpResponse(content, content_type="application/zip")
        name = f"{stem}.zip"
    else:
        response = HttpResponse(content, content_type="application/json; charset=utf-8")
        name = f"{stem}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


@member_required(*Role.directory_keepers())
def export_json(request: HttpRequest) -> HttpResponse:
    return _download(request, HsdsForm.JSON)


@member_required(*Role.directory_keepers())
def export_zip(request: HttpRequest) -> HttpResponse:
    return _download(request, HsdsForm.ZIP)
