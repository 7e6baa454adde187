"""The program's work hours: whether a moment is inside them, and when they next begin.

Hours are wall-clock times in the organization's time zone. Instants are compared in UTC,
because two aware datetimes sharing one ZoneInfo compare by wall clock and would be an hour
wrong on the nights the clocks change.
"""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from reachout.models import ReachOutSettings

LOOK_AHEAD_DAYS = 8  # a week of days, and the same weekday again


def _span(settings: ReachOutSettings, day: datetime, zone: ZoneInfo) -> tuple[datetime, datetime]:
    start = datetime.combine(day.date(), settings.work_starts, tzinfo=zone)
    end = datetime.combine(day.date(), settings.work_ends, tzinfo=zone)
    return start.astimezone(UTC), end.astimezone(UTC)


def back_at(settings: ReachOutSettings, at: datetime, zone: ZoneInfo) -> datetime | None:
    """None when `at` is within work hours (or the program keeps none); otherwise when the
    next work hours begin, as an aware datetime in the organization's zone."""
    days = {int(day) for day in settings.work_days or []}
    if not days or settings.work_starts >= settings.work_ends:
        return None
    moment = at.astimezone(UTC)
    local = at.astimezone(zone)
    for ahead in range(LOOK_AHEAD_DAYS):
        day = local + timedelta(days=ahead)
        if day.weekday() not in days:
            continue
        start, end = _span(settings, day, zone)
        if start <= moment < end:
            return None
        if moment < start:
            return start.astimezone(zone)
    return None


def back_at_for(settings: ReachOutSettings, at: datetime) -> datetime | None:
    """`back_at` in the settings' organization's own time zone."""
    return back_at(settings, at, ZoneInfo(settings.organization.time_zone))


def coach_back_at(organization: object, at: datetime) -> datetime | None:
    """When coaches are next at work, if `at` is outside the program's hours."""
    from reachout.selectors import settings_for

    return back_at_for(settings_for(organization), at)  # type: ignore[arg-type]
