"""The exports page, the disclosure preview, and the data dictionaries (page and CSV)."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from audit.services import Target, record_page_view
from exports.datasets import Dataset, registry
from exports.forms import ExportForm
from exports.jobs import queue_export
from exports.selectors import disclosure_preview, exportable_people
from exports.services import ExportKind, full_dictionary
from lib.once import create_once, one_time_submit
from lib.spreadsheet import csv_response, write_csv
from organizations.access import acting_membership, member_required
from organizations.models import Role


def _dataset_or_404(key: str) -> Dataset:
    dataset = registry().get(key)
    if dataset is None:
        raise Http404
    return dataset


# Coaches do not export: a program-wide file is a supervisor's or manager's task, and a coach
# hands a person their own record from the consent page. Admins see no participant data.
@member_required(*Role.oversight())
@one_time_submit
def index(request: HttpRequest) -> HttpResponse:
    membership = acting_membership(request)
    form = ExportForm(request.POST or None, may_disclose=membership.role == Role.MANAGER)
    if request.method == "POST" and form.is_valid():
        wanted = form.export_request()
        people = exportable_people(user=request.user, organization=membership.organization)
        if wanted.kind == ExportKind.DISCLOSURE and not form.cleaned_data["confirm"]:
            included, left_out = disclosure_preview(request=wanted, people=people)
            record_page_view(
                request=request, target=Target(type="exports.disclosure_preview", id=wanted.dataset)
            )
            return render(
                request,
                "exports/preview.html",
                {"form": form, "wanted": wanted, "included": included, "left_out": left_out},
            )
        # Every export runs as a job: progress on its page, and a download link that only the
        # requester can use and that expires (jobs app).
        # Sent twice, one job: a disclosure export is recorded once in the accounting.
        queued = create_once(
            request,
            create=lambda: queue_export(acting=membership, request=wanted),
            location=lambda job: reverse("jobs:status", kwargs={"job_id": job.id}),
        )
        return redirect(queued.location)
    return render(
        request,
        "exports/index.html",
        {
            "form": form,
            "datasets": registry().values(),
            "is_manager": membership.role == Role.MANAGER,
        },
    )


@member_required(*Role.with_participant_access())
def dictionary(request: HttpRequest, dataset: str) -> HttpResponse:
    chosen = _dataset_or_404(dataset)
    rows = full_dictionary(chosen)
    # A choice column's allowed values as (code, words) pairs, so the page can mark the codes
    # that the CSV holds as code.
    choices = [
        [(value, str(label)) for value, label in column.choices.choices] if column.choices else []
        for column in chosen.all_columns()
    ]
    return render(
        request,
        "exports/dictionary.html",
        {"dataset": chosen, "header": rows[0], "rows": list(zip(rows[1:], choices, strict=True))},
    )


@member_required(*Role.with_participant_access())
def dictionary_csv(request: HttpRequest, dataset: str) -> HttpResponse:
    chosen = _dataset_or_404(dataset)
    rows = full_dictionary(chosen)
    return csv_response(f"{chosen.key}-data-dictionary.csv", write_csv(rows[0], rows[1:]))
