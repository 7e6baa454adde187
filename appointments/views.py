"""A coach's day and week, booking, moving, cancelling and recording appointments, and the
private calendar feed's settings and address."""

from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from appointments import ical, selectors
from appointments.forms import (
    BookForm,
    CalendarBookForm,
    CancelForm,
    FeedChoicesForm,
    MoveForm,
    OutcomeForm,
    ReminderChoiceForm,
)
from appointments.models import Appointment, CalendarFeed, Status
from appointments.reminder_services import save_reminder_choice
from appointments.services import (
    Repeat,
    StaleAppointment,
    book_appointment,
    cancel_appointment,
    local_start,
    make_feed_address,
    move_appointment,
    record_outcome,
    revoke_feed,
    save_feed_choices,
)
from audit.services import Target, record_page_view
from groups.models import Group
from lib.once import create_once, one_time_submit
from organizations.access import acting_membership, member_required, visible_or_404
from organizations.models import Role
from participants.access import participant_or_404
from participants.models import Participant, ParticipantStatus

WRITERS = Role.care_team()  # who books and changes appointments


def _parse_day(raw: str | None) -> date | None:
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


@member_required(*WRITERS)
def calendar(request: HttpRequest) -> HttpResponse:
    """The day (?day=) or the week (?week=, the week holding that date; the default)."""
    today = timezone.localdate()
    day = _parse_day(request.GET.get("day"))
    if day is not None:
        start, days, view = day, 1, "day"
    else:
        anchor = _parse_day(request.GET.get("week")) or today
        start, days, view = anchor - timedelta(days=anchor.weekday()), 7, "week"
    membership = acting_membership(request)
    rows = selectors.coach_calendar(membership=membership, start=start, days=days)
    columns = [
        {
            "day": start + timedelta(days=i),
            "rows": [r for r in rows if timezone.localdate(r.starts_at) == start + timedelta(i)],
        }
        for i in range(days)
    ]
    # Many people's appointments on one page: one view event naming the page.
    record_page_view(
        request=request, target=Target(type="appointments.calendar", id=start.isoformat())
    )
    step = timedelta(days=days)
    param = "day" if view == "day" else "week"
    return render(
        request,
        "appointments/calendar.html",
        {
            "view": view,
            "start": start,
            "end": start + timedelta(days=days - 1),
            "columns": columns,
            "count": len([r for r in rows if r.status != Status.CANCELLED]),
            "today": today,
            "previous_url": f"?{param}={(start - step).isoformat()}",
            "next_url": f"?{param}={(start + step).isoformat()}",
            "today_url": f"?{param}={today.isoformat()}",
            "other_view_url": f"?week={start.isoformat()}"
            if view == "day"
            else f"?day={(today if start <= today < start + step else start).isoformat()}",
        },
    )


def _repeat(data: dict[str, Any]) -> Repeat | None:
    every = int(data.get("repeat") or 0)
    if not every:
        return None
    return Repeat(every_weeks=every, until=data.get("until"), count=data.get("count"))


def _book(
    request: HttpRequest,
    data: dict[str, Any],
    *,
    participant: Participant | None,
    group: Group | None,
) -> HttpResponse:
    membership = acting_membership(request)
    starts_at = local_start(
        organization_zone=membership.organization.time_zone, day=data["day"], at=data["start"]
    )
    saved = create_once(
        request,
        create=lambda: book_appointment(
            acting=membership,
            participant=participant,
            group=group,
            starts_at=starts_at,
            duration_minutes=data["duration_minutes"],
            mode=data["mode"],
            place=data["place"],
            repeat=_repeat(data),
        ),
        location=lambda a: (
            reverse("appointments:calendar")
            + f"?week={timezone.localdate(a.starts_at).isoformat()}"
        ),
    )
    messages.success(request, _("Appointment booked."))
    return redirect(saved.location)


