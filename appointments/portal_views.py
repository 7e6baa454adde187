"""The participant's own appointments in their portal, and one as an .ics file to keep."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from appointments import ical, selectors
from appointments.models import Appointment
from audit.services import Target, record_page_view
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
        },
    )


@participant_required
def my_appointment_ics(request: HttpRequest, appointment_id: object) -> HttpResponse:
    appointment = owned_or_404(
        request, Appointment, related=("coach",), viewed=True, id=appointment_id
    )
    response = HttpResponse(
        ical.one_appointment(appointment), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="appointment.ics"'
    return response
