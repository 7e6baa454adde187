"""Template filters that show an audit event's target, fields and role in words (`audit.labels`)."""

from django import template

from audit import labels
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
