"""Template filters for dates and times: the only place a template formats one (see lib/when.py).

Loaded as a builtin, so every template has `|show_date`, `|show_time`, `|show_datetime`,
`|show_weekday`, `|show_weekday_time`, `|iso` and `{% today_date %}`."""

from datetime import date, datetime, time
from typing import Any

from django import template
from django.utils import timezone

from lib import when
from lib.form_rendering import format_hint

register = template.Library()


@register.filter(expects_localtime=True)
def show_date(value: date | datetime | None) -> str:
    return when.show_date(value)


@register.filter(expects_localtime=True)
def show_weekday(value: date | datetime | None) -> str:
    return when.show_weekday(value)


@register.filter(expects_localtime=True)
def show_time(value: time | datetime | None) -> str:
    return when.show_time(value)


@register.filter(expects_localtime=True)
def show_month(value: date | datetime | None) -> str:
    return when.show_month(value)


@register.filter(expects_localtime=True)
def show_datetime(value: datetime | None) -> str:
    return when.show_datetime(value)


@register.filter(expects_localtime=True)
def show_weekday_time(value: datetime | None) -> str:
    return when.show_weekday_time(value)


@register.filter(expects_localtime=True)
def iso(value: Any) -> str:
    """For machines: a <time datetime> attribute or an <input type="date"> value."""
    if not value:
        return ""
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return str(value.isoformat())


@register.simple_tag
def today_date(weekday: bool = False) -> str:
    today = timezone.localdate()
    return when.show_weekday(today) if weekday else when.show_date(today)


@register.simple_tag(name="format_hint")
def format_hint_tag(input_type: str) -> str:
    """The help text of a hand-written date or time input (see lib/form_rendering)."""
    return format_hint(input_type)
