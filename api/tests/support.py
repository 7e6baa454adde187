"""Tokens for the API tests: made and approved through the services, as an administrator and a
manager would."""

import contextlib
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.db import connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from api.models import TokenKind
from api.services import approve_token, create_token
from cairn.demo import DemoWorld
from consent.models import Consent
from consent.services import record_consent
from organizations.models import Membership, Role
from participants.models import Participant

WAREHOUSE = "State data warehouse"
EVALUATION = "Program evaluation"

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
    recipient: str = WAREHOUSE,
    purpose: str = EVALUATION,
) -> tuple[str, Any]:
    """A token's secret and row; approved by `approver` when it needs it. A service token
    shares with `recipient` for `purpose` (a personal token with nobody)."""
    acting = Membership.objects.select_related("organization", "user").get(user__username=admin)
    made = create_token(
        acting=acting,
        kind=kind,
        name=f"{kind} token",
        scopes=READ_ALL if scopes is None else scopes,
        expires_on_days=days,
        person=(Membership.objects.get(user__username=person) if person is not None else None),
        recipient=recipient,
        purpose=purpose,
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


def consent_to(
    person: Participant,
    *,
    recipient: str = WAREHOUSE,
    purpose: str = EVALUATION,
    categories: list[str] | None = None,
) -> Consent:
    """The person's signed consent to share `categories` (all of the record by default) with
    the recipient for the purpose, recorded by a member of their organization."""
    acting = (
        Membership.objects.select_related("organization", "user")
        .filter(organization_id=person.organization_id, role__in=Role.care_team())
        .order_by("pk")
        .first()
    )
    assert acting is not None
    return record_consent(
        acting=acting,
        participant=person,
        values={
            "disclosing_party": acting.organization.name,
            "categories": ["all"] if categories is None else categories,
            "recipient": recipient,
            "purpose": purpose,
            "expires_on": timezone.localdate() + timedelta(days=90),
            "signed_on": timezone.localdate(),
            "signature_method": "typed",
            "signature": person.preferred_name,
            "revocation_explained": True,
        },
    )


def consent_everyone(slug: str = "harbor", **options: Any) -> int:
    """Every participant of the organization consents (for tests about lists, not consent)."""
    people = list(Participant.objects.filter(organization__slug=slug, merged_into__isnull=True))
    for person in people:
        consent_to(person, **options)
    return len(people)


def bearer(secret: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def get(secret: str, url: str) -> Any:
    return Client().get(url, HTTP_AUTHORIZATION=f"Bearer {secret}")


def list_reads(secret: str, url: str, limit: int) -> int:
    """How many reads one page of `limit` rows of an API list makes (it must fill the page),
    counted on every connection; the use count's writes are left out (a minute's first request
    makes its row: test_api_tokens counts it)."""
    with all_queries() as captured:
        response = get(secret, f"{url}?limit={limit}")
    assert len(response.json()["items"]) == limit
    counting = ("api_usewindow", "UPDATE", "SAVEPOINT", "RELEASE")
    reads = [q for q in captured if not any(word in q for word in counting)]
    assert reads, "the list's reads were counted"  # on whichever connection they ran
    return len(reads)


@contextlib.contextmanager
def all_queries() -> Iterator[list[str]]:
    """The SQL run on every database connection inside the block: an API list may read from a
    replica's connection (`lib.db_routing`), which a capture of the default one would miss."""
    captured: list[str] = []
    with contextlib.ExitStack() as stack:
        contexts = [stack.enter_context(CaptureQueriesContext(c)) for c in connections.all()]
        yield captured
    captured += [q["sql"] for context in contexts for q in context.captured_queries]


# The two people the disclosure tests share with the warehouse, or not (REST and FHIR alike).
@pytest.fixture(name="pat")
def pat_fixture(demo: DemoWorld) -> Participant:
    return Participant.objects.get(user=demo.users["pat"])


@pytest.fixture(name="luz")
def luz_fixture(demo: DemoWorld, pat: Participant) -> Participant:
    """Another of Harbor's participants, named Luz, who has given the warehouse no consent."""
    person = (
        Participant.objects.filter(organization__slug="harbor", merged_into__isnull=True)
        .exclude(pk=pat.pk)
        .order_by("id")
        .first()
    )
    assert person is not None
    Participant.objects.filter(pk=person.pk).update(preferred_name="Luz")
    person.refresh_from_db()
    return person
