"""Template filters that show an audit event's target, fields and role in words (`audit.labels`)."""

from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from audit import labels
from lib.html_text import escape_text
from organizations.models import Role

register = template.Library()


@register.filter
def target_label(target_type: str, target_id: str = "") -> str:
    return labels.target_label(target_type, target_id or "")


@register.filter
def field_labels(names: list[str], target_type: str) -> str:
    return ", ".join(labels.field_label(target_type, name) for name in names or [])


@register.filter
def role_label(role: str) -> str:
    """`manager` -> "Program manager"; an unknown or empty role stays as it was stored."""
    return str(Role(role).label) if role in Role.values else role


@register.simple_tag
def review_table_rows(rows: list[Any]) -> SafeString:
    """The audit review's rows (`oversight.rows.ReviewRow`) as the template loop wrote them, in
    Python: a page of fifty events (oversight/tests/test_review_rows.py compares the two)."""
    their_events = escape_text(gettext("Their events"))
    no_longer = escape_text(gettext("a record no longer in Cairn"))
    written = []
    for r in rows:
        action = escape_text(r.action)
        if r.access_change:
            action = f"<strong>{action}</strong>"
        if r.participant_id:
            name = escape_text(r.name)
            hidden = f": {name}" if r.name else ""
            person = (
                f'{name or no_longer}<br><a href="?participant={escape_text(r.participant_id)}">'
                f'{their_events}<span class="visually-hidden">{hidden}</span></a>'
            )
        else:
            person = "—"
        written.append(
            f"\n  <tr><td>{escape_text(r.when)}</td><td>{escape_text(r.who or '—')}</td>"
            f"<td>{escape_text(r.role or '—')}</td><td>{action}</td>"
            f"<td>{escape_text(r.target)}</td><td>{person}</td>"
            f"<td>{escape_text(r.fields)}</td></tr>\n  "
        )
    return mark_safe("".join(written))  # noqa: S308  # every value escaped above
