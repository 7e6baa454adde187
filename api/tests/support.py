"""Tokens for the API tests: made and approved through the services, as an administrator and a
manager would."""

from typing import Any

from django.test import Client

from api.models import TokenKind
from api.services import approve_token, create_token
from cairn.demo import DemoWorld
from organizations.models import Membership

READ_ALL = [
    "participants:read",
    "contacts:read",
    "directory:read",
    "consents:read",
]


def member(demo: DemoWorld | dict[str, Any], username: str) -> Membership:
    return Membership.objects.select_related("organization", "user").get(user__username=username)


def make_token(
    *,
    admin: str = "max",
    approver: str | None = "mia",
    kind: str = TokenKind.SERVICE,
    person: str | None = None,
    scopes: list[str] | None = None,
    days: int = 30,
) -> tuple[str, Any]:
    """A token's secret and row; approved by `approver` when it needs it."""
    acting = Membership.objects.select_related("organization", "user").get(user__username=admin)
    made = create_token(
        acting=acting,
        kind=kind,
        name=f"{kind} token",
        scopes=READ_ALL if scopes is None else scopes,
        expires_on_days=days,
        person=(Membership.objects.get(user__username=person) if person is not None else None),
    )
    token = made.token
    if token.needs_approval and approver is not None:
        token = approve_token(
            acting=Membership.objects.select_related("organization", "user").get(
                user__username=approver
            ),
            token=token,
        )
    return made.secret, token


def bearer(secret: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def get(secret: str, url: str) -> Any:
    return Client().get(url, HTTP_AUTHORIZATION=f"Bearer {secret}")
