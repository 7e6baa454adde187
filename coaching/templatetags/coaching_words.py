"""Template filters that show the practice review's readings in words (the review keeps codes)."""

from django import template

from coaching.conversation.review import reading_label

register = template.Library()


@register.filter
def reading(label: str) -> str:
    return reading_label(label)
