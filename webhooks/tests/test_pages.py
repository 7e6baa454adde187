"""The administrator's webhook pages: creating a subscription shows its secret once (stored
encrypted), one subscription for a double submit, a refused address kept calm, pause and resume,
a new secret, the test event button, deletion after confirmation, the private-address setting,
each action audited; other roles get 403 and other organizations 404."""

import hashlib
import hmac
import json
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from accounts.models import User
from audit.models import Action, AuditEvent
from cairn.demo import DemoWorld
from cairn.tests.html_parts import elements
from organizations.models import Membership
from webhooks import addresses
from webhooks.models import Attempt, Subscription, SubscriptionState, WebhookSettings
from webhooks.services import create_subscription
from webhooks.tests.receivers import receiver

pytestmark = pytest.mark.django_db


def _main(response: Any) -> str:
    (main,) = elements(response.content.decode(), "main")
    return " ".join(main.text.split())


def _key(client: Client) -> str:
    found = re.search(
        r'name="submit_key" value="([^"]+)"', client.get("/webhooks/new/").content.decode()
    )
    assert found is not None
    return found[1]


def _allow_private(demo: DemoWorld) -> None:
    WebhookSettings.objects.update_or_create(
        organization=demo.organizations["harbor"], defaults={"allow_private_addresses": True}
    )


def _made(demo: DemoWorld, url: str = "http://127.0.0.1:9/in") -> Subscription:
    _allow_private(demo)
    admin = Membership.objects.select_related("user", "organization").get(user__username="max")
    return create_subscription(
        acting=admin, description="Warehouse", url=url, event_types=["note.signed"]
    ).subscription


def _secret_shown(response: Any) -> str:
    found = re.search(r'id="webhook-secret"[^>]* value="([^"]+)"', response.content.decode())
    assert found is not None, "the secret is shown"
    return found[1]


def _actions(target_id: object) -> list[tuple[str, list[str]]]:
    return [
        (e.action, e.changed_fields)
        for e in AuditEvent.objects.filter(target_id=str(target_id)).order_by("seq")
    ]


def test_creating_a_subscription_shows_its_secret_once_and_stores_it_encrypted(
    demo, client_for, monkeypatch
) -> None:
    monkeypatch.setattr(addresses, "resolve", lambda host, port: ["93.184.216.34"])
    client = client_for("max")
    response = client.post(
        "/webhooks/new/",
        {
            "description": "County warehouse",
            "url": "https://hooks.county.example/cairn",
            "event_types": ["note.signed", "referral.state_changed"],
            "submit_key": _key(client),
        },
    )
    assert response.status_code == 302
    subscription = Subscription.objects.get()
    assert response["Location"] == f"/webhooks/{subscription.id}/"
    shown = client.get(response["Location"])
    secret = _secret_shown(shown)
    assert secret.startswith("whsec_") and len(secret) > 40
    assert "Subscription added." in _main(shown) and "It is shown only now" in _main(shown)
    (copy,) = [b for b in elements(shown.content.decode(), "button") if b.attrs.get("data-copy")]
    assert copy.text == "Copy" and copy.attrs["data-copy"] == "webhook-secret"
    assert subscription.secret == secret
    assert subscription.event_types == ["note.signed", "referral.state_changed"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM webhooks_subscription")
        (stored,) = cursor.fetchone()
    assert secret not in stored
    # Shown once: the next visit to the page does not show it.
    detail = client.get(f"/webhooks/{subscription.id}/")
    assert secret not in detail.content.decode()
    assert "A contact note was signed; A referral changed state" in _main(detail)
    assert _actions(subscription.id) == [
        (Action.CREATE, ["description", "event_types", "secret", "url"])
    ]


def test_a_double_submit_makes_one_subscription(demo, client_for) -> None:
    _allow_private(demo)
    client = client_for("max")
    form = {
        "description": "Test receiver",
        "url": "http://127.0.0.1:8199/in",
        "event_types": ["note.signed"],
        "submit_key": _key(client),
    }
    first = client.post("/webhooks/new/", form)
    again = client.post("/webhooks/new/", form, follow=True)
    assert first.status_code == 302
    assert Subscription.objects.count() == 1
    assert "already saved" in _main(again)
    assert again.redirect_chain[-1][0] == f"/webhooks/{Subscription.objects.get().id}/"


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("https://127.0.0.1/in", "inside a private network"),
        ("https://[::ffff:10.0.0.1]/in", "inside a private network"),
        ("https://169.254.169.254/latest", "never sent to"),
        ("http://93.184.216.34/in", "must start with https://"),
    ],
)
def test_a_refused_address_is_said_calmly_and_what_was_typed_stays(
    demo, client_for, url: str, words: str
) -> None:
    client = client_for("max")
    response = client.post(
        "/webhooks/new/",
        {
            "description": "Inside",
            "url": url,
            "event_types": ["note.signed"],
            "submit_key": _key(client),
        },
    )
    assert response.status_code == 400
    assert words in _main(response)
    assert 'value="Inside"' in response.content.decode()
    assert not Subscription.objects.exists()


