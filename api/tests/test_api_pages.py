"""The administrator's token pages: making a token shows its secret once (and a double submit
makes one token), a manager approves it, the maker cannot, and revoking asks first."""

from html.parser import HTMLParser
from typing import Any

from django.test import Client
from django.urls import reverse

from api.models import ApiToken
from api.services import secret_digest
from api.tests.support import consent_to
from cairn.demo import DemoWorld
from cairn.tests.html_parts import elements
from lib.once import KEY_FIELD
from participants.models import Participant


def _client(demo: DemoWorld, username: str) -> Client:
    client = Client()
    client.force_login(demo.users[username])
    return client


def _filled(client: Client, **changes: Any) -> dict[str, Any]:
    page = client.get(reverse("api_tokens:new")).content.decode()
    key = _input(page, name=KEY_FIELD)
    return {
        KEY_FIELD: key,
        "name": "State data warehouse",
        "kind": "service",
        "recipient": "State data warehouse",
        "purpose": "Program evaluation",
        "scopes": ["participants:read", "directory:read"],
        "lifetime": "90",
        **changes,
    }


class _Inputs(HTMLParser):
    """The page's input fields (void elements, which cairn.tests.html_parts leaves out)."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[dict[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "input":
            self.found.append({k: v or "" for k, v in attrs})


def _input(html: str, **wanted: str) -> str:
    reader = _Inputs()
    reader.feed(html)
    return next(a["value"] for a in reader.found if all(a.get(k) == v for k, v in wanted.items()))


def _secret_shown(html: str) -> str:
    return _input(html, id="token-secret")


def test_a_new_token_shows_its_secret_once_and_a_double_submit_makes_one(demo: DemoWorld) -> None:
    client = _client(demo, "max")
    data = _filled(client)
    first = client.post(reverse("api_tokens:new"), data)
    assert first.status_code == 200
    secret = _secret_shown(first.content.decode())
    assert secret.startswith("cairn_")
    buttons = [e for e in elements(first.content.decode(), "button") if "data-copy" in e.attrs]
    assert [b.text.strip() for b in buttons] == ["Copy the secret"]
    second = client.post(reverse("api_tokens:new"), data)
    token = ApiToken.objects.get(name="State data warehouse")
    assert token.secret_hash == secret_digest(secret)
    assert second.status_code == 302
    assert second["Location"] == reverse("api_tokens:detail", args=[token.public_id])
    again = client.get(second["Location"]).content.decode()
    assert secret not in again
    assert "shown once" in again


def test_a_service_account_cannot_be_given_a_write_scope(demo: DemoWorld) -> None:
    client = _client(demo, "max")
    response = client.post(reverse("api_tokens:new"), _filled(client, scopes=["contacts:write"]))
    assert response.status_code == 400
    assert "reads only" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_a_personal_token_needs_its_person(demo: DemoWorld) -> None:
    client = _client(demo, "max")
    response = client.post(reverse("api_tokens:new"), _filled(client, kind="personal"))
    assert response.status_code == 400
    assert "Choose whose token this is." in response.content.decode()


def test_the_manager_approves_and_the_maker_is_told_someone_else_must(demo: DemoWorld) -> None:
    admin = _client(demo, "max")
    admin.post(reverse("api_tokens:new"), _filled(admin))
    token = ApiToken.objects.get()
    detail = reverse("api_tokens:detail", args=[token.public_id])
    approve = reverse("api_tokens:approve", args=[token.public_id])
    page = admin.get(detail).content.decode()
    assert "Waiting for approval" in page
    assert not [f for f in elements(page, "form") if f.attrs.get("action") == approve]
    admin.post(approve)
    token.refresh_from_db()
    assert token.approved_at is None
    assert "someone else approves it" in admin.get(detail).content.decode()
    manager = _client(demo, "mia")
    assert [
        f
        for f in elements(manager.get(detail).content.decode(), "form")
        if f.attrs.get("action") == approve
    ]
    # The person approving reads what the token may do in words, with the API's names beside.
    shown = [" ".join(e.text.split()) for e in elements(manager.get(detail).content.decode(), "li")]
    assert "Participants: read (participants:read)" in shown
    assert "Resource directory: read (directory:read)" in shown
    manager.post(approve)
    token.refresh_from_db()
    assert token.approved_by == demo.users["mia"]


def test_revoking_asks_first_then_the_token_stops(demo: DemoWorld) -> None:
    admin = _client(demo, "max")
    admin.post(reverse("api_tokens:new"), _filled(admin, scopes=["directory:read"]))
    token = ApiToken.objects.get()
    url = reverse("api_tokens:revoke", args=[token.public_id])
    asked = admin.get(url)
    assert [h.text for h in elements(asked.content.decode(), "h1")] == [
        "Revoke State data warehouse?"
    ]
    token.refresh_from_db()
    assert token.revoked_at is None
    admin.post(url)
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_by == demo.users["max"]
    listing = admin.get(reverse("api_tokens:list")).content.decode()
    assert "Revoked" in listing


def test_a_service_token_without_its_recipient_is_asked_for_it_and_nothing_is_made(
    demo: DemoWorld,
) -> None:
    client = _client(demo, "max")
    before = ApiToken.objects.count()
    answer = client.post(reverse("api_tokens:new"), _filled(client, recipient="", purpose=" "))
    assert answer.status_code == 400
    errors = {
        e.text
        for e in elements(answer.content.decode(), "p")
        if "error" in e.attrs.get("class", "")
    }
    assert "Name the organization that receives the data, as consents name it." in errors
    assert "Say why it receives the data, as consents say it." in errors
    assert ApiToken.objects.count() == before
    # What was typed stays in the form.
    assert _input(answer.content.decode(), name="name") == "State data warehouse"


def test_the_form_offers_the_recipients_consents_name(demo: DemoWorld) -> None:
    pat = Participant.objects.get(user=demo.users["pat"])
    consent_to(pat, recipient="County health department", purpose="Care coordination")
    page = _client(demo, "max").get(reverse("api_tokens:new")).content.decode()
    offered = {e.attrs.get("value") for e in elements(page, "option")}
    assert {"County health department", "Care coordination"} <= offered
    assert "Pat" not in offered


def test_the_token_form_offers_a_write_scope_only_where_the_api_writes(demo: DemoWorld) -> None:
    client = _client(demo, "max")
    reader = _Inputs()
    reader.feed(client.get(reverse("api_tokens:new")).content.decode())
    offered = {a["value"] for a in reader.found if a.get("name") == "scopes"}
    assert {"participants:read", "contacts:read", "contacts:write", "directory:read"} <= offered
    assert {s for s in offered if s.endswith(":write")} == {"contacts:write"}
    response = client.post(
        reverse("api_tokens:new"),
        _filled(client, kind="personal", person="", scopes=["participants:write"]),
    )
    assert response.status_code == 400
    assert "participants:write is not one of the available choices" in response.content.decode()
    assert not ApiToken.objects.exists()
