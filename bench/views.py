"""The two baselines: what Django costs with nothing to do, and with one row and a tiny template."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template import engines

from organizations.models import Organization

TINY = engines["django"].from_string(
    "<!doctype html><title>{{ org.slug }}</title><p>{{ org.name }}</p>"
)


def constant(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


def one_row(request: HttpRequest, pk: int) -> HttpResponse:
    return HttpResponse(TINY.render({"org": get_object_or_404(Organization, pk=pk)}, request))
