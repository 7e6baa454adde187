"""What the participant chooses about their own Cairn (language, a discreet title, shared phone),
and what they ask of their coach from it (a call, a change to a goal)."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lib.crypto import EncryptedTextField
from organizations.models import Organization
from participants.models import Participant
from participants.owned import ParticipantOwnedQuerySet
from plans.models import Goal


class Language(models.TextChoices):
    ENGLISH = "en", "English"
    SPANISH = "es", "Español"


class PortalPreference(models.Model):
    """One row per participant, created the first time they change a setting."""

    participant = models.OneToOneField(
        Participant, on_delete=models.CASCADE, related_name="portal_preference"
    )
    language = models.CharField(
        _("language"), max_length=5, choices=Language.choices, default=Language.ENGLISH
    )
    discreet_title = models.BooleanField(
        _("use a plain page title (\u201cNotes\u201d) instead of Cairn and my name"), default=False
    )
    shared_device = models.BooleanField(
        _("this phone or computer is shared with someone else"), default=False
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.participant_id} {self.language}"


class CallSource(models.TextChoices):
    CHECK_IN = "check_in", _("from a check-in")
    HELP_NOW = "help_now", _("from Help now")


class CallRequest(models.Model):
    """An "I'd like a call": an urgent item on the coach's Today until someone marks it handled.

    At most one open request per participant (a second tap finds the first one), so a worried
    person tapping twice does not pile up items, and the time shown is when they first asked.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="call_requests"
    )
    created_at = models.DateTimeField(default=timezone.now)
    source = models.CharField(max_length=20, choices=CallSource.choices)
    handled_at = models.DateTimeField(null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = ParticipantOwnedQuerySet["CallRequest"].as_manager()

    class Meta:
        ordering = ["created_at"]
        indexes = [
            models.Index(
                fields=["organization", "participant"],
                condition=models.Q(handled_at__isnull=True),
                name="callrequest_org_open",
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["participant"],
                condition=models.Q(handled_at__isnull=True),
                name="callrequest_one_open",
            )
        ]

    def __str__(self) -> str:
        return f"call request {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def is_open(self) -> bool:
        return self.handled_at is None


class GoalSuggestion(models.Model):
    """A change the participant suggests to one of their goals, in their words, until the coach
    marks it talked about (the goal itself changes only through the plan, together)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="goal_suggestions"
    )
    goal = models.ForeignKey(Goal, on_delete=models.PROTECT, related_name="suggestions")
    text = EncryptedTextField(_("what you would change"), max_length=1000)
    created_at = models.DateTimeField(default=timezone.now)
    talked_about_at = models.DateTimeField(null=True, blank=True)
    talked_about_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = ParticipantOwnedQuerySet["GoalSuggestion"].as_manager()

    class Meta:
        ordering = ["created_at"]
        indexes = [
            models.Index(
                fields=["organization", "participant", "talked_about_at"],
                name="goalsuggestion_org_part",
            )
        ]

    def __str__(self) -> str:
        return f"suggestion {self.created_at:%Y-%m-%d}"
