"""Claims pages, the manager's: build a batch from one payer's ready lines (after a summary of
what would go and who would be held, and why), the batches, one batch with its lines, and its
837P and CSV files. Anyone but a manager is told nothing exists (404)."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from audit.services import Target, record_page_view
from billing.claims import (
    BatchNotOpen,
    Built,
    ClaimSetupMissing,
    batch_lines,
    batches_for,
    build_batch,
    cancel_batch,
    download_batch,
    mark_sent,
    preview_batch,
    setup_missing,
)
from billing.forms import BuildBatchForm, ConfirmBatchForm
from billing.models import BatchState, ClaimBatch, LineState, Payer, Reason
from billing.selectors import payers_of
from lib.once import create_once, one_time_submit
from organizations.access import acting_membership, member_required, visible_or_404
from organizations.models import Role

BATCH_LINES_PAGE = 100


@member_required(Role.MANAGER)
def claims(request: HttpRequest) -> HttpResponse:
    """The build form, and once a payer is chosen, what a batch would hold; then the batches."""
    membership = acting_membership(request)
    payers = payers_of(membership.organization).filter(is_active=True)
    form = BuildBatchForm(request.GET or None, payers=payers)
    preview = confirm = None
    missing: list[str] = []
    if form.is_valid():
        data = form.cleaned_data
        missing = setup_missing(data["payer"])
        preview = preview_batch(
            acting=membership,
            payer=data["payer"],
            service_from=data["service_from"],
            service_until=data["service_until"],
        )
        confirm = ConfirmBatchForm(
            payers=payers,
            initial={
                "payer": data["payer"].pk,
                "service_from": data["service_from"],
                "service_until": data["service_until"],
            },
            auto_id="confirm-%s",
        )
    record_page_view(request=request, target=Target(type="billing.claims", id="list"))
    batches = batches_for(membership).order_by("-created_at")[:50]
    ready = dict(
        payers.filter(lines__state=LineState.READY)
        .annotate(n=Count("lines"))
        .values_list("pk", "n")
    )
    return render(
        request,
        "billing/claims.html",
        {
            "form": form,
            "preview": preview,
            "confirm": confirm,
            "chosen": form.cleaned_data.get("payer") if form.is_bound and form.is_valid() else None,
            "missing": missing,
            "batches": batches,
            "ready": [(payer, ready.get(payer.pk, 0)) for payer in payers],
            "reasons": dict(Reason.choices),
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


@require_POST
@member_required(Role.MANAGER)
@one_time_submit
def batch_build(request: HttpRequest, payer_id: object) -> HttpResponse:
    membership = acting_membership(request)
    payers = payers_of(membership.organization).filter(is_active=True)
    payer: Payer = visible_or_404(payers, request, id=payer_id)
    form = ConfirmBatchForm(request.POST, payers=payers)
    back = reverse("billing:claims")
    if not form.is_valid() or form.cleaned_data["payer"] != payer:
        messages.error(request, _("The dates were not understood; nothing was built."))
        return redirect(back)
    data = form.cleaned_data
    try:
        saved = create_once(
            request,
            create=lambda: build_batch(
                acting=membership,
                payer=payer,
                service_from=data["service_from"],
                service_until=data["service_until"],
            ),
            location=lambda built: (
                reverse("billing:batch", args=[built.batch.id]) if built.batch else back
            ),
            target=lambda built: built.batch.id if built.batch else "nothing",
        )
    except ClaimSetupMissing as setup:
        messages.error(
            request,
            _("Nothing was built: the payer's record needs %(fields)s.")
            % {"fields": ", ".join(setup.missing)},
        )
        return redirect(back)
    built: Built = saved.obj
    held = sum(person.lines for person in built.held_people)
    if built.batch is None:
        messages.info(request, _("No line was ready to go, so no batch was built."))
    elif built.again:
        messages.success(
            request,
            _("These lines were batched before: the same batch is open again, same numbers."),
        )
    else:
        messages.success(
            request,
            ngettext(
                "A batch of %(count)s line was built.",
                "A batch of %(count)s lines was built.",
                built.batch.line_count,
            )
            % {"count": f"{built.batch.line_count:,}"},
        )
    if held:
        messages.warning(
            request,
            ngettext(
                "%(count)s line was held and not sent; the reasons are on the billing page.",
                "%(count)s lines were held and not sent; the reasons are on the billing page.",
                held,
            )
            % {"count": f"{held:,}"},
        )
    return redirect(saved.location)


def batch_or_404(request: HttpRequest, batch_id: object) -> ClaimBatch:
    return visible_or_404(batches_for(acting_membership(request)), request, id=batch_id)


@member_required()
def batch(request: HttpRequest, batch_id: object) -> HttpResponse:
    found = batch_or_404(request, batch_id)
    lines = Paginator(batch_lines(found), BATCH_LINES_PAGE).get_page(request.GET.get("page"))
    record_page_view(request=request, target=Target.of(found))
    return render(
        request,
        "billing/batch.html",
        {
            "batch": found,
            "page": lines,
            "is_open": found.state == BatchState.OPEN,
            "test_835": settings.CAIRN_DEMO,
        },
    )


def _download(request: HttpRequest, batch_id: object, fmt: str) -> HttpResponse:
    found = batch_or_404(request, batch_id)
    if found.state == BatchState.CANCELLED:
        raise Http404
    made = download_batch(acting=acting_membership(request), batch=found, fmt=fmt)
    response = HttpResponse(made.content, content_type=made.content_type)
    response["Content-Disposition"] = f'attachment; filename="{made.filename}"'
    response["Cache-Control"] = "no-store"
    return response


@member_required()
def batch_837(request: HttpRequest, batch_id: object) -> HttpResponse:
    return _download(request, batch_id, "837")


@member_required()
def batch_csv(request: HttpRequest, batch_id: object) -> HttpResponse:
    return _download(request, batch_id, "csv")


def _change(request: HttpRequest, batch_id: object, change: Any, done: str) -> HttpResponse:
    found = batch_or_404(request, batch_id)
    try:
        change(acting=acting_membership(request), batch=found)
    except BatchNotOpen:
        messages.error(request, _("This batch was already sent or cancelled; nothing changed."))
    else:
        messages.success(request, done)
    return redirect("billing:batch", batch_id=found.id)


@require_POST
@member_required()
def batch_cancel(request: HttpRequest, batch_id: object) -> HttpResponse:
    return _change(
        request, batch_id, cancel_batch, _("The batch was cancelled; its lines are ready again.")
    )


@require_POST
@member_required()
def batch_sent(request: HttpRequest, batch_id: object) -> HttpResponse:
    return _change(request, batch_id, mark_sent, _("The batch is marked as sent."))
