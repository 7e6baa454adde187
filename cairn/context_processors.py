"""The staff navigation's counted links (Today, Messages, Notes to co-sign, Texts to place), read
only when a page's navigation shows them: htmx partials and participants' pages make no query."""

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from cairn.nav_selectors import COUNTED_ROLES, nav_counts


def staff_nav(request: HttpRequest) -> dict[str, Any]:
    membership = getattr(request, "membership", None)
    if membership is None or membership.role not in COUNTED_ROLES:
        return {}
    return {
        "nav_counts": SimpleLazyObject(
            lambda: nav_counts(membership=membership, today=timezone.localdate())
        )
    }
