"""Safety plans (one per participant, every change kept as a version) and local crisis lines."""

import uuid
from functools import cached_property
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lib.crypto import EncryptedTextField
from organizations.models import Organization, Role
from participants.models import Participant
from participants.owned import ParticipantOwnedQuerySet
from safety.content import PlanContent, display_phone


class CrisisLine(models.Model):
    """A local line the organization adds next to 988; retired lines stay for old versions' sake."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="crisis_lines"
    )
    name = models.CharField(_("name"), max_length=120)
    phone = models.CharField(_("phone to call"), max_length=20, blank=True)
    text_number = models.CharField(_("number to text"), max_length=20, blank=True)
    hours = models.CharField(_("hours"), max_length=120, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        indexes = [
            models.Index(fields=["organization", "is_active"], name="crisisline_org_active"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def phone_display(self) -> str:
        return display_phone(self.phone)

    @property
    def text_display(self) -> str:
        return display_phone(self.text_number)


class SafetyPlan(models.Model):
    """The participant's plan; its words live in the versions. The newest version is current.

    Not one-to-one on purpose: merging two records moves both plans to the kept record, where
    the most recently changed one is current and the other keeps its history.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="safety_plans"
    )
    # The newest version's facts, kept here so the overview reads them in one query.
    current_number = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_by_role = models.CharField(max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(default=timezone.now)

    objects = ParticipantOwnedQuerySet["SafetyPlan"].as_manager()

    class Meta:
        ordering = ["-updated_at"]
        indexes = [
            models.Index(
                fields=["organization", "participant", "-updated_at"],
                name="safetyplan_org_participant",
            )
        ]

    def __str__(self) -> str:
        return f"safety plan {self.id}"


class SafetyPlanVersion(models.Model):
    """One saved state of a plan: written once, never changed (only re-encrypted on rotation)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    plan = models.ForeignKey(SafetyPlan, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    # Every part as one JSON document, encrypted as a whole.
    content = EncryptedTextField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_by_role = models.CharField(max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(default=timezone.now)

    participant_path = "plan__participant"
    objects = ParticipantOwnedQuerySet["SafetyPlanVersion"].as_manager()

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="safetyplanversion_unique")
        ]
        indexes = [
            models.Index(
                fields=["organization", "plan", "-number"], name="safetyplanversion_org_plan"
            )
        ]

    def __str__(self) -> str:
        return f"version {self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValueError("a safety plan version is never changed; save a new version")
        super().save(*args, **kwargs)

    @cached_property
    def plan_content(self) -> PlanContent:
        return PlanContent.from_json(self.content)

    @property
    def by_participant(self) -> bool:
        return self.changed_by_role == Role.PARTICIPANT
