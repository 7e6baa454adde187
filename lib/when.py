"""The one place dates and times are written for people: one date style, the organization's clock.

Dates read "4 Dec 2026" (Spanish "4 dic 2026", through Django's localised month names); times
follow the organization's 12- or 24-hour setting ("5:05 PM" or "17:05"). Templates use the filters
in `lib/templatetags/when.py`; Python text (notices, messages, documents) calls these functions.
Machine columns (CSV, ISO attributes) do not come through here.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime, time
from functools import lru_cache
from typing import overload

from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.translation import get_language, pgettext

TWELVE = "12"
TWENTY_FOUR = "24"

_TIME = {TWELVE: "g:i A", TWENTY_FOUR: "H:i"}

# The clock of the organization the current request acts in, bound by its middleware.
_clock: ContextVar[str] = ContextVar("cairn_clock", default=TWELVE)


def current_clock() -> str:
    return _clock.get()


@contextmanager
def clock_override(clock: str | None) -> Iterator[None]:
    """Write times on this clock inside the block (a request, or a job for one organization)."""
    token = _clock.set(clock if clock in _TIME else TWELVE)
    try:
        yield
    finally:
        _clock.reset(token)


@overload
def _local(value: datetime) -> datetime: ...
@overload
def _local(value: date) -> date: ...
def _local(value: date | datetime) -> date | datetime:
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def _date_style() -> str:
    # A Django date format, translated so each language writes its own month ("dic" in Spanish).
    return pgettext("date style", "j M Y")


def _weekday_style() -> str:
    return pgettext("date style", "l j M Y")


def _time_format(clock: str | None) -> str:
    return _TIME.get(clock or current_clock(), _TIME[TWELVE])


def show_date(value: date | datetime | None) -> str:
    """ "4 Dec 2026"."""
    if not value:
        return ""
    local = _local(value)
    day = local.date() if isinstance(local, datetime) else local
    return _written_day(day, get_language())


@lru_cache(maxsize=4096)
def _written_day(day: date, language: str | None) -> str:
    # A page writes the same days many times (a coach's Today at state scale: 227 dates, 50
    # distinct days): each is formatted once per language and process. `language` is the
    # active one, which the style and the month names follow; it is passed to be in the key.
    return date_format(day, _date_style())


def show_month(value: date | datetime | None) -> str:
    """ "December 2026"."""
    return date_format(_local(value), pgettext("date style", "F Y")) if value else ""


def show_weekday(value: date | datetime | None) -> str:
    """ "Friday 4 Dec 2026"."""
    return date_format(_local(value), _weekday_style()) if value else ""


def show_time(value: time | datetime | None, *, clock: str | None = None) -> str:
    """ "5:05 PM" or "17:05"."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = _local(value).time()
    return _written_time(value.hour, value.minute, _time_format(clock), get_language())


@lru_cache(maxsize=4096)
def _written_time(hour: int, minute: int, style: str, language: str | None) -> str:
    # Both clocks write hours and minutes only; the language is the active one (AM/PM words).
    return time_format(time(hour, minute), style)


def show_datetime(value: datetime | None, *, clock: str | None = None) -> str:
    """ "4 Dec 2026, 5:05 PM" or "4 Dec 2026, 17:05"."""
    if value is None:
        return ""
    return f"{show_date(value)}, {show_time(value, clock=clock)}"


def show_weekday_time(value: datetime | None, *, clock: str | None = None) -> str:
    """ "Friday 4 Dec 2026, 5:05 PM"."""
    if value is None:
        return ""
    return f"{show_weekday(value)}, {show_time(value, clock=clock)}"


def time_input_help(clock: str | None = None) -> str:
    """What a time field's help text says about the format typed (see the settings form)."""
    return "17:05" if (clock or current_clock()) == TWENTY_FOUR else "5:05 PM"
