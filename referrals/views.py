"""A coach's referrals: making one from a listing, its page (state, history, the partner's link),
closing it, a new link, and the list of the referrals of the people one may see."""

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from audit.services import Target, record_page_view
from consent.services import DisclosureRefused
from directory.models import Service
from lib.once import create_once, one_time_submit
from organizations.access import acting_membership, member_required, visible_or_404
from organizations.models import Role
from participants.access import owned_or_404, participant_or_404
from referrals import selectors, tables
from referrals.forms import PeriodForm, ReferralFilterForm, ReferralForm, ReferralSettingsForm
from referrals.models import Referral, ReferralState
from referrals.services import (
    PURPOSE,
    SentLink,
    WrongState,
    close_referral,
    renew_link,
    save_settings,
    send_referral,
)

PAGE = 25
# The figures' columns: where a referral stands now, in words for a reader of counts.
STANDING_LABELS = {
    ReferralState.SENT: gettext_lazy("Waiting for an answer"),
    ReferralState.ACCEPTED: gettext_lazy("Accepted, first service to come"),
    ReferralState.COMPLETED: gettext_lazy("First service happened"),
    ReferralState.DECLINED: gettext_lazy("Declined"),
    ReferralState.CLOSED: gettext_lazy("Closed"),
}
FILTERS = ("state", "need", "partner", "sent_from", "sent_to")


def _link_context(request: HttpRequest, sent: SentLink) -> dict[str, str]:
    return {
        "address": request.build_absolute_uri(
            reverse("referral_partner", kwargs={"token": sent.token})
        ),
        "code": f"{sent.code[:4]} {sent.code[4:]}",
    }


@member_required(*Role.care_team())
@one_time_submit
def new(request: HttpRequest, service_id: object, participant_id: object) -> HttpResponse:
    membership = acting_membership(request)
    person = participant_or_404(request, participant_id)
    service = visible_or_404(
        Service.objects.of(membership.organization).active().select_related("provider", "location"),
        request,
        id=service_id,
    )
    form = ReferralForm(request.POST or None, need=service.need)
    refused = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            sent = create_once(
                request,
                create=lambda: send_referral(
                    acting=membership,
                    participant=person,
                    service=service,
                    need=data["need"],
                    note=data["note"],
                    categories=list(data["categories"]),
                ),
                location=lambda done: reverse(
                    "referrals:detail", kwargs={"referral_id": done.referral.id}
                ),
                target=lambda done: done.referral.id,
            )
        except DisclosureRefused:
            refused = True
        else:
            # The link and code are shown once, on the next page, then forgotten.
            request.session["referral_link"] = {
                "referral": str(sent.obj.referral.id),
                **_link_context(request, sent.obj),
            }
            messages.success(request, _("Referral sent."))
            return redirect(sent.location)
    return render(
        request,
        "referrals/new.html",
        {
            "form": form,
            "person": person,
            "service": service,
            "refused": refused,
            "purpose": PURPOSE,
        },
        status=400 if request.method == "POST" and (form.errors or refused) else 200,
    )


def _referral(request: HttpRequest, referral_id: object, *, viewed: bool = False) -> Referral:
    return owned_or_404(
        request,
        Referral,
        related=("service", "service__provider", "sent_by"),
        viewed=viewed,
        id=referral_id,
    )


def _detail(request: HttpRequest, referral: Referral, link: dict[str, str] | None) -> HttpResponse:
    return render(
        request,
        "referrals/detail.html",
        {
            "referral": referral,
            "person": referral.participant,
            "history": selectors.history_of(referral),
            "link": link,
            "can_change": acting_membership(request).role in Role.care_team(),
            "open": referral.state not in ReferralState.final(),
        },
    )


@member_required(*Role.with_participant_access())
def detail(request: HttpRequest, referral_id: object) -> HttpResponse:
    referral = _referral(request, referral_id, viewed=True)
    shown = request.session.get("referral_link")
    link = None
    if shown and shown.get("referral") == str(referral.id):
        link = request.session.pop("referral_link")
    return _detail(request, referral, link)


