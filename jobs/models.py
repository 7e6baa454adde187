"""A job: who asked for what, how far it has got, and its result until the result expires."""

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lib.crypto import EncryptedJSONField, EncryptedTextField
from organizations.models import Organization

# A running job writes a heartbeat with its progress; one silent for this long has stopped
# (its process ended), and is shown as failed rather than as running for ever.
STALE_AFTER = timedelta(minutes=2)


class JobState(models.TextChoices):
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Working")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Stopped")


class Job(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=60)
    title = models.CharField(max_length=200)
    # The language of the page the job was asked from: its file and messages are written in it.
    language = models.CharField(max_length=10, blank=True)
    params = EncryptedJSONField(default=dict, blank=True)  # an outside share names its recipient
    state = models.CharField(max_length=10, choices=JobState.choices, default=JobState.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(null=True, blank=True)
    message = models.CharField(max_length=200, blank=True)
    summary = models.CharField(max_length=300, blank=True)
    error = models.CharField(max_length=300, blank=True)
    # The result file, base64 inside the encrypted field; cleared when it expires.
    result = EncryptedTextField(blank=True)
    result_name = models.CharField(max_length=120, blank=True)
    result_type = models.CharField(max_length=100, blank=True)
    result_size = models.PositiveBigIntegerField(default=0)
    # Not started before this moment (a text waiting for the person's texting hours).
    not_before = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["organization", "requested_by", "-created_at"], name="job_org_owner"
            ),
            models.Index(fields=["expires_at"], name="job_expiry"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} ({self.state})"

    @property
    def is_stale(self) -> bool:
        """Running, but nothing heard from it for a while: its process has gone. (A queued job
        may wait longer than this behind another one in worker mode, so it is never stale.)"""
        if self.state != JobState.RUNNING:
            return False
        last = self.heartbeat_at or self.created_at
        return timezone.now() - last > STALE_AFTER

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and timezone.now() >= self.expires_at

    @property
    def percent(self) -> int | None:
        if not self.total:
            return None
        return min(100, self.done * 100 // self.total)
