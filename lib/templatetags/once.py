"""`{% one_time_key %}`: the hidden one-time key (lib.once) for a small POST form that has no
Django form of its own, such as one of many buttons in a list; a fresh key each time it shows."""

import uuid

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from lib.once import KEY_FIELD

register = template.Library()


@register.simple_tag
def one_time_key() -> SafeString:
    return format_html('<input type="hidden" name="{}" value="{}">', KEY_FIELD, uuid.uuid4())
