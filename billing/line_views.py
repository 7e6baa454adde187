"""A line's correction (void, and a replacement line) and the billing report, the manager's."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from audit.services import Target, record_page_view
from billing.corrections import CannotVoid, void_line
from billing.forms import ReportFilterForm, VoidLineForm
from billing.report import billing_report
from billing.selectors import lines_for, payers_of
from lib.once import create_once, one_time_submit
from organizations.access import acting_membership, member_required, visible_or_404
from organizations.models import Role


@member_required(Role.MANAGER)
@one_time_submit
def void(request: HttpRequest, line_id: object) -> HttpResponse:
    """Asks first (with the reason); then voids the line and, if chosen, makes its replacement."""
    membership = acting_membership(request)
    line = visible_or_404(lines_for(membership, {}), request, id=line_id)
    form = VoidLineForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                saved = create_once(
                    request,
                    create=lambda: void_line(
                        acting=membership,
                        line=line,
                        reason=data["reason"],
                        replace=data["replace"],
                    ),
                    location=lambda _made: reverse("billing:line", args=[line.id]),
                    target=lambda made: made.pk if made else line.pk,
                )
            except CannotVoid as refused:
                form.add_error(None, str(refused))
            else:
                if saved.obj is None:
                    messages.success(
                        request, _("The line was voided. It is kept, with the reason.")
                    )
                else:
                    messages.success(
                        request,
                        _("The line was voided and a replacement line was made: %(state)s.")
                        % {"state": saved.obj.get_state_display()},
                    )
                return redirect(saved.location)
    else:
        record_page_view(
            request=request, target=Target.of(line), participant_id=line.participant_id
        )
    return render(request, "billing/void.html", {"line": line, "form": form}, status=status)


@member_required(Role.MANAGER)
def line(request: HttpRequest, line_id: object) -> HttpResponse:
    """One line: its codes, what the payer answered, and its corrections either way."""
    membership = acting_membership(request)
    found = visible_or_404(
        lines_for(membership, {}).select_related("replaces", "voided_by", "remittance"),
        request,
        id=line_id,
    )
    replacement = lines_for(membership, {}).filter(replaces=found).first()
    record_page_view(request=request, target=Target.of(found), participant_id=found.participant_id)
    return render(
        request,
        "billing/line.html",
        {
            "line": found,
            "replacement": replacement,
        },
    )


@member_required(Role.MANAGER)
def report(request: HttpRequest) -> HttpResponse:
    membership = acting_membership(request)
    form = ReportFilterForm(request.GET or None, payers=payers_of(membership.organization))
    filters = form.cleaned_data if form.is_valid() else {}
    lines = lines_for(membership, {"payer": filters.get("payer")})
    base = {"payer": str(filters["payer"].pk)} if filters.get("payer") else {}
    record_page_view(request=request, target=Target(type="billing.report", id="figures"))
    return render(
        request,
        "billing/report.html",
        {"form": form, "report": billing_report(lines, base)},
    )
