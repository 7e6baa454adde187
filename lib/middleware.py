"""Request-wide context: a request id for tracing and the client address for the audit trail."""

import logging
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from lib.crypto import TamperedCiphertext
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


logger = logging.getLogger("cairn.integrity")


class IntegrityFailureMiddleware:
    """A record whose encrypted text fails authentication is never shown: calm page, audit row."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, TamperedCiphertext):
            return None
        from audit.models import Action
        from audit.services import Target, record_event

        logger.error("encrypted text failed authentication on %s", request.path)
        membership = getattr(request, "membership", None)
        user = (
            request.user
            if getattr(request, "user", None) and request.user.is_authenticated
            else None
        )
        record_event(
            action=Action.INTEGRITY_FAILURE,
            actor=user,
            organization=getattr(request, "organization", None),
            role=membership.role if membership else "",
            target=Target(
                type="url",
                id=(request.resolver_match.view_name if request.resolver_match else "")[:64],
            ),
        )
        return render(request, "errors/integrity.html", status=500)


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
