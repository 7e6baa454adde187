"""Request-wide context: a request id for tracing and the client address for the audit trail."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from lib.request_context import RequestInfo, bind_request_info, new_request_id, unbind_request_info


def client_ip(request: HttpRequest) -> str | None:
    """The client address, trusting X-Forwarded-For only when a proxy count is configured."""
    proxies = settings.CAIRN_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = new_request_id()
        request.request_id = request_id  # type: ignore[attr-defined]
        token = bind_request_info(RequestInfo(request_id=request_id, ip=client_ip(request)))
        try:
            response = self.get_response(request)
        finally:
            unbind_request_info(token)
        response["X-Request-ID"] = request_id
        # Participant pages must never sit in a shared browser's cache.
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            response.setdefault("Cache-Control", "no-store, private")
        return response
