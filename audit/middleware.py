"""Requests whose stored data failed its integrity check: a calm page and an audit row."""

import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from audit.models import Action
from audit.services import Target, record_event
from lib.crypto import TamperedCiphertext

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
