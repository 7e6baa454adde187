"""Emitting events to webhook subscriptions, and the administrator's actions on subscriptions.

Domain apps call `emit` inside the transaction of their write; nothing is queued unless that
transaction commits. `webhooks` imports none of them, so they may import it without a cycle.
"""

import secrets
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from audit.models import Action
from audit.services import Target, record_member_action
from organizations.models import Membership, Organization
from organizations.services import save_organization_row
from webhooks.addresses import check_receiver
from webhooks.delivery import queue
from webhooks.models import (
    Delivery,
    DeliveryState,
    EventType,
    Subscription,
    SubscriptionState,
    WebhookSettings,
)
from webhooks.selectors import settings_for

# Organizations have no public UUID of their own; this namespace gives each a stable one from
# its slug, the same in every payload (and computable by a receiver that knows the slug).
ORGANIZATION_NAMESPACE = uuid.UUID("5f0c1a52-8f57-4c57-9d0e-6a9b1f1e2c29")
SECRET_PREFIX = "whsec_"  # noqa: S105 - a prefix, not a secret


def organization_uuid(organization: Organization) -> uuid.UUID:
    return uuid.uuid5(ORGANIZATION_NAMESPACE, organization.slug)


def payload(
    *,
    event_id: uuid.UUID,
    event_type: str,
    organization: Organization,
    resource_type: str,
    resource_id: uuid.UUID,
    occurred_at: Any,
) -> dict[str, Any]:
    """Identifiers and a time only: the receiver fetches what it may see with its own token."""
    return {
        "id": str(event_id),
        "type": event_type,
        "occurred_at": occurred_at.isoformat(),
        "organization": str(organization_uuid(organization)),
        "resource": {"type": resource_type, "id": str(resource_id)},
    }


def emit(
    *,
    organization_id: int,
    event_type: EventType,
    resource_type: str,
    resource_id: uuid.UUID,
) -> None:
    """Announce that something happened; the deliveries are queued when the current
    transaction commits, so a write that is rolled back sends nothing."""
    event_id = uuid.uuid4()
    occurred_at = timezone.now()
    transaction.on_commit(
        lambda: fan_out(
            organization_id=organization_id,
            event_id=event_id,
            event_type=str(event_type),
            resource_type=resource_type,
            resource_id=resource_id,
            occurred_at=occurred_at,
        )
    )


def emit_for(row: Model, event_type: EventType, resource_type: str) -> None:
    """`emit` for a tenant-owned row with a UUID primary key."""
    emit(
        organization_id=row.organization_id,  # type: ignore[attr-defined]
        event_type=event_type,
        resource_type=resource_type,
        resource_id=row.pk,
    )


def fan_out(
    *,
    organization_id: int,
    event_id: uuid.UUID,
    event_type: str,
    resource_type: str,
    resource_id: uuid.UUID,
    occurred_at: Any,
    only: Iterable[Subscription] | None = None,
) -> list[Delivery]:
    """One delivery per subscription that listens for this event, each tried in a job."""
    if only is None:
        listening = [
            s
            for s in Subscription.objects.filter(
                organization_id=organization_id,
                state__in=[SubscriptionState.ACTIVE, SubscriptionState.FAILING],
            ).select_related("organization")
            if event_type in s.event_types
        ]
    else:
        listening = list(only)
    if not listening:
        return []
    made = []
    with transaction.atomic():
        for subscription in listening:
            delivery = Delivery.objects.create(
                organization_id=organization_id,
                subscription=subscription,
                event_id=event_id,
                event_type=event_type,
                payload=payload(
                    event_id=event_id,
                    event_type=event_type,
                    organization=subscription.organization,
                    resource_type=resource_type,
                    resource_id=resource_id,
                    occurred_at=occurred_at,
                ),
            )
            queue(delivery)
            made.append(delivery)
    return made


# --- the administrator's actions ---------------------------------------------------------------


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


@dataclass(frozen=True)
class WithSecret:
    """A subscription and its signing secret, shown to the administrator this once."""

    subscription: Subscription
    secret: str


def _audit(
    acting: Membership, action: Action, subscription: Subscription, fields: list[str]
) -> None:
    record_member_action(
        acting=acting, action=action, target=Target.of(subscription), changed_fields=fields
    )


def create_subscription(
    *, acting: Membership, description: str, url: str, event_types: list[str]
) -> WithSecret:
    """Subscribe a receiver; its address is checked (AddressRefused says why it may not be)."""
    check_receiver(url, allow_private=settings_for(acting.organization_id).allow_private_addresses)
    secret = new_secret()
    with transaction.atomic():
        subscription = Subscription.objects.create(
            organization=acting.organization,
            description=description.strip(),
            url=url.strip(),
            event_types=sorted(set(event_types)),
            secret=secret,
            created_by=acting.user,
        )
        _audit(acting, Action.CREATE, subscription, ["description", "url", "event_types", "secret"])
    return WithSecret(subscription, secret)


def rotate_secret(*, acting: Membership, subscription: Subscription) -> WithSecret:
    """A new signing secret; the old one stops signing at once."""
    secret = new_secret()
    with transaction.atomic():
        subscription.secret = secret
        subscription.secret_rotated_at = timezone.now()
        subscription.save(update_fields=["secret", "secret_rotated_at"])
        _audit(acting, Action.UPDATE, subscription, ["secret"])
    return WithSecret(subscription, secret)


def set_paused(*, acting: Membership, subscription: Subscription, paused: bool) -> bool:
    """Pause (events meanwhile are not sent) or resume (held deliveries are tried again);
    returns whether anything changed."""
    is_paused = subscription.state == SubscriptionState.PAUSED
    if paused == is_paused:
        return False
    with transaction.atomic():
        subscription.state = SubscriptionState.PAUSED if paused else SubscriptionState.ACTIVE
        subscription.failing_since = None
        subscription.save(update_fields=["state", "failing_since"])
        if not paused:
            held = Delivery.objects.filter(
                organization_id=subscription.organization_id,
                subscription=subscription,
                state=DeliveryState.PENDING,
            ).select_related("subscription")
            for delivery in held:
                queue(delivery)
        _audit(acting, Action.UPDATE, subscription, ["state"])
    return True


def delete_subscription(*, acting: Membership, subscription: Subscription) -> None:
    """Remove the subscription with its delivery log; waiting tries find nothing to send."""
    with transaction.atomic():
        _audit(acting, Action.DELETE, subscription, ["description", "url", "event_types"])
        subscription.delete()


def send_test_event(*, acting: Membership, subscription: Subscription) -> Delivery:
    """A `webhook.test` event to this subscription alone (even while paused is refused by the
    caller), sent when this transaction commits; its outcome shows in the delivery log."""
    event_id = uuid.uuid4()
    with transaction.atomic():
        _audit(acting, Action.CREATE, subscription, ["test_event"])
        made = fan_out(
            organization_id=subscription.organization_id,
            event_id=event_id,
            event_type=EventType.TEST,
            resource_type="webhook_subscription",
            resource_id=subscription.pk,
            occurred_at=timezone.now(),
            only=[subscription],
        )
    return made[0]


def save_settings(*, acting: Membership, allow_private_addresses: bool) -> list[str]:
    _row, changed = save_organization_row(
        acting=acting,
        model=WebhookSettings,
        values={"allow_private_addresses": allow_private_addresses},
    )
    return changed
