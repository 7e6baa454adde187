"""The directory: finding help, one listing, sharing it with a participant, and keeping listings."""

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from directory.forms import FindForm, ListingForm
from directory.models import Service, ServiceStatus
from directory.selectors import Search, find_services, needs_checking, shared_with, zip_centroid
from directory.services import (
    NotTexted,
    StaleListing,
    add_listing,
    archive_listing,
    edit_listing,
    mark_verified,
    share_resource,
    text_resource,
    why_not_texted,
)
from inbox.selectors import TextWay, text_plan
from lib.once import create_once, one_time_submit
from lib.when import show_time, show_weekday_time
from organizations.access import acting_membership, member_required, visible_or_404
from organizations.models import Organization, Role
from participants.access import participant_or_404
from participants.models import Participant

PAGE = 20


def _local_now(organization: Organization) -> datetime:
    return timezone.now().astimezone(ZoneInfo(organization.time_zone))


def _listing(request: HttpRequest, service_id: object) -> Service:
    scoped = Service.objects.of(acting_membership(request).organization)
    return visible_or_404(
        scoped.select_related("provider", "location").prefetch_related(
            "phones", "schedules", "languages"
        ),
        request,
        id=service_id,
    )


def _for_participant(request: HttpRequest) -> Participant | None:
    """The person a coach is finding help for (`?for=`), opened the one audited way."""
    wanted = request.GET.get("for", "")
    if not wanted or acting_membership(request).role not in Role.care_team():
        return None
    return participant_or_404(request, wanted)


@member_required(*Role.with_participant_access())
def find(request: HttpRequest) -> HttpResponse:
    membership = acting_membership(request)
    person = _for_participant(request)
    form = FindForm(request.GET or None)
    findings = None
    zip_known = True
    if form.is_valid() and any(v not in ("", None, False) for v in form.cleaned_data.values()):
        data = form.cleaned_data
        search = Search(
            need=data["need"],
            words=data["q"],
            language=data["language"],
            cost=data["cost"],
            open_now=data["open_now"],
            zip_code=data["zip"],
            within_miles=float(data["within"]) if data["within"] and data["zip"] else None,
        )
        findings, zip_known = find_services(
            organization=membership.organization,
            search=search,
            now=_local_now(membership.organization),
        )
    # ByName pages in SQL (a count and a slice); it is not iterable, which Paginator never needs.
    listed: Any = findings if findings is not None else []
    page = Paginator(listed, PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "directory/find.html",
        {
            "form": form,
            "searched": findings is not None,
            "zip_known": zip_known,
            "page": page,
            "query": query.urlencode(),
            "search": request.GET.urlencode(),
            "person": person,
            "shared": shared_with(person) if person else [],
            "no_text": _no_text(person),
            "can_keep": membership.role in Role.directory_keepers(),
        },
    )


@member_required(*(Role.with_participant_access() | Role.directory_keepers()))
def listing(request: HttpRequest, service_id: object) -> HttpResponse:
    membership = acting_membership(request)
    service = _listing(request, service_id)
    person = _for_participant(request) if service.status == ServiceStatus.ACTIVE else None
    today = _local_now(membership.organization).date()
    return render(
        request,
        "directory/listing.html",
        {
            "service": service,
            "person": person,
            "stale": service.is_stale(today),
            "can_keep": membership.role in Role.directory_keepers(),
            "can_refer": membership.role in Role.care_team(),
        },
    )


def _no_text(person: Participant | None) -> str:
    """Why no resource can be texted to the person found for ("" when one can)."""
    if person is None:
        return ""
    return why_not_texted(person, text_plan(person, now=timezone.now()))


def _when(moment: datetime) -> str:
    """ "9:00 AM" today, "Monday 7 Dec 2026, 9:00 AM" another day: in the moment's own zone
    (the person's texting hours, on the organization's clock)."""
    with timezone.override(moment.tzinfo):
        if moment.date() == timezone.localtime().date():
            return show_time(moment)
        return show_weekday_time(moment)


# What a search on Find help is made of: a share or a text brings the coach back to it.
SEARCH_FIELDS = ("q", "need", "language", "cost", "open_now", "zip", "within", "page")


def _back_to_find(person: Participant, request: HttpRequest | None = None) -> str:
    """Find help for the person, with the search the form was sent from (`search`, the page's
    query string; only the search's own fields are kept, each cut short)."""
    wanted = QueryDict(request.POST.get("search", "")[:1000]) if request is not None else None
    back = QueryDict(mutable=True)
    back["for"] = str(person.id)
    for name in SEARCH_FIELDS:
        if wanted is not None and wanted.get(name):
            back[name] = wanted[name][:100]
    return reverse("directory:find") + "?" + back.urlencode()


