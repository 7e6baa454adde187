"""Texts that come back from people: one row per text the provider delivered to Cairn (its id
unique, so a replayed webhook makes no second row), and where each one went."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lib.crypto import EncryptedTextField
from organizations.models import Organization
from participants.models import Participant
from texting.keywords import Keyword

# Longer texts are kept to this many characters (a provider's longest joined text is 1,600).
MAX_TEXT_CHARS = 1600


class Provider(models.TextChoices):
    TWILIO = "twilio", _("Twilio")


class Match(models.TextChoices):
    """Whose text it is, decided by the number it came from, never guessed."""

    ONE = "one", _("From one person's number: in their messages")
    SHARED = "shared", _("From a number more than one person gave: someone chooses whose")
    UNKNOWN = "unknown", _("From a number no one in the program gave")
    CHOSEN = "chosen", _("Placed in a person's messages by staff")


class InboundText(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    provider = models.CharField(max_length=20, choices=Provider.choices)
    provider_message_id = models.CharField(max_length=64)
    # E.164 when it could be read, else the sender as the provider gave it.
    from_phone = models.CharField(max_length=32)
    # Kept only while nobody's messages hold it (shared and unknown numbers).
    body = EncryptedTextField(max_length=MAX_TEXT_CHARS + 200, blank=True)
    keyword = models.CharField(max_length=10, choices=Keyword.choices, blank=True)
    media_count = models.PositiveSmallIntegerField(default=0)
    truncated = models.BooleanField(default=False)
    match = models.CharField(max_length=10, choices=Match.choices)
    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    message_id = models.UUIDField(null=True, blank=True)  # inbox.Message it became
    received_at = models.DateTimeField(auto_now_add=True)
    # Waiting for a person to be chosen while this is empty (shared and unknown numbers).
    settled_at = models.DateTimeField(null=True, blank=True)
    settled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "provider_message_id"], name="inboundtext_one_per_provider_id"
            )
        ]
        indexes = [
            models.Index(
                fields=["organization", "settled_at", "-received_at"],
                name="inboundtext_org_waiting",
            )
        ]

    def __str__(self) -> str:
        return f"text {self.provider_message_id}"

    @property
    def public_id(self) -> uuid.UUID:
        return self.id
