"""Template filters that show an audit event's target and fields in words (`audit.labels`)."""

from django import template

from audit import labels

register = template.Library()


@register.filter
def target_label(target_type: str) -> str:
    return labels.target_label(target_type)


@register.filter
def field_labels(names: list[str], target_type: str) -> str:
    return ", ".join(labels.field_label(target_type, name) for name in names or [])
