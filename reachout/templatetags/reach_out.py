"""`{% acknowledge_form signal %}`: the short "what you did" form beside a signal on Today, with
ids of its own so several signals' radio buttons never share one."""

from typing import Any

from django import template

from reachout.forms import AcknowledgeForm
from reachout.models import Signal

register = template.Library()


@register.inclusion_tag("reachout/_ack_form.html")
def acknowledge_form(signal: Signal) -> dict[str, Any]:
    form = AcknowledgeForm(auto_id=f"ack-{signal.pk.hex[:12]}-%s")
    return {"signal": signal, "form": form, "full": False}
