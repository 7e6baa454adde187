"""Queries per webhook page, the same whatever the number of subscriptions or tries: the list
and a subscription's delivery log (one page of tries with their events in one query)."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from organizations.models import Membership
from webhooks.models import Attempt, Delivery, Problem, Subscription
from webhooks.services import create_subscription

pytestmark = pytest.mark.django_db


def _statements(client, path: str) -> list[str]:
    client.get(path)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return [q["sql"] for q in queries if "SAVEPOINT" not in q["sql"]]


def _subscriptions(count: int) -> list[Subscription]:
    admin = Membership.objects.select_related("user", "organization").get(user__username="max")
    return [
        create_subscription(
            acting=admin,
            description=f"Receiver {n}",
            url=f"https://93.184.216.{n + 1}/in",
            event_types=["note.signed"],
        ).subscription
        for n in range(count)
    ]


def _tries(subscription: Subscription, count: int) -> None:
    for _n in range(count):
        delivery = Delivery.objects.create(
            organization=subscription.organization,
            subscription=subscription,
            event_id=uuid.uuid4(),
            event_type="note.signed",
            payload={},
        )
        Attempt.objects.create(
            organization=subscription.organization,
            delivery=delivery,
            subscription=subscription,
            number=1,
            at=timezone.now(),
            problem=Problem.STATUS,
            status_code=500,
        )


# Every page starts with 4 (session, user, memberships, second-factor device); then:
# the organization's address setting and the subscriptions (list); the subscription, the
# count of tries and one page of tries with their deliveries (log).
PINS = {"/webhooks/": 6, "log": 7}


def test_the_subscription_list_makes_the_same_queries_at_four_times_the_rows(
    demo, client_for
) -> None:
    _subscriptions(2)
    client = client_for("max")
    at_1x = _statements(client, "/webhooks/")
    _subscriptions(6)
    assert "Receiver 5" in client.get("/webhooks/").content.decode()
    at_4x = _statements(client, "/webhooks/")
    assert len(at_1x) == len(at_4x) == PINS["/webhooks/"], "\n".join(s[:100] for s in at_4x)


def test_the_delivery_log_makes_the_same_queries_at_four_times_the_tries(demo, client_for) -> None:
    (subscription,) = _subscriptions(1)
    path = f"/webhooks/{subscription.id}/"
    client = client_for("max")
    _tries(subscription, 6)
    at_1x = _statements(client, path)
    _tries(subscription, 18)
    at_4x = _statements(client, path)
    assert len(at_1x) == len(at_4x) == PINS["log"], "\n".join(s[:100] for s in at_4x)
