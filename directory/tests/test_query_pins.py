"""Queries per directory page, the same however many listings or shared resources there are."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cairn.demo import DemoWorld
from directory import demo as directory_demo
from directory.models import Phone, Schedule, Service, SharedResource
from participants.models import Participant

ANCHOR = date(2026, 12, 4)

# Every page starts with 4 (session, user, memberships, second-factor device); a coach's page
# adds 1 for the navigation's counts.
# Find near a ZIP code: how many listings are within the distance, then one page of them
# nearest first with their place and provider (both in the database), nav counts.
FIND_PIN = 7
# My resources: the participant with their preference; the shares with their listings, phones
# and schedules (3); audit (3); the portal's safety-plan link (every portal page).
RESOURCES_PIN = 12


def _statements(client, path: str) -> list[str]:
    client.get(path)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return [q["sql"] for q in queries if "SAVEPOINT" not in q["sql"]]


def _grow(organization, times: int) -> None:
    """Copies of every listing (and its place, phone and hours), `times` over."""
    for service in list(Service.objects.of(organization)):
        place, phones, hours = (
            service.location,
            list(service.phones.all()),
            list(service.schedules.all()),
        )
        for _ in range(times):
            service.pk = None
            service._state.adding = True
            service.save()
            place.pk, place.service = None, service
            place._state.adding = True
            place.save()
            rows: list[Phone | Schedule] = [*phones, *hours]
            for row in rows:
                row.pk, row.service = None, service
                row._state.adding = True
                row.save()


@pytest.fixture
def harbor(demo: DemoWorld):
    organization = demo.organizations["harbor"]
    directory_demo.seed(organization, anchor=ANCHOR)
    return organization


def test_find_makes_the_same_queries_with_four_times_the_listings(harbor, client_for) -> None:
    path = "/directory/?zip=21201&within=25"
    before = _statements(client_for("ana"), path)
    assert len(before) == FIND_PIN, "\n".join(sql[:100] for sql in before)
    _grow(harbor, 3)
    assert len(_statements(client_for("ana"), path)) == FIND_PIN


def test_my_resources_makes_the_same_queries_with_more_shares(
    demo: DemoWorld, harbor, client_for
) -> None:
    before = _statements(client_for("pat"), "/me/resources/")
    assert len(before) == RESOURCES_PIN, "\n".join(sql[:100] for sql in before)
    pat = Participant.objects.get(user=demo.users["pat"])
    for service in Service.objects.of(harbor).exclude(shares__participant=pat)[:4]:
        SharedResource.objects.create(
            organization=harbor, participant=pat, service=service, shared_by=demo.users["ana"]
        )
    assert len(_statements(client_for("pat"), "/me/resources/")) == RESOURCES_PIN
