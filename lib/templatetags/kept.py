"""{% kept_include "template" value ... %}: an include rendered once per process for each set of
the values it depends on (and the language and URL prefix), then reused.

For fragments every page repeats whose output depends on a few small values only: the staff
navigation (about 40 links, icons and translations) took 1.5 ms of each staff page. The values
given must be everything the fragment reads; the fragment says which in its first line, and
`lib/tests/test_kept_include.py` renders it both ways for every role and section."""

from typing import Any

from django import template
from django.conf import settings
from django.urls import get_script_prefix
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

register = template.Library()

KEPT_LIMIT = 1000  # fragments kept per process before starting afresh
_kept: dict[tuple[Any, ...], SafeString] = {}


@register.simple_tag(takes_context=True)
def kept_include(context: template.Context, name: str, *depends_on: Any) -> SafeString:
    key = (name, get_language(), get_script_prefix(), *depends_on)
    html = None if settings.DEBUG else _kept.get(key)  # while developing, edits show at once
    if html is None:
        fragment = context.template.engine.get_template(name)  # type: ignore[union-attr]
        with context.push():
            html = mark_safe(fragment.render(context))  # noqa: S308  # a template's own output
        if len(_kept) >= KEPT_LIMIT:
            _kept.clear()
        _kept[key] = html
    return html
