"""Secure messages: one thread per participant with their care team; bodies encrypted at rest."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lib.crypto import EncryptedTextField
from organizations.models import Organization
from participants.models import Participant
from participants.owned import ParticipantOwnedQuerySet

MAX_MESSAGE_CHARS = 2000


class TextState(models.TextChoices):
    """Where the text that goes with a coach's message is: the message itself (when the person
    texts with the program) or the note that a message is waiting."""

    NONE = "", _("no text")
    QUEUED = "queued", _("waiting for their texting hours")
    SENT = "sent", _("sent")
    DELIVERED = "delivered", _("delivered")
    RETRYING = "retrying", _("not sent yet: the text service did not take it; trying again")
    FAILED = "failed", _("not sent: the text service did not take it")
    STOPPED = "stopped", _("not sent: they texted STOP")


class Thread(models.Model):
    """The one conversation between a participant and their coach (not a chat: no typing
    indicators, no read receipts beyond 'new')."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    participant = models.OneToOneField(
        Participant, on_delete=models.PROTECT, related_name="message_thread"
    )
    last_message_at = models.DateTimeField(null=True, blank=True)
    # Kept on the thread so lists and home cards need no counting query.
    unread_by_staff = models.PositiveIntegerField(default=0)
    unread_by_participant = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ParticipantOwnedQuerySet["Thread"].as_manager()

    class Meta:
        indexes = [
            models.Index(
                fields=["organization", "-unread_by_staff", "-last_message_at"],
                name="thread_org_unread",
            )
        ]

    def __str__(self) -> str:
        return f"thread {self.participant_id}"


class Message(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    thread = models.ForeignKey(Thread, on_delete=models.PROTECT, related_name="messages")
    # Empty for a text from someone without a portal account (it came by text).
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    from_participant = models.BooleanField()
    # Written by Cairn in the coach's name (the out-of-hours reply), not typed by anyone.
    automatic = models.BooleanField(default=False)
    # From the person: it came in by text. From staff: the message itself goes out by text.
    by_text = models.BooleanField(default=False)
    text_state = models.CharField(max_length=10, choices=TextState.choices, blank=True)
    # The provider's id for the text that went out, which its delivery reports name.
    provider_message_id = models.CharField(max_length=64, blank=True)
    body = EncryptedTextField(_("message"), max_length=MAX_MESSAGE_CHARS)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    participant_path = "thread__participant"
    objects = ParticipantOwnedQuerySet["Message"].as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["organization", "thread", "-created_at"], name="message_org_thread"
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["provider_message_id"],
                condition=~models.Q(provider_message_id=""),
                name="message_one_provider_id",
            )
        ]

    def __str__(self) -> str:
        return f"message {self.created_at:%Y-%m-%d %H:%M}"
