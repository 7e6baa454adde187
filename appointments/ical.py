"""Appointments as iCalendar (RFC 5545) through the `icalendar` library: a coach's private feed,
whose titles never name a participant, and one appointment for the participant to keep."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from appointments.models import Appointment, CalendarFeed, Status, TitleStyle
from directory.models import Service, Weekday
from participants.templatetags.participant_display import family_initial

PRODUCT = "-//Cairn//Appointments//EN"


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    return calendar


def initials(appointment: Appointment) -> str:
    person = appointment.participant
    if person is None:
        return ""
    first = (person.preferred_name or "?").strip()[:1].upper()
    family = family_initial(person.legal_name).strip(".").strip()
    return f"{first}. {family}." if family else f"{first}."


def feed_title(appointment: Appointment, feed: CalendarFeed) -> str:
    """A group's sessions say "Group session"; a person's never carry their name."""
    if appointment.group_id is not None:
        return _("Group session")
    if feed.title_style == TitleStyle.INITIALS:
        return _("Check-in with %(initials)s") % {"initials": initials(appointment)}
    return _("Check-in")


def _event(appointment: Appointment, summary: str, *, place: str) -> Event:
    event = Event()
    event.add("uid", f"{appointment.id}@cairn")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", appointment.starts_at)
    event.add("dtend", appointment.starts_at + timedelta(minutes=appointment.duration_minutes))
    event.add("summary", summary)
    event.add("sequence", appointment.version)
    if appointment.status == Status.CANCELLED:
        event.add("status", "CANCELLED")
    else:
        event.add("status", "CONFIRMED")
    if place:
        event.add("location", place)
    return event


def coach_feed(feed: CalendarFeed, appointments: list[Appointment]) -> bytes:
    calendar = _calendar(_("Cairn appointments"))
    for appointment in appointments:
        place = appointment.place if feed.show_place else ""
        calendar.add_component(_event(appointment, feed_title(appointment, feed), place=place))
    return bytes(calendar.to_ical())


def one_appointment(appointment: Appointment) -> bytes:
    """The participant's own appointment, with whom and where (it is theirs)."""
    coach = appointment.coach
    name = getattr(coach, "display_name", "") or coach.get_username()
    calendar = _calendar(_("My appointment"))
    summary = _("Appointment with %(coach)s") % {"coach": name}
    calendar.add_component(_event(appointment, summary, place=appointment.place))
    return bytes(calendar.to_ical())


def group_session(appointment: Appointment) -> bytes:
    """A group session for a participant's own calendar: "Group session" and the place, never
    the group's name (a phone's calendar is seen by others); what to expect in the notes."""
    calendar = _calendar(_("Group session"))
    event = _event(appointment, _("Group session"), place=appointment.place)
    about = appointment.group.about if appointment.group is not None else ""
    if about:
        event.add("description", about)
    calendar.add_component(event)
    return bytes(calendar.to_ical())


def _next_on(weekday: str, today: date) -> date:
    ahead = (list(Weekday.values).index(weekday) - today.weekday()) % 7
    return today + timedelta(days=ahead)


def weekly_meeting(service: Service, *, zone: ZoneInfo, today: date) -> bytes:
    """A community meeting from the directory, every week at its listed times (one repeating
    event per listed day, in the program's time zone so it keeps its clock time over the
    daylight-saving changes). The title says "Meeting"; its name is in the notes."""
    calendar = _calendar(_("Meeting"))
    location = getattr(service, "location", None)
    place = ", ".join(p for p in [location.name, location.one_line()] if p) if location else ""
    for schedule in service.schedules.all():
        day = _next_on(schedule.byday, today)
        starts = datetime.combine(day, schedule.opens_at, tzinfo=zone)
        ends_on = day + timedelta(days=1) if schedule.overnight else day
        event = Event()
        event.add("uid", f"{service.id}-{schedule.byday}@cairn")
        event.add("dtstamp", timezone.now())
        event.add("dtstart", starts)
        event.add("dtend", datetime.combine(ends_on, schedule.closes_at, tzinfo=zone))
        event.add("rrule", {"freq": "weekly", "byday": schedule.byday})
        event.add("summary", _("Meeting"))
        event.add("description", service.name)
        if place:
            event.add("location", place)
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())
