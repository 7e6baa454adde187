"""The API's documentation page: Cairn's own template, read from the OpenAPI schema ninja builds,
so every operation (a new one too) appears without editing the page, and no script is needed.

`reference` turns the schema into plain rows (tags, operations, parameters, nested fields);
`CairnDocs` is ninja's documentation hook (`NinjaAPI(docs=...)`), served at /api/v1/docs/.
"""

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja.openapi.docs import DocsBase

from api.services import rate_per_minute

if TYPE_CHECKING:
    from ninja import NinjaAPI

METHODS = ("get", "post", "put", "patch", "delete")
MAX_DEPTH = 4  # nested shapes deeper than this are named, not opened
# Technical names inside prose (`next_cursor`, `participants:read`): shown as code.
BACKTICKS = re.compile(r"`([^`]+)`")
IDENTIFIER = re.compile(r"(?<![\w<>/])([a-z][a-z0-9]*(?:[_:][a-z0-9]+)+)(?![\w<])")


def inline(text: str) -> SafeString:
    """One line of a schema's text, escaped, its technical names in <code>."""
    parts = BACKTICKS.split(escape(" ".join(text.split())))
    words = [
        f"<code>{part}</code>" if i % 2 else IDENTIFIER.sub(r"<code>\1</code>", part)
        for i, part in enumerate(parts)
    ]
    return mark_safe("".join(words))  # noqa: S308 -- escaped above; only <code> added


def prose(text: str) -> SafeString:
    """A schema's description as paragraphs (blank lines apart)."""
    paragraphs = [inline(p) for p in text.split("\n\n") if p.strip()]
    return mark_safe("".join(f"<p>{p}</p>" for p in paragraphs))  # noqa: S308 -- escaped


@dataclass
class Shape:
    """A value's type in words, its allowed values, and its fields when it is an object."""

    type: str
    description: SafeString | str = ""
    choices: list[str] = field(default_factory=list)
    fields: list["Field"] = field(default_factory=list)
    limits: str = ""


@dataclass
class Field:
    name: str
    required: bool
    shape: Shape
    default: str = ""


@dataclass
class Parameter:
    name: str
    where: str
    required: bool
    shape: Shape
    description: SafeString


@dataclass
class Answer:
    status: str
    description: str
    shape: Shape | None


@dataclass
class Operation:
    id: str
    method: str
    path: str
    summary: SafeString
    description: SafeString
    scope: str
    parameters: list[Parameter]
    body: Shape | None
    answers: list[Answer]  # successes
    refusals: list[Answer]


@dataclass
class Tag:
    name: str
    operations: list[Operation]