@member_required(*WRITERS)
@one_time_submit
def book(request: HttpRequest, participant_id: object) -> HttpResponse:
    """Book with one participant (from their overview)."""
    participant = participant_or_404(request, participant_id)
    form = BookForm(request.POST or None, initial={"day": timezone.localdate() + timedelta(1)})
    if request.method == "POST" and form.is_valid():
        return _book(request, form.cleaned_data, participant=participant, group=None)
    return render(request, "appointments/book.html", {"form": form, "participant": participant})


@member_required(*WRITERS)
@one_time_submit
def new(request: HttpRequest) -> HttpResponse:
    """Book from the calendar: with someone on the coach's caseload or one of their groups."""
    membership = acting_membership(request)
    people = Participant.objects.visible_to(request.user, membership.organization).filter(
        status__in=ParticipantStatus.open(), coach=membership.user
    )
    groups = Group.objects.visible_to(request.user, membership.organization).filter(is_active=True)
    people_list = sorted(people.only("id", "preferred_name"), key=lambda p: p.preferred_name)
    groups_list = sorted(groups, key=lambda g: g.name)
    initial_day = _parse_day(request.GET.get("day")) or timezone.localdate() + timedelta(1)
    form = CalendarBookForm(
        request.POST or None, people=people_list, groups=groups_list, initial={"day": initial_day}
    )
    if request.method == "POST" and form.is_valid():
        kind, _sep, pk = form.cleaned_data["who"].partition(":")
        if kind == "p":
            participant = participant_or_404(request, pk)
            return _book(request, form.cleaned_data, participant=participant, group=None)
        group = visible_or_404(groups, request, id=pk)
        return _book(request, form.cleaned_data, participant=None, group=group)
    # The form lists the coach's people by name: one view event naming the page.
    record_page_view(request=request, target=Target(type="appointments.new", id="form"))
    return render(request, "appointments/book.html", {"form": form, "participant": None})


def _appointment(request: HttpRequest, appointment_id: object, *, viewed: bool) -> Appointment:
    return selectors.appointment_or_404(request, appointment_id, viewed=viewed)


def _stale(request: HttpRequest, appointment: Appointment) -> HttpResponse:
    messages.error(
        request,
        _("Someone changed this appointment while you were looking at it. Here it is now."),
    )
    return redirect("appointments:detail", appointment_id=appointment.id)


@member_required(*Role.with_participant_access())
def detail(request: HttpRequest, appointment_id: object) -> HttpResponse:
    appointment = _appointment(request, appointment_id, viewed=True)
    can_write = acting_membership(request).role in WRITERS
    return render(
        request,
        "appointments/detail.html",
        {
            "appointment": appointment,
            "can_write": can_write and appointment.is_upcoming,
            "can_record": can_write and appointment.status in Status.upcoming(),
            "outcome_form": OutcomeForm(initial={"version": appointment.version}),
            "reminders": selectors.reminders_of(appointment),
        },
    )