def test_no_event_chosen_is_asked_for(demo, client_for) -> None:
    client = client_for("max")
    response = client.post(
        "/webhooks/new/",
        {"description": "x", "url": "https://93.184.216.34/", "submit_key": _key(client)},
    )
    assert response.status_code == 400
    assert "Choose at least one event to send." in _main(response)


def test_the_test_event_button_sends_a_signed_test_event(
    demo, client_for, django_capture_on_commit_callbacks
) -> None:
    client = client_for("max")
    with receiver() as hook:
        _allow_private(demo)
        admin = Membership.objects.select_related("user", "organization").get(user__username="max")
        made = create_subscription(
            acting=admin, description="Test", url=hook.url, event_types=["note.signed"]
        )
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(f"/webhooks/{made.subscription.id}/test/", follow=True)
    assert "Test event sent." in _main(response)
    ((headers, body),) = hook.received
    assert json.loads(body)["type"] == "webhook.test"
    signed = hmac.new(
        made.secret.encode(), headers["cairn-timestamp"].encode() + b"." + body, hashlib.sha256
    )
    assert headers["cairn-signature"] == "v1=" + signed.hexdigest()
    log = client.get(f"/webhooks/{made.subscription.id}/")
    (table,) = [
        t for t in elements(log.content.decode(), "table") if t.attrs.get("id") == "delivery-log"
    ]
    assert "Test event" in table.text and "Delivered" in table.text and "200" in table.text
    assert (Action.CREATE, ["test_event"]) in _actions(made.subscription.id)


def test_the_delivery_log_says_what_went_wrong_in_plain_words_and_pages(demo, client_for) -> None:
    from django.utils import timezone

    from webhooks.models import Delivery, Problem

    subscription = _made(demo)
    delivery = Delivery.objects.create(
        organization=subscription.organization,
        subscription=subscription,
        event_id="5b8a2f9e-0c1d-4e6f-8a9b-0c1d2e3f4a5b",
        event_type="note.signed",
        payload={},
    )
    Attempt.objects.bulk_create(
        Attempt(
            organization=subscription.organization,
            delivery=delivery,
            subscription=subscription,
            number=n,
            at=timezone.now(),
            problem=Problem.TIMEOUT,
            duration_ms=5000,
        )
        for n in range(1, 31)
    )
    client = client_for("max")
    first = _main(client.get(f"/webhooks/{subscription.id}/"))
    assert "The receiver did not answer in time" in first and "Page 1 of 2" in first
    second = client.get(f"/webhooks/{subscription.id}/?page=2").content.decode()
    (_table,) = [t for t in elements(second, "table") if t.attrs.get("id") == "delivery-log"]
    assert (
        len(
            elements(
                table_html := second.split('id="delivery-log"', 1)[1].split("</table>")[0], "tr"
            )
        )
        == 1 + 5
    )
    assert "5000 ms" in table_html