class Reader:
    """Reads one schema's components by reference."""

    def __init__(self, schema: dict[str, Any]) -> None:
        self.components = schema.get("components", {}).get("schemas", {})

    def resolve(self, node: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        ref = node.get("$ref", "")
        if ref:
            name = ref.rsplit("/", 1)[-1]
            return name, self.components.get(name, {})
        return "", node

    def shape(self, node: dict[str, Any], depth: int = 0, seen: tuple[str, ...] = ()) -> Shape:
        name, node = self.resolve(node)
        description = inline(str(node.get("description", "")))
        if "allOf" in node and len(node["allOf"]) == 1:
            inner = self.shape(node["allOf"][0], depth, seen)
            inner.description = description or inner.description
            return inner
        if "anyOf" in node or "oneOf" in node:
            options = node.get("anyOf") or node.get("oneOf") or []
            real = [o for o in options if o.get("type") != "null"]
            nullable = len(real) < len(options)
            if len(real) == 1:
                inner = self.shape(real[0], depth, seen)
                if nullable:
                    inner.type = _("%(type)s or null") % {"type": inner.type}
                inner.description = description or inner.description
                return inner
            kinds = [self.shape(o, depth + 1, seen).type for o in real]
            if nullable:
                kinds.append("null")
            return Shape(_(" or ").join(kinds), description)
        if "enum" in node:
            return Shape(
                str(node.get("type", "string")),
                description,
                choices=[str(v) for v in node["enum"]],
            )
        kind = node.get("type", "object" if "properties" in node else "")
        if kind == "array":
            item = self.shape(node.get("items", {}), depth, seen)
            return Shape(
                _("list of %(type)s") % {"type": item.type},
                description,
                choices=item.choices,
                fields=item.fields,
                limits=item.limits,
            )
        if kind == "object" or "properties" in node:
            shape = Shape(name or "object", description)
            if name in seen or depth >= MAX_DEPTH:
                return shape
            required = set(node.get("required", []))
            for key, child in node.get("properties", {}).items():
                inner = self.shape(child, depth + 1, (*seen, name) if name else seen)
                default = child.get("default")
                shape.fields.append(
                    Field(
                        key,
                        key in required,
                        inner,
                        "" if default in (None, "") else str(default),
                    )
                )
            return shape
        text = str(kind or "any")
        if node.get("format"):
            text = f"{text} ({node['format']})"
        return Shape(text, description, limits=limits(node))


def limits(node: dict[str, Any]) -> str:
    found = []
    if "minimum" in node and "maximum" in node:
        found.append(_("%(low)s to %(high)s") % {"low": node["minimum"], "high": node["maximum"]})
    if "maxLength" in node:
        found.append(_("at most %(n)s characters") % {"n": node["maxLength"]})
    return ", ".join(found)


def _json_body(content: dict[str, Any] | None) -> dict[str, Any] | None:
    if not content:
        return None
    found: dict[str, Any] | None = content.get("application/json", {}).get("schema")
    return found


def reference(schema: dict[str, Any], scopes: dict[str, str]) -> list[Tag]:
    """Every operation of the schema, grouped by its first tag in the order tags first appear."""
    reader = Reader(schema)
    tags: dict[str, Tag] = {}
    for path, item in schema.get("paths", {}).items():
        for method in METHODS:
            op = item.get(method)
            if op is None:
                continue
            parameters = [
                Parameter(
                    name=str(p["name"]),
                    where=str(p.get("in", "")),
                    required=bool(p.get("required", False)),
                    shape=reader.shape(p.get("schema", {})),
                    description=inline(str(p.get("description", ""))),
                )
                for p in op.get("parameters", [])
            ]
            body_schema = _json_body((op.get("requestBody") or {}).get("content"))
            answers: list[Answer] = []
            refusals: list[Answer] = []
            for status, answer in sorted(op.get("responses", {}).items()):
                answer_schema = _json_body(answer.get("content"))
                shown = Answer(
                    str(status),
                    str(answer.get("description", "")),
                    reader.shape(answer_schema) if answer_schema else None,
                )
                refused = str(status).isdigit() and int(status) >= 400
                (refusals if refused else answers).append(shown)
            operation_id = str(op.get("operationId", f"{method}-{path}"))
            operation = Operation(
                id=operation_id,
                method=method.upper(),
                path=path,
                summary=inline(str(op.get("summary", ""))),
                description=prose(str(op.get("description", ""))),
                scope=scopes.get(operation_id, ""),
                parameters=parameters,
                body=reader.shape(body_schema) if body_schema else None,
                answers=answers,
                refusals=refusals,
            )
            tag = (op.get("tags") or [_("other")])[0]
            tags.setdefault(tag, Tag(tag, [])).operations.append(operation)
    return list(tags.values())


def scopes_of(api: "NinjaAPI") -> dict[str, str]:
    """operationId → the scope its token check names ("participants:read"), from the routes."""
    found: dict[str, str] = {}
    for _prefix, router in api._routers:
        for view in router.path_operations.values():
            for operation in view.operations:
                for check in operation.auth_callbacks:
                    resource, level = getattr(check, "resource", ""), getattr(check, "level", "")
                    if resource and level:
                        found[api.get_openapi_operation_id(operation)] = f"{resource}:{level}"
    return found


# The schema is fixed once the code is loaded: each (API, language, path) is read into rows once
# per process, not on every view of the page.
_READ: dict[tuple[int, str, tuple[tuple[str, Any], ...]], tuple[dict[str, Any], list[Tag]]] = {}


def _read(api: "NinjaAPI", path_params: dict[str, Any]) -> tuple[dict[str, Any], list[Tag]]:
    key = (id(api), get_language() or "", tuple(sorted(path_params.items())))
    if key not in _READ:
        schema = api.get_openapi_schema(path_params=path_params)
        _READ[key] = (schema, reference(schema, scopes_of(api)))
    return _READ[key]


class CairnDocs(DocsBase):
    """Ninja's documentation hook, answered with Cairn's page (no sign-in: it holds no data)."""

    def render_page(self, request: HttpRequest, api: "NinjaAPI", **kwargs: Any) -> HttpResponse:
        schema, tags = _read(api, kwargs)
        info = schema.get("info", {})
        return render(
            request,
            "api/docs.html",
            {
                "title": info.get("title", "API"),
                "version": info.get("version", ""),
                "introduction": prose(str(info.get("description", ""))),
                "tags": tags,
                "operations": sum(len(t.operations) for t in tags),
                "schema_url": self.get_openapi_url(api, kwargs),
                "tokens_url": reverse("api_tokens:list"),
                "rate_per_minute": rate_per_minute(),
            },
        )