@member_required(*WRITERS)
def move(request: HttpRequest, appointment_id: object) -> HttpResponse:
    appointment = _appointment(request, appointment_id, viewed=request.method != "POST")
    if not appointment.is_upcoming:
        raise Http404
    local = timezone.localtime(appointment.starts_at)
    form = MoveForm(
        request.POST or None,
        initial={
            "day": local.date(),
            "start": local.time().replace(second=0, microsecond=0),
            "duration_minutes": appointment.duration_minutes,
            "version": appointment.version,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        membership = acting_membership(request)
        starts_at = local_start(
            organization_zone=membership.organization.time_zone, day=data["day"], at=data["start"]
        )
        try:
            move_appointment(
                acting=membership,
                appointment=appointment,
                starts_at=starts_at,
                duration_minutes=data["duration_minutes"],
                expected_version=data["version"],
                following=data["following"],
            )
        except StaleAppointment as stale:
            return _stale(request, stale.current)
        messages.success(request, _("Appointment moved."))
        return redirect("appointments:detail", appointment_id=appointment.id)
    return render(request, "appointments/move.html", {"form": form, "appointment": appointment})


@member_required(*WRITERS)
def cancel(request: HttpRequest, appointment_id: object) -> HttpResponse:
    appointment = _appointment(request, appointment_id, viewed=request.method != "POST")
    if not appointment.is_upcoming:
        raise Http404
    form = CancelForm(request.POST or None, initial={"version": appointment.version})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            cancel_appointment(
                acting=acting_membership(request),
                appointment=appointment,
                cancelled_by=data["cancelled_by"],
                reason=data["reason"],
                expected_version=data["version"],
                following=data["following"],
            )
        except StaleAppointment as stale:
            return _stale(request, stale.current)
        messages.success(request, _("Appointment cancelled."))
        return redirect("appointments:detail", appointment_id=appointment.id)
    return render(request, "appointments/cancel.html", {"form": form, "appointment": appointment})


@require_POST
@member_required(*WRITERS)
def outcome(request: HttpRequest, appointment_id: object) -> HttpResponse:
    appointment = _appointment(request, appointment_id, viewed=False)
    form = OutcomeForm(request.POST)
    if not form.is_valid() or appointment.status not in Status.upcoming():
        messages.error(request, _("Choose whether the appointment happened."))
        return redirect("appointments:detail", appointment_id=appointment.id)
    try:
        record_outcome(
            acting=acting_membership(request),
            appointment=appointment,
            status=form.cleaned_data["status"],
            expected_version=form.cleaned_data["version"],
        )
    except StaleAppointment as stale:
        return _stale(request, stale.current)
    messages.success(request, _("Saved."))
    return redirect("appointments:detail", appointment_id=appointment.id)


@member_required(*WRITERS)
def feed_settings(request: HttpRequest) -> HttpResponse:
    """The coach's private calendar address: make, make anew, stop; and what its events say."""
    membership = acting_membership(request)
    feed = selectors.feed_of(membership)
    form = FeedChoicesForm(
        request.POST if request.POST.get("action") == "choices" else None,
        instance=feed or CalendarFeed(),
    )
    new_address = ""
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "choices" and form.is_valid():
            save_feed_choices(
                acting=membership,
                title_style=form.cleaned_data["title_style"],
                show_place=form.cleaned_data["show_place"],
            )
            messages.success(request, _("Saved."))
            return redirect("appointments:feed_settings")
        if action == "make":
            token = make_feed_address(acting=membership)
            new_address = request.build_absolute_uri(
                reverse("appointments_feed", kwargs={"token": token})
            )
            feed = selectors.feed_of(membership)
        elif action == "revoke":
            if revoke_feed(acting=membership):
                messages.success(request, _("The calendar address no longer works."))
            return redirect("appointments:feed_settings")
    return render(
        request,
        "appointments/feed_settings.html",
        {
            "form": form,
            "feed": feed,
            "live": feed is not None and feed.token_hash is not None,
            "new_address": new_address,
        },
    )


def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The feed itself: no session, the secret in the address is the key; 404 when unknown."""
    found = selectors.feed_for_token(token)
    if found is None:
        raise Http404
    body = ical.coach_feed(found, selectors.feed_appointments(found))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


@member_required(*WRITERS)
def reminders(request: HttpRequest, participant_id: object) -> HttpResponse:
    """The person's reminder choice, recorded by their coach with them."""
    participant = participant_or_404(request, participant_id)
    choice = selectors.reminder_choice_of(participant)
    form = ReminderChoiceForm(request.POST or None, initial=ReminderChoiceForm.initial_from(choice))
    if request.method == "POST" and form.is_valid():
        save_reminder_choice(
            acting=acting_membership(request),
            participant=participant,
            wanted=form.cleaned_data["wanted"],
            lead=form.cleaned_data["lead"],
            way=form.cleaned_data["way"],
            groups=form.cleaned_data["groups"],
        )
        messages.success(request, _("Reminder choice saved."))
        return redirect("participants:detail", participant_id=participant.id)
    if request.method != "POST":
        record_page_view(
            request=request,
            target=Target(type="appointments.reminderchoice", id=str(participant.id)),
            participant_id=participant.id,
        )
    return render(
        request,
        "appointments/reminders.html",
        {"form": form, "participant": participant, "choice": choice},
    )