def test_pause_resume_and_a_new_secret(demo, client_for) -> None:
    subscription = _made(demo)
    old = subscription.secret
    client = client_for("max")
    paused = client.post(f"/webhooks/{subscription.id}/pause/", {"paused": "1"}, follow=True)
    assert "Paused: events are not sent until you resume." in _main(paused)
    assert Subscription.objects.get().state == SubscriptionState.PAUSED
    refused = client.post(f"/webhooks/{subscription.id}/test/", follow=True)
    assert "Resume it to send a test event." in _main(refused)
    client.post(f"/webhooks/{subscription.id}/pause/", {"paused": "0"})
    assert Subscription.objects.get().state == SubscriptionState.ACTIVE
    rotated = client.post(f"/webhooks/{subscription.id}/secret/")
    new = _secret_shown(rotated)
    assert new != old and Subscription.objects.get().secret == new
    assert "no longer signs anything" in _main(rotated)
    assert _actions(subscription.id)[1:] == [
        (Action.UPDATE, ["state"]),
        (Action.UPDATE, ["state"]),
        (Action.UPDATE, ["secret"]),
    ]


def test_deleting_asks_first_then_deletes_and_is_audited(demo, client_for) -> None:
    subscription = _made(demo)
    client = client_for("max")
    confirm = client.get(f"/webhooks/{subscription.id}/delete/")
    assert "This cannot be undone." in _main(confirm)
    assert Subscription.objects.exists()
    done = client.post(f"/webhooks/{subscription.id}/delete/", follow=True)
    assert "Subscription Warehouse deleted." in _main(done)
    assert not Subscription.objects.exists()
    assert _actions(subscription.id)[-1] == (
        Action.DELETE,
        ["description", "event_types", "url"],
    )


def test_only_an_administrator_changes_the_private_address_setting_and_it_is_audited(
    demo, client_for
) -> None:
    assert (
        client_for("mia").post("/webhooks/settings/", {"allow_private_addresses": "on"}).status_code
        == 403
    )
    assert not WebhookSettings.objects.exists()
    response = client_for("max").post(
        "/webhooks/settings/", {"allow_private_addresses": "on"}, follow=True
    )
    assert "Receivers at private addresses are allowed." in _main(response)
    row = WebhookSettings.objects.get(organization=demo.organizations["harbor"])
    assert row.allow_private_addresses
    event = AuditEvent.objects.filter(target_type="webhooks.webhooksettings").get()
    assert (event.action, event.changed_fields, event.actor_username) == (
        Action.UPDATE,
        ["allow_private_addresses"],
        "max",
    )


def test_other_roles_get_403_and_another_organizations_admin_gets_404(demo, client_for) -> None:
    subscription = _made(demo)
    for persona in ["ana", "sam", "mia", "pat"]:
        assert client_for(persona).get("/webhooks/").status_code == 403
        assert client_for(persona).get(f"/webhooks/{subscription.id}/").status_code == 403
    river = Membership.objects.filter(organization=demo.organizations["riverside"])[0]
    river.role = "admin"
    river.save(update_fields=["role"])
    other = Client()
    other.force_login(river.user)
    for path in ["", "delete/"]:
        assert other.get(f"/webhooks/{subscription.id}/{path}").status_code == 404
    for path in ["pause/", "secret/", "test/", "delete/"]:
        assert other.post(f"/webhooks/{subscription.id}/{path}").status_code == 404
    assert "Warehouse" not in other.get("/webhooks/").content.decode()
    assert Subscription.objects.get().state == SubscriptionState.ACTIVE
    assert AuditEvent.objects.filter(
        action=Action.PERMISSION_DENIED, target_id=str(subscription.id)
    ).exists()


def test_the_pages_read_in_spanish(demo, client_for) -> None:
    subscription = _made(demo)
    User.objects.filter(username="max").update(language="es")
    client = client_for("max")
    listing = client.get("/webhooks/")
    detail = client.get(f"/webhooks/{subscription.id}/")
    assert "Añadir una suscripción" in _main(listing)
    assert "Enviar un evento de prueba" in _main(detail)
    assert "Registro de entregas" in _main(detail)
