"""Webhook subscriptions of an organization, the deliveries of events to them, and each attempt."""

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lib.crypto import EncryptedTextField
from organizations.models import Organization


class EventType(models.TextChoices):
    NOTE_SIGNED = "note.signed", _("A contact note was signed")
    REFERRAL_STATE_CHANGED = "referral.state_changed", _("A referral changed state")
    APPOINTMENT_CHANGED = "appointment.changed", _("An appointment was booked or changed")
    CHECK_IN_SIGNAL = "check_in.signal", _("A check-in asked for someone to reach out")
    TEST = "webhook.test", _("Test event")

    @classmethod
    def subscribable(cls) -> list[tuple[str, Any]]:
        return [(value, label) for value, label in cls.choices if value != cls.TEST]


class SubscriptionState(models.TextChoices):
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")
    # Deliveries ran out of retries: still sent to, and active again after a delivery that works.
    FAILING = "failing", _("Failing")


class Subscription(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    description = models.CharField(max_length=120)
    url = models.URLField(max_length=500)
    event_types = models.JSONField(default=list)
    # Shown once at creation and at each rotation; kept encrypted to sign deliveries.
    secret = EncryptedTextField()
    state = models.CharField(
        max_length=10, choices=SubscriptionState.choices, default=SubscriptionState.ACTIVE
    )
    failing_since = models.DateTimeField(null=True, blank=True)
    secret_rotated_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["organization", "state"], name="webhook_sub_org_state")]

    def __str__(self) -> str:
        return self.description

    def event_labels(self) -> list[str]:
        labels = dict(EventType.choices)
        return [str(labels.get(value, value)) for value in self.event_types]


class WebhookSettings(models.Model):
    """An organization's webhook choices; without a row the defaults hold (public https only)."""

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    # For a receiver inside the program's own network (or a loopback test receiver): allows
    # private, loopback and link-local addresses, and http://.
    allow_private_addresses = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"webhook settings of {self.organization_id}"


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Gave up")


class Delivery(models.Model):
    """One event for one subscription; its payload holds identifiers only."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    event_id = models.UUIDField()
    event_type = models.CharField(max_length=40, choices=EventType.choices)
    payload = models.JSONField()
    state = models.CharField(
        max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["organization", "subscription", "-created_at"], name="webhook_delivery_sub"
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "event_id"], name="webhook_one_delivery_per_event"
            )
        ]

    def __str__(self) -> str:
        return f"{self.event_type} to {self.subscription_id}"


class Problem(models.TextChoices):
    """Why an attempt did not deliver, said in plain words on the delivery log."""

    REFUSED_ADDRESS = (
        "refused_address",
        _(
            "Not sent: the address is inside a private network, and this organization does not "
            "allow that"
        ),
    )
    NOT_FOUND = "not_found", _("The receiver's name could not be found (DNS)")
    TIMEOUT = "timeout", _("The receiver did not answer in time")
    CONNECTION = "connection", _("Could not connect to the receiver")
    TLS = "tls", _("The receiver's secure connection (TLS certificate) could not be checked")
    REDIRECT = "redirect", _("The receiver answered with a redirect, which is not followed")
    STATUS = "status", _("The receiver answered with an error status")


class Attempt(models.Model):
    """One try at a delivery, as the delivery log shows it."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="tries")
    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="+")
    number = models.PositiveSmallIntegerField()
    at = models.DateTimeField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    succeeded = models.BooleanField(default=False)
    problem = models.CharField(max_length=20, choices=Problem.choices, blank=True)
    # The start of the receiver's answer, capped: enough to recognise an error page.
    response_excerpt = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["organization", "subscription", "-at"], name="webhook_attempt_sub")
        ]

    def __str__(self) -> str:
        return f"attempt {self.number} of {self.delivery_id}"
