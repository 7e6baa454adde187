"""How a reassessment point reads on a page: one source for `assessments/_point.html` and the
rows of Today's "Reassessments due", which lists up to fifty people."""

from functools import lru_cache
from typing import Any

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

from assessments.schedule import Point, State
from lib.when import show_date

register = template.Library()


def _day(value: Any) -> str:
    return escape(show_date(value))


@register.simple_tag
def point_text(point: Point) -> SafeString:
    """ "Day 30: due by 1 Dec 2026" and the like, as `{% blocktranslate %}` would print it (the
    translation as written, the dates escaped)."""
    return _point_line(point, get_language())


# Written once per process for each point and language: Today lists up to fifty people.
@lru_cache(maxsize=4096)
def _point_line(point: Point, language: str | None) -> SafeString:
    if point.is_baseline:
        name = gettext("Baseline")
    else:
        name = gettext("Day %(days)s") % {"days": escape(point.offset_days)}
    due = _day(point.due_on)
    if point.state == State.DONE:
        text = gettext("done on %(day)s") % {"day": _day(point.done_on)}
    elif point.state == State.DUE:
        text = gettext("due by %(day)s") % {"day": due}
    elif point.state == State.OVERDUE:
        text = gettext("was due %(day)s; still counts until %(until)s") % {
            "day": due,
            "until": _day(point.window_end),
        }
    elif point.state == State.UPCOMING:
        text = gettext("due %(day)s (can be done from %(start)s)") % {
            "day": due,
            "start": _day(point.window_start),
        }
    elif point.state == State.MISSED:
        text = gettext("not done in its window (due %(day)s)") % {"day": due}
    else:
        text = gettext("after the break")
    return mark_safe(f"{name}: {text}")  # noqa: S308  # the values are escaped above
