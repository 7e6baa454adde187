"""A request naming a host Cairn does not serve gets the calm 400 page, never a server error."""

import pytest
from django.test import Client

from cairn.demo import DemoWorld

pytestmark = pytest.mark.django_db

UNREADABLE = "We couldn't read that request"


@pytest.mark.parametrize("path", ["/healthz", "/", "/accounts/login/", "/me/reset/", "/today/"])
def test_an_unknown_host_gets_a_calm_400_on_any_url(path: str) -> None:
    client = Client(HTTP_HOST="evil.example", raise_request_exception=False)
    response = client.get(path)
    assert response.status_code == 400
    body = response.content.decode()
    assert UNREADABLE in body
    assert body.count("<h1>") == 1
    assert "evil.example" not in body


def test_an_unknown_host_on_a_post_gets_a_calm_400(demo: DemoWorld) -> None:
    client = Client(HTTP_HOST="evil.example", raise_request_exception=False)
    response = client.post("/me/reset/", {"username": "pat"})
    assert response.status_code == 400
    assert UNREADABLE in response.content.decode()


def test_an_unknown_host_with_a_session_still_gets_the_calm_400(demo: DemoWorld) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(demo.users["ana"])
    response = client.get("/today/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert UNREADABLE in response.content.decode()
