"""The import flow: upload, match columns, dry run, then import the valid rows or set it aside."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from audit.models import Action
from audit.services import Target, record_member_action, record_page_view
from imports import jobs, services
from imports.forms import MappingForm, UploadForm
from imports.kinds import KINDS_FOR_ROLE
from imports.models import BatchState, ImportBatch
from imports.reading import UnreadableFile
from imports.services import error_file_content
from jobs.runner import submit
from lib.spreadsheet import csv_response
from organizations.access import acting_membership, member_required, visible_or_404
from organizations.models import Role

PROBLEMS_PAGE = 50
# Files longer than this are checked and imported in the background, with progress shown.
BACKGROUND_ROWS = 2000


def _batch(request: HttpRequest, batch_id: object) -> ImportBatch:
    """A batch is seen only by the person who uploaded it, in the organization it came into."""
    membership = acting_membership(request)
    mine = ImportBatch.objects.filter(
        organization=membership.organization,
        uploaded_by=membership.user,
        kind__in=KINDS_FOR_ROLE[membership.role],
    )
    return visible_or_404(mine, request, id=batch_id)


@member_required(*Role.with_participant_access())
def home(request: HttpRequest) -> HttpResponse:
    membership = acting_membership(request)
    kinds = KINDS_FOR_ROLE[membership.role]
    form = UploadForm(request.POST or None, request.FILES or None, kinds=kinds)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            services.check_upload_size(upload.size)
            batch = services.upload(
                acting=membership,
                kind=form.cleaned_data["kind"],
                filename=upload.name,
                raw=upload.read(),
            )
        except UnreadableFile as error:
            form.add_error("file", str(error))
        else:
            return redirect("imports:mapping", batch.id)
    batches = ImportBatch.objects.filter(
        organization=membership.organization, uploaded_by=membership.user
    )[:20]
    return render(request, "imports/home.html", {"form": form, "batches": batches})


@member_required(*Role.with_participant_access())
def mapping(request: HttpRequest, batch_id: object) -> HttpResponse:
    batch = _batch(request, batch_id)
    if batch.state in (BatchState.APPLIED, BatchState.DISCARDED):
        return redirect("imports:check", batch.id)
    form = MappingForm(request.POST or None, batch=batch)
    if request.method == "POST" and form.is_valid():
        membership = acting_membership(request)
        services.save_mapping(
            acting=membership,
            batch=batch,
            mapping=form.mapping(),
            date_style=form.cleaned_data["date_style"],
        )
        if batch.row_count > BACKGROUND_ROWS:
            job = submit(
                kind=jobs.CHECK,
                acting=membership,
                title=_("Checking %(name)s") % {"name": batch.filename},
                params={"batch_id": str(batch.id)},
            )
            return redirect("jobs:status", job.id)
        services.dry_run(acting=membership, batch=batch)
        return redirect("imports:check", batch.id)
    record_page_view(request=request, target=Target(type="imports.mapping", id=str(batch.id)))
    try:
        sheet = services.sheet_of(batch)
        sample = sheet.sample()
    except UnreadableFile as error:  # read under limits lowered since the upload
        messages.error(request, str(error))
        sample, notice = [], ""
    else:
        notice = sheet.notice
    return render(
        request,
        "imports/mapping.html",
        {"batch": batch, "form": form, "sample": sample, "notice": notice},
    )


@member_required(*Role.with_participant_access())
def check(request: HttpRequest, batch_id: object) -> HttpResponse:
    batch = _batch(request, batch_id)
    if batch.state in (BatchState.UPLOADED, BatchState.MAPPED):
        return redirect("imports:mapping", batch.id)
    page = Paginator(services.problems_of(batch), PROBLEMS_PAGE).get_page(request.GET.get("page"))
    record_page_view(request=request, target=Target(type="imports.check", id=str(batch.id)))
    return render(request, "imports/check.html", {"batch": batch, "page": page})


@require_POST
@member_required(*Role.with_participant_access())
def apply(request: HttpRequest, batch_id: object) -> HttpResponse:
    batch = _batch(request, batch_id)
    strict = request.POST.get("mode") == "all"
    if batch.row_count > BACKGROUND_ROWS and batch.state == BatchState.CHECKED:
        job = submit(
            kind=jobs.APPLY,
            acting=acting_membership(request),
            title=_("Importing %(name)s") % {"name": batch.filename},
            params={"batch_id": str(batch.id), "only_if_all_valid": strict},
        )
        return redirect("jobs:status", job.id)
    try:
        created = services.apply(
            acting=acting_membership(request), batch=batch, only_if_all_valid=strict
        )
    except services.NotReady:
        messages.error(request, _("This file has already been imported or set aside."))
        return redirect("imports:check", batch.id)
    if strict and batch.state != BatchState.APPLIED:
        messages.error(
            request,
            _("Nothing was imported: some rows still need fixing. The file is kept below."),
        )
    else:
        messages.success(
            request,
            ngettext("Imported %(count)s row.", "Imported %(count)s rows.", created)
            % {"count": f"{created:,}"},
        )
    return redirect("imports:check", batch.id)


@require_POST
@member_required(*Role.with_participant_access())
def discard(request: HttpRequest, batch_id: object) -> HttpResponse:
    batch = _batch(request, batch_id)
    try:
        services.discard(acting=acting_membership(request), batch=batch)
    except services.NotReady:
        messages.error(request, _("This file has already been imported."))
        return redirect("imports:check", batch.id)
    messages.success(request, _("Set aside. Nothing from this file was imported."))
    return redirect("imports:home")


@member_required(*Role.with_participant_access())
def errors(request: HttpRequest, batch_id: object) -> HttpResponse:
    batch = _batch(request, batch_id)
    record_member_action(
        acting=acting_membership(request),
        action=Action.EXPORT,
        target=Target(type="imports.errors", id=str(batch.id)),
    )
    stem = batch.filename.rsplit(".", 1)[0][:80] or "import"
    return csv_response(f"{stem}-rows-not-imported.csv", error_file_content(batch))
