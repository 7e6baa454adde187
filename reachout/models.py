"""Reach-out-soon signals: a check-in, a call asked for or a message that asks a coach to get in
touch soon, and what the coach did. A signal is the coach's prompt, never a mark on the person:
participants never see one."""

import uuid
from datetime import time

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lib.crypto import EncryptedTextField
from organizations.models import Organization, Team
from participants.models import Participant
from participants.owned import ParticipantOwnedQuerySet

# Phrases that, written in a portal message, ask a coach to reach out soon unless the program
# keeps its own list: said plainly in English and Spanish, about wanting to die or an overdose.
DEFAULT_WORDS = (
    "want to die",
    "kill myself",
    "end it all",
    "overdose",
    "overdosed",
    "quiero morir",
    "matarme",
    "sobredosis",
)


# How long a signal may wait for a coach before Today says it has waited too long.
DEFAULT_WINDOW_MINUTES = 30


def default_work_days() -> list[int]:
    """Monday to Friday (Monday is 0, as Python counts)."""
    return [0, 1, 2, 3, 4]


class Reason(models.TextChoices):
    HARD_DAY_AND_URGES = "hard_day_and_urges", _("Having a hard day, with very strong urges")
    NOT_SUPPORTED = "not_supported", _("Feeling not at all supported")
    CALL_ASKED = "call_asked", _("Asked for a call")
    WORDS = "words", _("Wrote words the program listed")


class Source(models.TextChoices):
    CHECK_IN = "check_in", _("Check-in")
    CALL_REQUEST = "call_request", _("Call request")
    MESSAGE = "message", _("Message")


class Response(models.TextChoices):
    REACHED = "reached", _("Reached them")
    LEFT_MESSAGE = "left_message", _("Left a message")
    SENT_988 = "sent_988", _("Sent 988 information")
    EMERGENCY = "emergency", _("Called emergency services")


class ReachOutSettings(models.Model):
    """What raises a signal in one organization. Without a row the defaults hold: a hard day with
    very strong urges, feeling not at all supported, and the default words."""

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    on_hard_day_and_urges = models.BooleanField(default=True)
    on_not_supported = models.BooleanField(default=True)
    on_call_asked = models.BooleanField(default=False)
    # One word or phrase per line; matched whole-word, ignoring case and accents.
    words = models.TextField(blank=True, default="\n".join(DEFAULT_WORDS))
    # How long a signal may wait before Today shows it as waiting too long.
    acknowledge_within_minutes = models.PositiveSmallIntegerField(default=DEFAULT_WINDOW_MINUTES)
    # When coaches work, in the organization's time zone: a signal raised outside these hours
    # tells the person at once when their coach is back, with 988 and the crisis lines.
    work_days = models.JSONField(default=default_work_days)
    work_starts = models.TimeField(default=time(9, 0))
    work_ends = models.TimeField(default=time(17, 0))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "reachout_settings"

    def __str__(self) -> str:
        return f"reach-out settings {self.organization_id}"

    def word_list(self) -> list[str]:
        return [line.strip() for line in self.words.splitlines() if line.strip()]

    def reasons_on(self) -> set[str]:
        chosen = {
            Reason.HARD_DAY_AND_URGES: self.on_hard_day_and_urges,
            Reason.NOT_SUPPORTED: self.on_not_supported,
            Reason.CALL_ASKED: self.on_call_asked,
            Reason.WORDS: bool(self.word_list()),
        }
        return {reason for reason, on in chosen.items() if on}


class Signal(models.Model):
    """One "reach out soon" for a participant, raised once per check-in, call request or
    message, and acknowledged once: by whom, when, and what they did."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="reach_out_signals"
    )
    source = models.CharField(max_length=20, choices=Source.choices)
    source_id = models.UUIDField()
    reasons = models.JSONField(default=list)
    # The listed words found in a message (they repeat what the person wrote).
    words_found = EncryptedTextField(blank=True, default="")
    raised_at = models.DateTimeField(default=timezone.now)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    response = models.CharField(max_length=20, choices=Response.choices, blank=True)
    response_note = EncryptedTextField(blank=True, default="")

    objects = ParticipantOwnedQuerySet["Signal"].as_manager()

    class Meta:
        db_table = "reachout_signal"
        ordering = ["raised_at"]
        constraints = [
            models.UniqueConstraint(fields=["source", "source_id"], name="reachout_one_per_source")
        ]
        indexes = [
            models.Index(
                fields=["organization", "participant"],
                condition=models.Q(acknowledged_at__isnull=True),
                name="reachout_open",
            )
        ]

    def __str__(self) -> str:
        return f"reach-out signal {self.pk}"

    def reason_labels(self) -> list[str]:
        return [str(Reason(code).label) for code in self.reasons if code in Reason.values]


class OnCallShift(models.Model):
    """Who answers signals their coach has not answered in time, and when: for one team, or for
    the whole program when `team` is empty. Outside every shift, signals go to the supervisor."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey(
        Team, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "reachout_on_call_shift"
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="on_call_ends_after"
            )
        ]
        indexes = [models.Index(fields=["organization", "ends_at"], name="on_call_org_end")]

    def __str__(self) -> str:
        return f"on-call shift {self.pk}"


class TextChoice(models.Model):
    """A staff member's own choice to be texted about signals: their phone, and which signals.
    The text never names the person; it asks them to open Today."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    phone = EncryptedTextField(blank=True, default="")  # E.164
    on_own_signals = models.BooleanField(default=False)
    on_escalations = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "reachout_text_choice"

    def __str__(self) -> str:
        return f"signal texts for {self.user_id}"


class TextBecause(models.TextChoices):
    COACH = "coach", _("their coach")
    ON_CALL = "on_call", _("on call")
    SUPERVISOR = "supervisor", _("the supervisor")


class TextState(models.TextChoices):
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Could not be sent")


class SignalText(models.Model):
    """One text about a signal to one staff member, once: whether the provider took it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    signal = models.ForeignKey(Signal, on_delete=models.CASCADE, related_name="texts")
    to = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    because = models.CharField(max_length=20, choices=TextBecause.choices)
    state = models.CharField(max_length=10, choices=TextState.choices)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "reachout_signal_text"
        ordering = ["at"]
        constraints = [
            models.UniqueConstraint(fields=["signal", "to"], name="reachout_one_text_each")
        ]

    def __str__(self) -> str:
        return f"signal text {self.pk}"
