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
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    from_participant = models.BooleanField()
    # Written by Cairn in the coach's name (the out-of-hours reply), not typed by anyone.
    automatic = models.BooleanField(default=False)
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

    def __str__(self) -> str:
        return f"message {self.created_at:%Y-%m-%d %H:%M}"
