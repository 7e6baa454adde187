"""Display filters and tags for participant pages."""

from typing import Any

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

from lib.phones import for_display
from participants.models import ContactChannel

register = template.Library()

# The fixed words of a reach line, translated once per language: Today and the caseload list
# show one line per person, and a gettext call per word per row was most of their rendering.
_REACH_WORDS: dict[str | None, dict[str, Any]] = {}


def _reach_words() -> dict[str, Any]:
    language = get_language()
    words = _REACH_WORDS.get(language)
    if words is None:
        words = {
            "channels": {value: escape(str(label)) for value, label in ContactChannel.choices},
            "none": gettext("No preference recorded"),
            "safe": gettext("safe times:"),
            "voicemail_ok": gettext("voicemail OK"),
            "no_voicemail": gettext("no voicemail"),
            "no_name": gettext("don't name the organization"),
        }
        # As `{% translate %}` prints a literal's translation: trusted, not escaped.
        for key in ("none", "safe", "voicemail_ok", "no_voicemail", "no_name"):
            words[key] = mark_safe(words[key])  # noqa: S308
        _REACH_WORDS[language] = words
    return words


@register.simple_tag
def reach(p: Any) -> SafeString:
    """How to reach someone: their channels in order, safe times, voicemail, whether the
    organization may be named. The one source of `participants/_reach.html`."""
    words = _reach_words()
    channels = words["channels"]
    labels = [channels[c] for c in p.contact_channels if c in channels]
    parts = [", ".join(labels) if labels else words["none"]]
    if p.safe_times:
        parts.append(f"{words['safe']} {escape(p.safe_times)}")
    parts.append(words["voicemail_ok"] if p.voicemail_ok else words["no_voicemail"])
    if not p.organization_name_ok:
        parts.append(words["no_name"])
    return mark_safe('<span class="reach">' + " · ".join(parts) + "</span>")  # noqa: S308  # escaped above


@register.filter
def phone(e164: str) -> str:
    """A stored E.164 number the way people in the program's region write it."""
    return for_display(e164)
