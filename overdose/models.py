"""Naloxone kits given, and overdoses known to the program: the person's own (which starts
post-overdose outreach) and the ones they reversed for someone else (a contribution to
celebrate). A death is recorded respectfully and the record is kept."""

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lib.crypto import EncryptedTextField
from organizations.models import Organization
from participants.models import Participant
from participants.owned import ParticipantOwnedQuerySet

# Post-overdose outreach: a first contact within this long of learning of the overdose.
OUTREACH_WITHIN = timedelta(hours=72)
OUTREACH_HOURS = (24, 72)  # the program chooses within this range

# The steps of post-overdose outreach when the program has not written its own.
DEFAULT_OUTREACH_STEPS = (
    _("Reach out by phone, text or in person, and listen"),
    _("Offer naloxone and show how to use it"),
    _("Ask what support they want now: treatment, a meeting, a ride, a place to stay"),
    _("Look at their safety plan together"),
)


class KitGiven(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="naloxone_kits"
    )
    given_on = models.DateField()
    kits = models.PositiveSmallIntegerField(default=1)
    training_given = models.BooleanField(default=False)
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = ParticipantOwnedQuerySet["KitGiven"].as_manager()

    class Meta:
        db_table = "overdose_kit_given"
        ordering = ["-given_on", "-created_at"]
        indexes = [models.Index(fields=["organization", "given_on"], name="overdose_kit_org_day")]

    def __str__(self) -> str:
        return f"naloxone kits {self.pk}"


class Whose(models.TextChoices):
    THEIR_OWN = "their_own", _("Their own overdose")
    THEY_HELPED = "they_helped", _("They helped someone else who overdosed")


class Outcome(models.TextChoices):
    SURVIVED = "survived", _("Survived")
    HOSPITAL = "hospital", _("Went to hospital")
    DIED = "died", _("Died")
    NOT_KNOWN = "not_known", _("Not known")


class ReportedBy(models.TextChoices):
    STAFF = "staff", _("A staff member")
    PARTICIPANT = "participant", _("The participant")


class OverdoseEvent(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="overdose_events"
    )
    whose = models.CharField(max_length=20, choices=Whose.choices)
    happened_on = models.DateField()
    # Where it happened, when known; sensitive, so encrypted.
    place = EncryptedTextField(blank=True, default="")
    naloxone_used = models.BooleanField(default=False)
    reversed = models.BooleanField(default=False)
    emergency_services = models.BooleanField(default=False)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, default=Outcome.NOT_KNOWN)
    # What happened, in the person's own words when they told it.
    in_their_words = EncryptedTextField(blank=True, default="")
    reported_by = models.CharField(max_length=20, choices=ReportedBy.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    # Post-overdose outreach (their own overdose, survived or not known): due, and when done.
    outreach_due_at = models.DateTimeField(null=True, blank=True)
    outreach_done_at = models.DateTimeField(null=True, blank=True)
    outreach_done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = ParticipantOwnedQuerySet["OverdoseEvent"].as_manager()

    class Meta:
        db_table = "overdose_event"
        ordering = ["-happened_on", "-recorded_at"]
        indexes = [
            models.Index(fields=["organization", "happened_on"], name="overdose_event_org_day"),
            models.Index(
                fields=["organization", "outreach_due_at"],
                condition=models.Q(outreach_due_at__isnull=False, outreach_done_at__isnull=True),
                name="overdose_outreach_open",
            ),
        ]

    def __str__(self) -> str:
        return f"overdose event {self.pk}"


class OutreachPlan(models.Model):
    """The program's post-overdose outreach: how soon a first contact is due, and its steps.
    Without a row, 72 hours and the default steps."""

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    within_hours = models.PositiveSmallIntegerField(default=72)
    # One step per line, in the program's own words; empty: the default steps.
    steps = models.TextField(blank=True, default="")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "overdose_outreach_plan"

    def __str__(self) -> str:
        return f"outreach plan {self.organization_id}"


def outreach_steps(written: str | None) -> list[str]:
    """The program's steps, or the default ones (in the reader's language)."""
    own = [line.strip() for line in (written or "").splitlines() if line.strip()]
    return own or [str(step) for step in DEFAULT_OUTREACH_STEPS]
