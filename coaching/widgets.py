"""Widget attributes that attach the inline language checker to a text field."""

from django.urls import reverse


def language_check_attrs(field_name: str) -> dict[str, str]:
    return {
        "hx-post": f"{reverse('coaching:check')}?field={field_name}",
        "hx-trigger": "input changed delay:700ms, load",
        "hx-target": f"#lang-{field_name}",
        "hx-swap": "innerHTML",
        "hx-sync": "this:replace",
        "hx_lang": "1",
    }