@require_POST
@member_required(*Role.care_team())
@one_time_submit
def text(request: HttpRequest, service_id: object, participant_id: object) -> HttpResponse:
    """Text a listing to the person (it is kept in their portal's resources too)."""
    membership = acting_membership(request)
    service = _listing(request, service_id)
    person = participant_or_404(request, participant_id)
    if service.status != ServiceStatus.ACTIVE:
        messages.error(request, _("This listing is archived; it can no longer be shared."))
        return redirect(_back_to_find(person, request))
    try:
        sent = create_once(
            request,
            create=lambda: text_resource(acting=membership, participant=person, service=service),
            location=lambda _texted: _back_to_find(person, request),
            target=lambda texted: texted.message.id,
        )
    except NotTexted as refused:
        messages.error(
            request,
            refused.reason + " " + _("You can still share it onto their portal."),
        )
        return redirect(_back_to_find(person, request))
    plan, names = sent.obj.plan, {"service": service.name, "name": person}
    if plan.way == TextWay.WAITS and plan.waits_until is not None:
        names["when"] = _when(plan.waits_until)
        messages.success(
            request,
            _(
                "%(service)s will be texted to %(name)s at %(when)s, when %(name)s's texting "
                "hours begin. It is in their portal's resources too."
            )
            % names,
        )
    else:
        messages.success(
            request,
            _("Texted %(service)s to %(name)s. It is in their portal's resources too.") % names,
        )
    return redirect(sent.location)


@require_POST
@member_required(*Role.care_team())
def share(request: HttpRequest, service_id: object, participant_id: object) -> HttpResponse:
    membership = acting_membership(request)
    service = _listing(request, service_id)
    person = participant_or_404(request, participant_id)
    if service.status != ServiceStatus.ACTIVE:
        messages.error(request, _("This listing is archived; it can no longer be shared."))
    else:
        _share, created = share_resource(acting=membership, participant=person, service=service)
        if created:
            messages.success(
                request,
                _("%(service)s is now in %(name)s's resources in their portal.")
                % {"service": service.name, "name": person},
            )
        else:
            messages.info(
                request,
                _("%(name)s already has %(service)s in their resources.")
                % {"service": service.name, "name": person},
            )
    return redirect(_back_to_find(person, request))


# --- keeping the directory ------------------------------------------------------------------


@member_required(*Role.directory_keepers())
def keep(request: HttpRequest) -> HttpResponse:
    membership = acting_membership(request)
    stale = needs_checking(
        organization=membership.organization, today=_local_now(membership.organization)
    )
    active = Service.objects.of(membership.organization).active()
    return render(
        request,
        "directory/keep.html",
        {"stale": stale, "active_count": active.count()},
    )


@member_required(*Role.directory_keepers())
@one_time_submit
def new(request: HttpRequest) -> HttpResponse:
    membership = acting_membership(request)
    form = ListingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        values = form.listing_values(zip_centroid(form.cleaned_data.get("postal_code") or ""))
        today = _local_now(membership.organization).date()
        saved = create_once(
            request,
            create=lambda: add_listing(acting=membership, values=values, verified_on=today),
            location=lambda service: reverse(
                "directory:listing", kwargs={"service_id": service.id}
            ),
        )
        messages.success(request, _("Listing added."))
        return redirect(saved.location)
    return render(request, "directory/listing_form.html", {"form": form, "service": None})


@member_required(*Role.directory_keepers())
def edit(request: HttpRequest, service_id: object) -> HttpResponse:
    membership = acting_membership(request)
    service = _listing(request, service_id)
    form = ListingForm(request.POST or None, instance=service)
    if request.method == "POST" and form.is_valid():
        values = form.listing_values(zip_centroid(form.cleaned_data.get("postal_code") or ""))
        try:
            edit_listing(
                acting=membership,
                service=service,
                values=values,
                expected_version=form.cleaned_data.get("version") or 0,
            )
        except StaleListing as stale:
            messages.error(
                request,
                _(
                    "Someone changed this listing while you were editing. The current listing "
                    "is shown below; nothing was saved. Please make your change again."
                ),
            )
            form = ListingForm(instance=stale.current)
            return render(
                request,
                "directory/listing_form.html",
                {"form": form, "service": stale.current},
                status=409,
            )
        messages.success(request, _("Listing saved."))
        return redirect("directory:listing", service_id=service.id)
    return render(request, "directory/listing_form.html", {"form": form, "service": service})


@require_POST
@member_required(*Role.directory_keepers())
def verify(request: HttpRequest, service_id: object) -> HttpResponse:
    membership = acting_membership(request)
    service = _listing(request, service_id)
    mark_verified(acting=membership, service=service, on=_local_now(membership.organization).date())
    messages.success(request, _("Marked as checked today."))
    if request.POST.get("next") == "keep":
        return redirect("directory:keep")
    return redirect("directory:listing", service_id=service.id)


@member_required(*Role.directory_keepers())
def archive(request: HttpRequest, service_id: object) -> HttpResponse:
    membership = acting_membership(request)
    service = _listing(request, service_id)
    if request.method == "POST":
        archive_listing(acting=membership, service=service)
        messages.success(
            request,
            _("%(service)s is archived; it no longer shows in searches.")
            % {"service": service.name},
        )
        return redirect("directory:keep")
    return render(request, "directory/archive.html", {"service": service})
