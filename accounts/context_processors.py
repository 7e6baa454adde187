"""Session timing for the idle sign-out warning."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def session_settings(request: HttpRequest) -> dict[str, Any]:
    return {
        "idle_timeout_seconds": settings.CAIRN_IDLE_TIMEOUT_MINUTES * 60,
        "idle_warning_seconds": settings.CAIRN_IDLE_WARNING_SECONDS,
        "idle_timeout_minutes": settings.CAIRN_IDLE_TIMEOUT_MINUTES,
    }
