"""The portal home card's data, loaded by the card itself so the home page stays as it is."""

from typing import Any

from django import template

from inbox.selectors import home_card
from participants.models import Participant

register = template.Library()


@register.simple_tag
def message_card(participant: Participant) -> dict[str, Any]:
    return home_card(participant)
