"""Project-wide pages: the health check, calm error pages that reveal nothing, and the shape of a
removal that asks first."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any database failure means "not ok"
        return JsonResponse({"status": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})


def _calm_page(request: HttpRequest, template: str, status: int) -> HttpResponse:
    """An error page, with the usual header when the request got far enough to have one.

    A request refused early (an unknown `Host`, refused before sign-in is read) has no
    `request.user` for the context processors: it gets the same page without them."""
    if not hasattr(request, "user"):
        return HttpResponse(loader.get_template(template).render(), status=status)
    return render(request, template, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _calm_page(request, "errors/400.html", 400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _calm_page(request, "errors/403.html", 403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _calm_page(request, "errors/404.html", 404)


def server_error(request: HttpRequest) -> HttpResponse:
    # No context processors: the failure may lie in the database they would query.
    return HttpResponse(loader.get_template("errors/500.html").render(), status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return _calm_page(request, "errors/csrf.html", 403)


def confirm_removal(
    request: HttpRequest,
    *,
    remove: Callable[[], Any],
    done: str,
    back: str,
    template: str,
    context: dict[str, Any],
) -> HttpResponse:
    """A page that asks before something is removed; the POST from it removes (through the
    app's service, which audits), says `done` and goes `back` (a URL name)."""
    if request.method == "POST":
        remove()
        messages.success(request, done)
        return redirect(back)
    return render(request, template, context)
