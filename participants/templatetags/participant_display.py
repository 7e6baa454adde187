"""Display filters for participant pages."""

from django import template

from lib.phones import for_display

register = template.Library()


@register.filter
def phone(e164: str) -> str:
    """A stored E.164 number the way people in the program's region write it."""
    return for_display(e164)
