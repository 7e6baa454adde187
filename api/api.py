"""The REST API's frame (django-ninja): the token check each operation names its scope with, the
JSON answers for every refusal, and the schema and documentation pages."""

from datetime import date, datetime
from typing import Any

import orjson
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError
from ninja.errors import HttpError as NinjaHttpError
from ninja.renderers import BaseRenderer
from ninja.responses import NinjaJSONEncoder

from api import care_views, resource_views
from api.access import TokenRefused
from api.disclosure import stamp
from api.docs import CairnDocs
from api.pagination import BadParameter

DESCRIPTION = """Cairn's records for other systems, scoped exactly as the pages are.

Send a token an administrator made (Organization → API tokens) as
`Authorization: Bearer cairn_…`. Each operation names the scope it needs
(`participants:read`, `contacts:write`...). Lists are pages: pass `next_cursor` back as
`cursor`, and `updated_since` (ISO 8601) for what changed. A retried write sent with the same
`Idempotency-Key` makes one record. Every refusal answers JSON with `error` and `detail`.

A **service token** (another system's) names the recipient and purpose its reads are shared
with, as participants' consents (42 CFR Part 2) name them. Its lists silently hold only people
whose active consent covers that recipient, purpose and kind of information; reading one person
without such a consent answers 403 `no_consent` saying why. Each read is recorded in the
person's accounting of disclosures, and every answer that carries shared data has the
redisclosure notice in the `Cairn-Redisclosure-Notice` header. Personal tokens are the
organization's own use: nothing is disclosed."""


class Json(BaseRenderer):
    """Answers encoded by orjson: the standard library's encoder called back into Python for
    every id, date and code, 2.2 ms of a page of 100 (0.8 ms now). Dates, times and anything
    orjson does not know are still written as ninja's encoder writes them (Django's format:
    milliseconds, `Z` for UTC), so the answers read as before."""

    media_type = "application/json"

    def render(self, request: HttpRequest, data: Any, *, response_status: int) -> bytes:
        return orjson.dumps(data, default=_encoded, option=orjson.OPT_PASSTHROUGH_DATETIME)


_moment = DjangoJSONEncoder().default
_anything_else = NinjaJSONEncoder().default


def _encoded(value: Any) -> Any:
    # A page has several dates and moments a row: these come first, straight to their format.
    if type(value) is date:
        return value.isoformat()
    if type(value) is datetime:
        return _moment(value)
    return _anything_else(value)


class CairnApi(NinjaAPI):
    def create_response(
        self,
        request: HttpRequest,
        data: Any,
        *,
        status: int | None = None,
        temporal_response: HttpResponse | None = None,
    ) -> HttpResponse:
        response = super().create_response(
            request, data, status=status, temporal_response=temporal_response
        )
        # Answers that carried data to an outside recipient carry the redisclosure notice.
        stamp(request, response)
        return response


api = CairnApi(
    title="Cairn API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs/",
    # Cairn's own page, read from the schema (api.docs), in place of ninja's Swagger UI, which
    # needs its script and fails the accessibility checks every Cairn page passes.
    docs=CairnDocs(),
    renderer=Json(),
)


def problem(
    request: HttpRequest, status: int, error: str, detail: str, **more: Any
) -> HttpResponse:
    response = api.create_response(
        request, {"error": error, "detail": detail, **more}, status=status
    )
    return response


@api.exception_handler(TokenRefused)
def refused(request: HttpRequest, exc: TokenRefused) -> HttpResponse:
    response = problem(request, exc.status, exc.code, exc.detail)
    if exc.retry_after is not None:
        response["Retry-After"] = str(exc.retry_after)
    if exc.status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="cairn"'
    return response


@api.exception_handler(BadParameter)
def bad_parameter(request: HttpRequest, exc: BadParameter) -> HttpResponse:
    return problem(request, 400, "bad_parameter", exc.detail, parameter=exc.parameter)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return problem(
        request,
        404,
        "not_found",
        _("There is no such record, or it is not one this token may see."),
    )


def _parameter(loc: Any) -> str:
    """("query", "limit") -> "limit"; ("body", "data", "contact_type") -> "contact_type"."""
    parts = [str(part) for part in loc]
    if parts[:1] == ["body"]:
        parts = parts[2:] or parts[1:]
    elif parts[:1] and parts[0] in {"query", "path", "header"}:
        parts = parts[1:]
    return ".".join(parts)


@api.exception_handler(ValidationError)
def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    # Where and what, never the value sent back (it may be a participant's words).
    errors = [
        {"parameter": _parameter(error.get("loc", ())), "message": str(error.get("msg", ""))}
        for error in exc.errors
    ]
    return problem(
        request,
        400,
        "invalid_input",
        _("Some of what was sent cannot be used; each error names the parameter or field."),
        errors=errors,
    )


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return problem(request, 401, "token_missing", _("Send your API token."))


@api.exception_handler(NinjaHttpError)
def http_error(request: HttpRequest, exc: NinjaHttpError) -> HttpResponse:
    # Ninja's own refusals, such as a body that is not JSON.
    return problem(request, exc.status_code, "bad_request", str(exc.message))


api.add_router("/", resource_views.router)
api.add_router("/", care_views.router)
