"""The API's documentation page: Cairn's own, read from the schema ninja builds, open without
signing in (it holds no data), every operation on it, technical names in code, Spanish words."""

from html.parser import HTMLParser

import pytest
from django.test import Client
from django.utils import translation

from accounts.models import User
from api.api import api
from api.docs import reference
from cairn.demo import DemoWorld
from cairn.tests.walk import dotted_names, page_problems

pytestmark = pytest.mark.django_db

DOCS = "/api/v1/docs/"


class Outline(HTMLParser):
    """Headings (tag, id, text) and link targets, as a screen reader lists them."""

    def __init__(self) -> None:
        super().__init__()
        self.headings: list[tuple[str, str, str]] = []
        self.links: list[str] = []
        self._open: tuple[str, str] | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in ("h1", "h2", "h3", "h4", "h5"):
            self._open, self._text = (tag, values.get("id") or ""), []
        if tag == "a" and values.get("href"):
            self.links.append(str(values["href"]))

    def handle_endtag(self, tag: str) -> None:
        if self._open and tag == self._open[0]:
            self.headings.append((*self._open, " ".join("".join(self._text).split())))
            self._open = None

    def handle_data(self, data: str) -> None:
        if self._open:
            self._text.append(data)


def outline(html: str) -> Outline:
    found = Outline()
    found.feed(html)
    return found


def test_every_operation_of_the_schema_is_on_the_page_without_signing_in(
    demo: DemoWorld,
) -> None:
    response = Client().get(DOCS)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    page = outline(html)
    schema = Client().get("/api/v1/openapi.json").json()
    operations = [
        (method.upper(), path, op)
        for path, item in schema["paths"].items()
        for method, op in item.items()
    ]
    assert len(operations) >= 9
    headings = {id_: text for _tag, id_, text in page.headings}
    for method, path, op in operations:
        heading = headings[f"op-{op['operationId']}"]
        assert heading.startswith(f"{method} {path}") and op["summary"] in heading
        assert f"#op-{op['operationId']}" in page.links  # listed under "On this page"
    tags = {op["tags"][0] for _m, _p, op in operations}
    assert {text for tag, _id, text in page.headings if tag == "h2"} >= {
        t.capitalize() for t in tags
    }
    assert [tag for tag, _id, _text in page.headings].count("h1") == 1
    assert page_problems(html, dotted_names())[0] == []  # no stored codes outside <code>
    assert "swagger" not in html.lower() and "<script" not in html.split("<main")[1]


def test_the_page_shows_parameters_bodies_scopes_refusals_paging_limits_and_the_schema(
    demo: DemoWorld,
) -> None:
    html = Client().get(DOCS).content.decode()
    text = " ".join(html.split())
    assert "<code>participants:read</code>" in text and "<code>contacts:write</code>" in text
    # The list's parameters, from the schema, with where they go and whether they are needed.
    assert '<th scope="row"><code>updated_since</code></th><td>query</td>' in text
    # The write's body: its fields, the choices of one, and the header that makes it once.
    assert "<code>Idempotency-Key</code></th><td>header</td>" in text
    assert "<code>contact_type</code>" in text and "<code>in_person</code>" in text
    # Nested shapes: a page holds items whose fields are listed inside it.
    assert "<code>next_cursor</code>" in text and "<code>preferred_name</code>" in text
    assert "The token lacks the scope this operation needs." in text
    assert "Too many requests this minute" in text and "120 requests a minute" in text
    assert 'href="/api/v1/openapi.json"' in html and 'href="/organization/api-tokens/"' in html


def test_a_new_operation_in_the_schema_is_listed_with_its_nested_shapes() -> None:
    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    schema["paths"]["/api/v1/visits"] = {
        "post": {
            "operationId": "new_visit",
            "summary": "Book a visit",
            "tags": ["visits"],
            "requestBody": {
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/V"}}}
            },
            "responses": {"201": {"description": "Created"}, "409": {"description": "Taken"}},
        }
    }
    schema["components"]["schemas"]["V"] = {
        "type": "object",
        "required": ["where"],
        "properties": {
            "where": {"type": "object", "properties": {"room": {"enum": ["a", "b"]}}},
            "again": {"anyOf": [{"type": "integer"}, {"type": "null"}]},
        },
    }
    visits = next(tag for tag in reference(schema, {}) if tag.name == "visits")
    operation = visits.operations[0]
    assert (operation.method, operation.path, str(operation.summary)) == (
        "POST",
        "/api/v1/visits",
        "Book a visit",
    )
    assert operation.body is not None
    where, again = operation.body.fields
    assert (where.name, where.required, where.shape.fields[0].shape.choices) == (
        "where",
        True,
        ["a", "b"],
    )
    assert (again.required, again.shape.type) == (False, "integer or null")
    assert [a.status for a in operation.answers] == ["201"]
    assert [(r.status, r.description) for r in operation.refusals] == [("409", "Taken")]


def test_the_page_speaks_spanish_to_a_member_who_chose_it(demo: DemoWorld, client_for) -> None:
    User.objects.filter(username="ana").update(language="es")
    with translation.override("es"):
        html = client_for("ana").get(DOCS, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    page = outline(html)
    h2s = [text for tag, _id, text in page.headings if tag == "h2"]
    assert "En esta página" in h2s and "Antes de empezar" in h2s
    assert "On this page" not in html and "Before you start" not in html


def test_the_schema_is_read_once_per_language_not_on_every_view(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from api import docs

    monkeypatch.setattr(docs, "_READ", {})
    built: list[str] = []
    original = api.get_openapi_schema

    def counted(**kwargs: object) -> dict[str, object]:
        built.append(translation.get_language() or "")
        return original(**kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(api, "get_openapi_schema", counted)
    client = Client()
    first = client.get(DOCS).content.decode()
    assert client.get(DOCS).content.decode() == first
    spanish = client.get(DOCS, headers={"accept-language": "es"}).content.decode()
    client.get(DOCS, headers={"accept-language": "es"})
    assert built == ["en", "es"]
    assert spanish != first
