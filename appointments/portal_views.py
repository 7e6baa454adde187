"""The participant's own appointments in their portal, and one as an .ics file to keep; the
program's groups and the community meetings from its directory, each for their calendar."""

import uuid
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from appointments import ical, selectors
from appointments.forms import MyRemindersForm
from appointments.models import Appointment
from appointments.reminder_services import TextingHours, save_reminder_choice
from audit.services import Target, record_page_view
from directory.selectors import meeting_for_portal, meetings_for_portal
from organizations.access import acting_membership
from participants.access import owned_or_404
from portal.access import own_participant, participant_required


@participant_required
def my_appointments(request: HttpRequest) -> HttpResponse:
    participant = own_participant(request)
    record_page_view(
        request=request,
        target=Target(type="portal.appointments", id="upcoming"),
        participant_id=participant.id,
    )
    return render(
        request,
        "appointments/portal_list.html",
        {
            "participant": participant,
            "appointments": selectors.upcoming_for_participant(participant),
            "choice": selectors.reminder_choice_of(participant),
        },
    )


def _calendar_file(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@participant_required
def my_appointment_ics(request: HttpRequest, appointment_id: object) -> HttpResponse:
    appointment = owned_or_404(
        request, Appointment, related=("coach",), viewed=True, id=appointment_id
    )
    return _calendar_file(ical.one_appointment(appointment), "appointment.ics")


@participant_required
def my_reminders(request: HttpRequest) -> HttpResponse:
    """The participant's own reminder choice and the hours texts may arrive."""
    participant = own_participant(request)
    choice = selectors.reminder_choice_of(participant)
    form = MyRemindersForm(
        request.POST or None,
        initial={
            **MyRemindersForm.initial_from(choice),
            "texts_from": participant.texts_from,
            "texts_until": participant.texts_until,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        save_reminder_choice(
            acting=acting_membership(request),
            participant=participant,
            wanted=data["wanted"],
            lead=data["lead"],
            way=data["way"],
            groups=data["groups"],
            hours=TextingHours(opens=data["texts_from"], closes=data["texts_until"]),
        )
        messages.success(request, _("Saved. Your reminders follow your choice."))
        return redirect("portal_appointments:list")
    if request.method != "POST":
        record_page_view(
            request=request,
            target=Target(type="portal.reminders", id=str(participant.id)),
            participant_id=participant.id,
        )
    return render(
        request,
        "appointments/portal_reminders.html",
        {"form": form, "participant": participant, "can_text": participant.may_text()},
    )


def _by_group(sessions: list[Appointment]) -> list[dict[str, Any]]:
    """Sessions under their group, groups in the order of their next session."""
    found: dict[object, dict[str, Any]] = {}
    for session in sessions:
        found.setdefault(session.group_id, {"group": session.group, "sessions": []})
        found[session.group_id]["sessions"].append(session)
    return list(found.values())


@participant_required
def groups_and_meetings(request: HttpRequest) -> HttpResponse:
    """The program's group sessions of the next four weeks (open groups and one's own) and the
    mutual-aid meetings in its directory."""
    participant = own_participant(request)
    record_page_view(
        request=request,
        target=Target(type="portal.meetings", id="list"),
        participant_id=participant.id,
    )
    return render(
        request,
        "appointments/portal_meetings.html",
        {
            "participant": participant,
            "groups": _by_group(selectors.group_sessions_for_portal(participant)),
            "meetings": meetings_for_portal(participant.organization),
        },
    )


@participant_required
def group_session_ics(request: HttpRequest, appointment_id: uuid.UUID) -> HttpResponse:
    participant = own_participant(request)
    session = selectors.group_session_for_portal(participant, appointment_id)
    record_page_view(
        request=request,
        target=Target(type="appointments.appointment", id=str(session.id)),
        participant_id=participant.id,
    )
    return _calendar_file(ical.group_session(session), "group-session.ics")


@participant_required
def meeting_ics(request: HttpRequest, service_id: uuid.UUID) -> HttpResponse:
    participant = own_participant(request)
    meeting = meeting_for_portal(participant.organization, service_id)
    record_page_view(
        request=request,
        target=Target(type="directory.service", id=str(meeting.id)),
        participant_id=participant.id,
    )
    zone = ZoneInfo(participant.organization.time_zone)
    content = ical.weekly_meeting(meeting, zone=zone, today=timezone.localdate())
    return _calendar_file(content, "meeting.ics")
