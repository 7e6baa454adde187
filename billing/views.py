"""Billing pages: the manager's lines, the payers and their service tables, the staff's provider
numbers, and a person's coverage and authorizations."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from audit.services import Target, record_page_view
from billing.forms import (
    AuthorizationForm,
    CoverageForm,
    LineFilterForm,
    NewPayerForm,
    PayerForm,
    ProviderNumberForm,
    ServiceRowForm,
)
from billing.models import Coverage, Payer, PayerService, ProviderNumber
from billing.selectors import counts_by_state, coverage_of, lines_for, payers_of
from billing.services import (
    RECHECK_AT_ONCE,
    StaleVersion,
    add_authorization,
    add_coverage,
    recheck,
    remove_service_row,
    save_payer,
    save_provider_number,
    save_service_row,
)
from encounters.models import ServiceType
from lib.once import create_once, one_time_submit
from organizations.access import acting_membership, member_required, visible_or_404
from organizations.models import Membership, Role
from participants.access import participant_or_404
from participants.models import Participant

LINES_PAGE = 50


# --- lines ---------------------------------------------------------------------------------


@member_required(Role.MANAGER)
def lines(request: HttpRequest) -> HttpResponse:
    membership = acting_membership(request)
    payers = payers_of(membership.organization)
    form = LineFilterForm(request.GET or None, payers=payers)
    filters = form.cleaned_data if form.is_valid() else {}
    everything = lines_for(membership, {k: v for k, v in filters.items() if k != "state"})
    shown = lines_for(membership, filters)
    page = Paginator(shown, LINES_PAGE).get_page(request.GET.get("page"))
    states = counts_by_state(everything)
    record_page_view(request=request, target=Target(type="billing.lines", id="list"))
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("state", None)
    return render(
        request,
        "billing/lines.html",
        {
            "form": form,
            "page": page,
            "states": states,
            "total": sum(s.lines for s in states),
            "chosen_state": filters.get("state", ""),
            "state_query": query.urlencode(),
            "has_payers": payers.exists(),
        },
    )


@require_POST
@member_required(Role.MANAGER)
def check_again(request: HttpRequest) -> HttpResponse:
    looked = recheck(acting=acting_membership(request))
    if looked >= RECHECK_AT_ONCE:
        messages.info(
            request,
            _("%(count)s contacts were checked; more are waiting, so check again.")
            % {"count": f"{looked:,}"},
        )
    else:
        messages.success(
            request,
            ngettext(
                "%(count)s contact was checked again.",
                "%(count)s contacts were checked again.",
                looked,
            )
            % {"count": f"{looked:,}"},
        )
    return redirect("billing:lines")


# --- payers --------------------------------------------------------------------------------


@member_required(*Role.billing_keepers())
@one_time_submit
def payers(request: HttpRequest) -> HttpResponse:
    membership = acting_membership(request)
    form = NewPayerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        values = {k: v for k, v in form.cleaned_data.items() if k not in ("version", "submit_key")}
        if payers_of(membership.organization).filter(name=values["name"]).exists():
            form.add_error("name", _("The program already has a payer by this name."))
        else:
            saved = create_once(
                request,
                create=lambda: save_payer(acting=membership, payer=None, values=values),
                location=lambda payer: reverse("billing:payer", args=[payer.id]),
            )
            messages.success(request, _("%(name)s was added.") % {"name": saved.obj.name})
            return redirect(saved.location)
    return render(
        request,
        "billing/payers.html",
        {"payers": payers_of(membership.organization), "form": form},
        status=400 if request.method == "POST" else 200,
    )


def _payer_or_404(request: HttpRequest, payer_id: object) -> Payer:
    return visible_or_404(
        Payer.objects.filter(organization=acting_membership(request).organization),
        request,
        id=payer_id,
    )


def _service_types(membership: Membership) -> object:
    return ServiceType.objects.filter(organization=membership.organization, is_active=True)


@member_required(*Role.billing_keepers())
def payer(request: HttpRequest, payer_id: object) -> HttpResponse:
    membership = acting_membership(request)
    found = _payer_or_404(request, payer_id)
    form = PayerForm(request.POST or None, instance=found, initial={"version": found.version})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            values = dict(form.cleaned_data)
            try:
                save_payer(acting=membership, payer=found, values=values)
            except StaleVersion:
                messages.error(
                    request,
                    _(
                        "Someone else saved this payer while you were editing. Nothing of "
                        "yours was saved; here is what is stored now."
                    ),
                )
                return redirect("billing:payer", payer_id=found.id)
            messages.success(request, _("Saved."))
            return redirect("billing:payer", payer_id=found.id)
        status = 400
    return _payer_page(
        request, found, form, ServiceRowForm(service_types=_service_types(membership)), status
    )


def _payer_page(
    request: HttpRequest, found: Payer, form: PayerForm, row_form: ServiceRowForm, status: int
) -> HttpResponse:
    return render(
        request,
        "billing/payer.html",
        {
            "payer": found,
            "form": form,
            "rows": found.services.select_related("service_type"),
            "row_form": row_form,
        },
        status=status,
    )


@require_POST
@member_required(*Role.billing_keepers())
@one_time_submit
def add_row(request: HttpRequest, payer_id: object) -> HttpResponse:
    membership = acting_membership(request)
    found = _payer_or_404(request, payer_id)
    row_form = ServiceRowForm(request.POST, service_types=_service_types(membership))
    if not row_form.is_valid():
        form = PayerForm(instance=found, initial={"version": found.version})
        return _payer_page(request, found, form, row_form, 400)
    values = {k: v for k, v in row_form.cleaned_data.items() if k != "submit_key"}
    if found.services.filter(
        service_type=values["service_type"], contact_type=values["contact_type"]
    ).exists():
        row_form.add_error(
            None,
            _(
                "This payer already has a row for that service and way of meeting; "
                "remove that row first."
            ),
        )
        form = PayerForm(instance=found, initial={"version": found.version})
        return _payer_page(request, found, form, row_form, 400)
    create_once(
        request,
        create=lambda: save_service_row(acting=membership, payer=found, row=None, values=values),
        location=lambda _row: reverse("billing:payer", args=[found.id]),
    )
    messages.success(request, _("The row was added."))
    return redirect("billing:payer", payer_id=found.id)


@member_required(*Role.billing_keepers())
def remove_row(request: HttpRequest, row_id: object) -> HttpResponse:
    membership = acting_membership(request)
    row = visible_or_404(
        PayerService.objects.filter(payer__organization=membership.organization).select_related(
            "payer", "service_type"
        ),
        request,
        id=row_id,
    )
    if request.method == "POST":
        payer_id = row.payer_id
        remove_service_row(acting=membership, row=row)
        messages.success(request, _("The row was removed. Lines already made keep their code."))
        return redirect("billing:payer", payer_id=payer_id)
    return render(request, "billing/remove_row.html", {"row": row})


# --- provider numbers ----------------------------------------------------------------------


@member_required(*Role.billing_keepers())
def providers(request: HttpRequest) -> HttpResponse:
    membership = acting_membership(request)
    staff = (
        Membership.objects.active()
        .filter(organization=membership.organization, role__in=Role.care_team())
        .select_related("user")
        .order_by("user__username")
    )
    people = [(m.user_id, m.user.display_name) for m in staff]
    form = ProviderNumberForm(request.POST or None, people=people)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        save_provider_number(
            acting=membership, user_id=data["user"], npi=data["npi"], taxonomy=data["taxonomy"]
        )
        messages.success(request, _("Saved."))
        return redirect("billing:providers")
    numbers = {
        n.user_id: n for n in ProviderNumber.objects.filter(organization=membership.organization)
    }
    return render(
        request,
        "billing/providers.html",
        {"rows": [(m, numbers.get(m.user_id)) for m in staff], "form": form},
        status=400 if request.method == "POST" else 200,
    )


# --- coverage ------------------------------------------------------------------------------


def _coverage_page(
    request: HttpRequest,
    person: Participant,
    *,
    coverage_form: CoverageForm | None = None,
    authorization_form: AuthorizationForm | None = None,
    authorization_for: object = None,
    status: int = 200,
) -> HttpResponse:
    membership = acting_membership(request)
    record_page_view(request=request, target=Target.of(person), participant_id=person.id)
    payers = payers_of(membership.organization).filter(is_active=True)
    # One authorization form per coverage, each with its own field ids.
    coverages = [
        (
            view,
            authorization_form
            if authorization_form is not None and view.coverage.id == authorization_for
            else AuthorizationForm(auto_id=f"auth-{view.coverage.id}-%s"),
        )
        for view in coverage_of(person)
    ]
    return render(
        request,
        "billing/coverage.html",
        {
            "participant": person,
            "coverages": coverages,
            "can_write": membership.role == Role.MANAGER,
            "coverage_form": coverage_form or CoverageForm(payers=payers),
            "authorization_for": authorization_for,
        },
        status=status,
    )


@member_required(*Role.with_participant_access())
def coverage(request: HttpRequest, participant_id: object) -> HttpResponse:
    return _coverage_page(request, participant_or_404(request, participant_id))


@require_POST
@member_required(Role.MANAGER)
@one_time_submit
def coverage_add(request: HttpRequest, participant_id: object) -> HttpResponse:
    membership = acting_membership(request)
    person = participant_or_404(request, participant_id)
    form = CoverageForm(
        request.POST, payers=payers_of(membership.organization).filter(is_active=True)
    )
    if not form.is_valid():
        return _coverage_page(request, person, coverage_form=form, status=400)
    values = {k: v for k, v in form.cleaned_data.items() if k != "submit_key"}
    saved = create_once(
        request,
        create=lambda: add_coverage(acting=membership, participant=person, values=values),
        location=lambda _row: reverse("billing:coverage", args=[person.id]),
    )
    messages.success(request, _("Coverage added. Held contacts were checked again."))
    return redirect(saved.location)


@require_POST
@member_required(Role.MANAGER)
@one_time_submit
def authorization_add(request: HttpRequest, coverage_id: object) -> HttpResponse:
    membership = acting_membership(request)
    found = visible_or_404(
        Coverage.objects.visible_to(request.user, membership.organization).select_related(
            "participant"
        ),
        request,
        id=coverage_id,
    )
    person = found.participant
    form = AuthorizationForm(request.POST, auto_id=f"auth-{found.id}-%s")
    if not form.is_valid():
        return _coverage_page(
            request, person, authorization_form=form, authorization_for=found.id, status=400
        )
    values = {k: v for k, v in form.cleaned_data.items() if k != "submit_key"}
    saved = create_once(
        request,
        create=lambda: add_authorization(acting=membership, coverage=found, values=values),
        location=lambda _row: reverse("billing:coverage", args=[person.id]),
    )
    messages.success(request, _("Authorization added. Held contacts were checked again."))
    return redirect(saved.location)
