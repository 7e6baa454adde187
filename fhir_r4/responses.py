"""FHIR answers: resources as application/fhir+json, errors as OperationOutcome, searchsets as
Bundles with paging links."""

import json
from collections.abc import Sequence
from typing import Any

from django.http import HttpRequest, HttpResponse

from fhir_r4.builders import Resource
from fhir_r4.codes import JSON

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


def fhir_response(resource: Resource, *, status: int = 200) -> HttpResponse:
    response = HttpResponse(
        json.dumps(resource, ensure_ascii=False, separators=(",", ":")),
        content_type=f"{JSON}; charset=utf-8",
        status=status,
    )
    # Participant data is never kept by a browser or a proxy.
    response["Cache-Control"] = "no-store"
    return response


def outcome(status: int, code: str, text: str, *, severity: str = "error") -> HttpResponse:
    """An OperationOutcome whose words say what happened and what to do."""
    body = {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": severity, "code": code, "details": {"text": text}}],
    }
    return fhir_response(body, status=status)


def not_found() -> HttpResponse:
    return outcome(
        404,
        "not-found",
        "Nothing was found here. It may not exist, or it is outside what you may see.",
    )


def unauthorized() -> HttpResponse:
    response = outcome(
        401, "login", "Sign in as a member of staff (or, later, send an API token) to use FHIR."
    )
    response["WWW-Authenticate"] = 'Bearer realm="cairn-fhir"'
    return response


def forbidden(text: str) -> HttpResponse:
    return outcome(403, "forbidden", text)


def invalid(text: str) -> HttpResponse:
    return outcome(400, "invalid", text)


class BadSearch(ValueError):
    """A search parameter the server cannot use; its message tells the caller what to send."""


def page_of(request: HttpRequest) -> tuple[int, int]:
    """The page size and offset a search asks for (`_count`, `_offset`), within limits."""
    try:
        count = int(request.GET.get("_count", PAGE_SIZE))
        offset = int(request.GET.get("_offset", 0))
    except ValueError:
        raise BadSearch("_count and _offset must be whole numbers.") from None
    if count < 1 or offset < 0:
        raise BadSearch("_count must be at least 1 and _offset at least 0.")
    return min(count, MAX_PAGE_SIZE), offset


def searchset(
    request: HttpRequest,
    *,
    resources: Sequence[Resource],
    total: int,
    count: int,
    offset: int,
    notice: str = "",
) -> Resource:
    """One page of a search as a Bundle, with self/first/previous/next links that keep the
    search's other parameters. A disclosure adds its redisclosure notice as an outcome entry."""
    base = request.build_absolute_uri(request.path)

    def link(relation: str, at: int) -> dict[str, str]:
        query = request.GET.copy()
        query["_count"] = str(count)
        query["_offset"] = str(at)
        return {"relation": relation, "url": f"{base}?{query.urlencode()}"}

    links = [link("self", offset), link("first", 0)]
    if offset > 0:
        links.append(link("previous", max(offset - count, 0)))
    if offset + count < total:
        links.append(link("next", offset + count))
    root = request.build_absolute_uri("/fhir/r4/").rstrip("/")
    entries: list[dict[str, Any]] = [
        {
            "fullUrl": f"{root}/{r['resourceType']}/{r['id']}",
            "resource": r,
            "search": {"mode": "match"},
        }
        for r in resources
    ]
    if notice:
        entries.append(
            {
                "resource": {
                    "resourceType": "OperationOutcome",
                    "issue": [
                        {
                            "severity": "information",
                            "code": "informational",
                            "details": {"text": notice},
                        }
                    ],
                },
                "search": {"mode": "outcome"},
            }
        )
    return {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": total,
        "link": links,
        "entry": entries,
    }
