"""`{% overdose_today events %}`: Today's post-overdose outreach and "In memory" sections from
the one read `overdose.selectors.for_today` made."""

from typing import Any

from django import template

from overdose.models import OverdoseEvent
from overdose.selectors import today_lists

register = template.Library()


@register.inclusion_tag("overdose/_today.html")
def overdose_today(events: list[OverdoseEvent]) -> dict[str, Any]:
    return today_lists(events)