@require_POST
@member_required(*Role.care_team())
def new_link(request: HttpRequest, referral_id: object) -> HttpResponse:
    """A new link and code for the partner, shown on this answer only."""
    referral = _referral(request, referral_id)
    try:
        sent = renew_link(acting=acting_membership(request), referral=referral)
    except WrongState:
        messages.info(request, _("This referral is finished; it needs no new link."))
        return redirect("referrals:detail", referral_id=referral.id)
    messages.success(request, _("A new link is ready. The old link and code no longer work."))
    record_page_view(
        request=request, target=Target.of(referral), participant_id=referral.participant_id
    )
    return _detail(request, sent.referral, _link_context(request, sent))


@require_POST
@member_required(*Role.care_team())
def close(request: HttpRequest, referral_id: object) -> HttpResponse:
    referral = _referral(request, referral_id)
    close_referral(acting=acting_membership(request), referral=referral)
    messages.success(request, _("Referral closed. The partner's link no longer opens it."))
    return redirect("referrals:detail", referral_id=referral.id)


def _valid_filters(form: ReferralFilterForm) -> dict[str, Any]:
    """The filters that are valid: they apply even when another is not (the form says so)."""
    if not form.is_bound:
        return {}
    form.is_valid()  # cleaned_data keeps every field that passed
    return {name: form.cleaned_data[name] for name in FILTERS if form.cleaned_data.get(name)}


@member_required(*Role.with_participant_access())
def index(request: HttpRequest) -> HttpResponse:
    membership = acting_membership(request)
    form = ReferralFilterForm(request.GET or None, organization=membership.organization)
    filters = _valid_filters(form)
    rows = selectors.visible_referrals(
        user=request.user, organization=membership.organization, **filters
    )
    page = Paginator(rows, PAGE).get_page(request.GET.get("page"))
    record_page_view(request=request, target=Target(type="referrals.list", id=""))
    return render(
        request,
        "referrals/index.html",
        {
            "form": form,
            "page": page,
            "filtered": bool(filters),
            "keeps_settings": membership.role in Role.program_keepers(),
        },
    )


@member_required(*Role.with_participant_access())
def figures(request: HttpRequest) -> HttpResponse:
    """Referrals by need and by partner, where each stands now, for the people one may see."""
    membership = acting_membership(request)
    form = PeriodForm(request.GET or None)
    period = form.cleaned_data if form.is_bound and form.is_valid() else {}
    start, end = period.get("sent_from"), period.get("sent_to")
    deidentified = request.GET.get("numbers") == "deidentified"
    tables_shown = {}
    for by in ("need", "partner"):
        lines, total = selectors.breakdown(
            user=request.user,
            organization=membership.organization,
            by=by,
            sent_from=start,
            sent_to=end,
        )
        tables_shown[by] = tables.table(
            lines, total, by=by, sent_from=start, sent_to=end, deidentified=deidentified
        )
    record_page_view(
        request=request,
        target=Target(type="referrals.figures", id="deidentified" if deidentified else "exact"),
    )
    return render(
        request,
        "referrals/figures.html",
        {
            "form": form,
            "deidentified": deidentified,
            "by_need": tables_shown["need"],
            "by_partner": tables_shown["partner"],
            "states": [STANDING_LABELS[state] for state in selectors.STANDING],
            "period_query": urlencode(
                {name: value.isoformat() for name, value in period.items() if value}
            ),
        },
    )


@member_required(*Role.program_keepers())
def referral_settings(request: HttpRequest) -> HttpResponse:
    """How many days a partner has to answer before the coach's Today asks for a follow-up."""
    acting = acting_membership(request)
    form = ReferralSettingsForm(
        request.POST or None, instance=selectors.settings_for(acting.organization)
    )
    if request.method == "POST" and form.is_valid():
        _row, changed = save_settings(
            acting=acting, values={"answer_within_days": form.cleaned_data["answer_within_days"]}
        )
        messages.success(request, _("Saved.") if changed else _("Nothing was changed."))
        return redirect("referrals:settings")
    record_page_view(request=request, target=Target(type="referrals.settings", id=""))
    return render(request, "referrals/settings.html", {"form": form})
