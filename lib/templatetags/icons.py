"""{% icon "name" %}: a vendored Heroicon (static/cairn/icons/, see scripts/vendor_icons.py)
inlined as decorative SVG beside visible text. An icon never carries meaning alone: a control
showing only an icon needs its own accessible name (aria-label or visually hidden text)."""

import functools
import re

from django import template
from django.conf import settings
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

ICON_DIR = settings.BASE_DIR / "static" / "cairn" / "icons"
NAME = re.compile(r"^[a-z0-9-]+$")
SVG_OPEN = re.compile(r"<svg\b[^>]*>")


@functools.cache
def icon_svg(name: str, css_class: str = "icon") -> SafeString:
    """The icon's SVG with the attributes every inline icon needs, read from disk once per
    process. An unknown name fails loudly in development and tests (a typo would otherwise
    leave a blank space)."""
    if not NAME.match(name):
        raise ValueError(f"not an icon name: {name!r}")
    path = ICON_DIR / f"{name}.svg"
    if not path.is_file():
        raise ValueError(f"no vendored icon {name!r}: add it to scripts/vendor_icons.py")
    body = path.read_text(encoding="utf-8").strip()
    opening = (
        f'<svg class="{escape(css_class)}" xmlns="http://www.w3.org/2000/svg" fill="none" '
        'viewBox="0 0 24 24" stroke-width="1.5" stroke="currentColor" aria-hidden="true" '
        'focusable="false">'
    )
    return mark_safe(SVG_OPEN.sub(opening, body, count=1))  # noqa: S308  # our own files


@register.simple_tag
def icon(name: str, css_class: str = "icon") -> SafeString:
    return icon_svg(name, css_class)


def vendored_icons() -> list[str]:
    """Every icon name {% icon %} can show, A to Z."""
    return sorted(path.stem for path in ICON_DIR.glob("*.svg"))
