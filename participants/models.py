"""The participant record and the one rule for who may see it."""

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from organizations.models import Membership, Organization, Role
from organizations.selectors import membership_in


class ContactChannel(models.TextChoices):
    TEXT = "text", _("Text message")
    CALL = "call", _("Phone call")
    IN_PERSON = "in_person", _("In person")
    EMAIL = "email", _("Email")
    NONE = "none", _("Please don't contact me")


class ParticipantStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Taking a break")
    CLOSED = "closed", _("Moved on")


class ParticipantQuerySet(models.QuerySet["Participant"]):
    def visible_to(self, user: Any, organization: Organization | None) -> "ParticipantQuerySet":
        """Participants this user may see in this organization; everything else is out of scope.

        coach: their own caseload; supervisor: their own and their team's caseloads;
        manager: the whole organization; participant: their own record; admin: none
        (admins manage accounts, not participant content).
        """
        membership = membership_in(user, organization)
        if membership is None:
            return self.none()
        in_org = self.filter(organization=organization)
        if membership.role == Role.COACH:
            return in_org.filter(coach=user)
        if membership.role == Role.SUPERVISOR:
            if membership.team_id is None:
                return in_org.filter(coach=user)
            team_coaches = Membership.objects.active().filter(
                organization=organization, team_id=membership.team_id, role=Role.COACH
            )
            return in_org.filter(Q(coach=user) | Q(coach_id__in=team_coaches.values("user_id")))
        if membership.role == Role.MANAGER:
            return in_org
        if membership.role == Role.PARTICIPANT:
            return in_org.filter(user=user)
        return self.none()

    def search(self, text: str) -> "ParticipantQuerySet":
        text = text.strip()
        if not text:
            return self
        return self.filter(preferred_name__icontains=text)


class Participant(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="participants"
    )
    preferred_name = models.CharField(_("name they go by"), max_length=120)
    pronouns = models.CharField(_("pronouns"), max_length=60, blank=True)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    preferred_language = models.CharField(_("preferred language"), max_length=40, blank=True)
    contact_channel = models.CharField(
        _("best way to reach them"),
        max_length=20,
        choices=ContactChannel.choices,
        default=ContactChannel.TEXT,
    )
    voicemail_ok = models.BooleanField(_("OK to leave a voicemail"), default=False)
    organization_name_ok = models.BooleanField(
        _("OK to name the organization in messages"), default=False
    )
    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="caseload",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="participant_record",
    )
    status = models.CharField(
        max_length=20, choices=ParticipantStatus.choices, default=ParticipantStatus.ACTIVE
    )
    enrolled_on = models.DateField(_("enrolled on"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        ordering = ["preferred_name"]
        indexes = [
            models.Index(fields=["organization", "coach", "status"], name="participant_org_coach"),
            models.Index(fields=["organization", "preferred_name"], name="participant_org_name"),
            models.Index(fields=["organization", "enrolled_on"], name="participant_org_enrolled"),
        ]

    def __str__(self) -> str:
        return self.preferred_name

    @property
    def public_id(self) -> uuid.UUID:
        return self.id
