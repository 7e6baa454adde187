"""Remittance pages, the manager's: upload a payer's 835 (streamed, at most 5 MB), the imports,
and one import with what it did to each line and what matched nothing. On the demo, a batch
offers a test 835 to try the import with. Anyone but a manager is told nothing exists (404)."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from audit.services import Target, record_page_view
from billing import demo
from billing.claim_views import batch_or_404
from billing.forms import RemittanceForm
from billing.models import BatchState, BillableLine, Remittance
from billing.remittance import (
    MAX_BYTES,
    RemittanceRefused,
    check_upload,
    import_remittance,
    remittances_for,
)
from lib.once import create_once, one_time_submit
from lib.uploads import BoundedUploadHandler, refused_too_large, sent_name, streams_upload
from organizations.access import acting_membership, member_required, visible_or_404
from organizations.models import Role


class RemittanceUploadHandler(BoundedUploadHandler):
    field = "remittance"
    limit = MAX_BYTES
    stored_name = "remittance.835"


@streams_upload(RemittanceUploadHandler)
@member_required(Role.MANAGER)
@one_time_submit
def remittances(request: HttpRequest) -> HttpResponse:
    """The upload form and the imports, newest first."""
    membership = acting_membership(request)
    posted = request.method == "POST"
    form = RemittanceForm(request.POST if posted else None, request.FILES if posted else None)
    status = 200
    if posted:
        status = 400
        if refused_too_large(request):
            form.is_valid()
            form.errors.pop("remittance", None)  # skipped as it streamed: not "missing"
            form.add_error(
                None,
                _("The file is larger than %(limit)s MB; an 835 for one payment is far smaller.")
                % {"limit": MAX_BYTES // 1024 // 1024},
            )
        elif form.is_valid():
            upload = form.cleaned_data["remittance"]
            name = sent_name(request) or upload.name or ""
            try:
                check_upload(name=name, size=upload.size)
                saved = create_once(
                    request,
                    create=lambda: import_remittance(
                        acting=membership, content=upload.read(), file_name=name
                    ),
                    location=lambda made: reverse("billing:remittance", args=[made.id]),
                )
            except RemittanceRefused as refused:
                form.add_error(None, str(refused))
            else:
                made: Remittance = saved.obj
                messages.success(
                    request,
                    ngettext(
                        "The payment was imported: %(count)s line answered.",
                        "The payment was imported: %(count)s lines answered.",
                        made.paid_lines + made.denied_lines + made.adjusted_lines,
                    )
                    % {"count": made.paid_lines + made.denied_lines + made.adjusted_lines},
                )
                return redirect(saved.location)
    return render(
        request,
        "billing/remittances.html",
        {"form": form, "imports": remittances_for(membership)[:50]},
        status=status,
    )


@member_required()
def remittance(request: HttpRequest, remittance_id: object) -> HttpResponse:
    found = visible_or_404(remittances_for(acting_membership(request)), request, id=remittance_id)
    lines = (
        BillableLine.objects.filter(remittance=found)
        .select_related("participant", "payer", "rendering_provider")
        .order_by("state", "service_date", "pk")
    )
    record_page_view(request=request, target=Target.of(found))
    return render(
        request,
        "billing/remittance.html",
        {
            "remittance": found,
            "lines": list(lines),
        },
    )


@member_required()
def batch_test_835(request: HttpRequest, batch_id: object) -> HttpResponse:
    """On the demo only: what a payer might answer to this batch, to try the import with."""
    found = batch_or_404(request, batch_id)
    if not settings.CAIRN_DEMO or found.state == BatchState.CANCELLED:
        raise Http404
    response = HttpResponse(demo.test_835(found), content_type="application/edi-x12")
    name = f"test-remittance-{found.interchange_control:09d}.835"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response
