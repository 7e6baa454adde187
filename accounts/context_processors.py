"""Session timing for the idle sign-out warning: shorter on a shared phone or computer."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from accounts.sessions import idle_timeout_minutes, is_shared_device


def session_settings(request: HttpRequest) -> dict[str, Any]:
    signed_in = request.user.is_authenticated
    minutes = idle_timeout_minutes(request) if signed_in else settings.CAIRN_IDLE_TIMEOUT_MINUTES
    return {
        "idle_timeout_seconds": minutes * 60,
        "idle_warning_seconds": settings.CAIRN_IDLE_WARNING_SECONDS,
        "idle_timeout_minutes": minutes,
        "shared_device": signed_in and is_shared_device(request),
    }
