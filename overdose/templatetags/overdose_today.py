"""`{% overdose_today events %}`: Today's post-overdose outreach and "In memory" sections from
the one read `overdose.selectors.for_today` made."""

from typing import Any

from django import template

from overdose.models import OverdoseEvent, outreach_steps
from overdose.selectors import today_lists

register = template.Library()


@register.inclusion_tag("overdose/_today.html")
def overdose_today(events: list[OverdoseEvent]) -> dict[str, Any]:
    return today_lists(events)


@register.filter(name="outreach_steps")
def outreach_steps_filter(written: str | None) -> list[str]:
    """The program's steps as read with Today's events (`plan_steps`), or the default ones."""
    return outreach_steps(written)
