"""Appointments: one-off or recurring meetings of a coach with a participant or a group, and each
coach's private calendar feed."""

import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from groups.models import Group
from lib.crypto import EncryptedCharField
from organizations.models import Organization
from participants.models import Participant
from participants.owned import ParticipantOwnedQuerySet


class Mode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    PHONE = "phone", _("Phone")
    VIDEO = "video", _("Video")
    TEXT = "text", _("Text")


class Status(models.TextChoices):
    BOOKED = "booked", _("Booked")
    MOVED = "moved", _("Moved")
    CANCELLED = "cancelled", _("Cancelled")
    ATTENDED = "attended", _("Attended")
    NO_SHOW = "no_show", _("Did not make it")

    @classmethod
    def upcoming(cls) -> tuple[str, ...]:
        return (cls.BOOKED, cls.MOVED)


class CancelledBy(models.TextChoices):
    PARTICIPANT = "participant", _("The participant")
    COACH = "coach", _("The coach")
    PROGRAM = "program", _("The program")


class Series(models.Model):
    """A recurring appointment as it was booked: every N weeks, until a date or for a count. Its
    occurrences are stored rows (`Appointment`), so one can be moved or cancelled alone."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    every_weeks = models.PositiveSmallIntegerField(default=1)
    until = models.DateField(null=True, blank=True)
    count = models.PositiveSmallIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "appointments_series"
        indexes = [models.Index(fields=["organization", "created_at"], name="appt_series_org")]

    def __str__(self) -> str:
        return f"series {self.pk}"


class Appointment(models.Model):
    """One meeting: with a participant (participant-owned, scoped by the participant rule) or
    with a group (scoped by the group's facilitator rule)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    participant = models.ForeignKey(
        Participant,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="appointments",
    )
    group = models.ForeignKey(
        Group, on_delete=models.CASCADE, null=True, blank=True, related_name="appointments"
    )
    coach = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    series = models.ForeignKey(
        Series, on_delete=models.SET_NULL, null=True, blank=True, related_name="occurrences"
    )
    starts_at = models.DateTimeField(_("starts"))
    duration_minutes = models.PositiveSmallIntegerField(_("length in minutes"), default=60)
    mode = models.CharField(_("how"), max_length=12, choices=Mode.choices, default=Mode.IN_PERSON)
    place = EncryptedCharField(_("where"), max_length=200, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.BOOKED)
    cancelled_by = models.CharField(max_length=12, choices=CancelledBy.choices, blank=True)
    cancel_reason = EncryptedCharField(_("reason"), max_length=300, blank=True)
    outcome_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ParticipantOwnedQuerySet["Appointment"].as_manager()

    class Meta:
        ordering = ["starts_at"]
        indexes = [
            models.Index(fields=["organization", "coach", "starts_at"], name="appt_org_coach"),
            models.Index(
                fields=["organization", "participant", "starts_at"], name="appt_org_participant"
            ),
            models.Index(fields=["organization", "group", "starts_at"], name="appt_org_group"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(participant__isnull=False, group__isnull=True)
                | models.Q(participant__isnull=True, group__isnull=False),
                name="appointment_with_one_party",
            )
        ]

    def __str__(self) -> str:
        return f"appointment {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.duration_minutes)

    @property
    def with_whom(self) -> str:
        """The participant's preferred name, or the group's name."""
        if self.participant is not None:
            return self.participant.preferred_name
        return self.group.name if self.group is not None else ""

    @property
    def is_upcoming(self) -> bool:
        return self.status in Status.upcoming()


class TitleStyle(models.TextChoices):
    INITIALS = "initials", _("Initials (for example “P. R.”)")
    CHECK_IN = "check_in", _("Just “Check-in”")


class CalendarFeed(models.Model):
    """A coach's private iCal address: only a hash of its secret is stored; revoking or making a
    new one ends the old address."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    coach = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    title_style = models.CharField(
        _("Event titles"), max_length=12, choices=TitleStyle.choices, default=TitleStyle.CHECK_IN
    )
    show_place = models.BooleanField(_("Include where it is"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "coach"], name="calendarfeed_once")
        ]

    def __str__(self) -> str:
        return f"calendar feed of {self.coach_id}"


# --- reminders -------------------------------------------------------------------------------


class ReminderLead(models.TextChoices):
    """How long before an appointment a reminder goes (a choice; each reminder row holds one of
    the first two)."""

    DAY_BEFORE = "day_before", _("The day before")
    TWO_HOURS = "two_hours", _("2 hours before")
    BOTH = "both", _("Both: the day before and 2 hours before")

    @classmethod
    def each(cls, choice: str) -> list["ReminderLead"]:
        if choice == cls.BOTH:
            return [cls.DAY_BEFORE, cls.TWO_HOURS]
        return [cls(choice)]


class ReminderWay(models.TextChoices):
    TEXT = "text", _("By text message")
    PORTAL = "portal", _("Only in the portal, no texts")


class ReminderChoice(models.Model):
    """The person's choice about appointment reminders, set with their coach or in their portal.
    No row means they have not chosen: nothing is texted (reminders are opt-in)."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    participant = models.OneToOneField(
        Participant, on_delete=models.CASCADE, related_name="reminder_choice"
    )
    wanted = models.BooleanField(_("Reminders"), default=True)
    lead = models.CharField(
        _("When"), max_length=12, choices=ReminderLead.choices, default=ReminderLead.DAY_BEFORE
    )
    way = models.CharField(
        _("How"), max_length=8, choices=ReminderWay.choices, default=ReminderWay.TEXT
    )
    # Sessions of the groups they belong to, besides their own appointments.
    groups = models.BooleanField(_("Group sessions too"), default=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["organization", "participant"], name="reminderchoice_org")]

    def __str__(self) -> str:
        return f"reminder choice of {self.participant_id}"

    @property
    def texts(self) -> bool:
        return self.wanted and self.way == ReminderWay.TEXT


class ReminderState(models.TextChoices):
    QUEUED = "queued", _("Waiting to go")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    CANCELLED = "cancelled", _("Not needed any more")
    NOT_SENT = "not_sent", _("Not sent")
    # The sender stopped (killed, crashed) while the text service was taking this text: it may
    # have gone. It is never sent again, so it cannot go twice; the coach sees it is unsure.
    UNSURE = "unsure", _("Not sure it was sent")


class ReminderNote(models.TextChoices):
    """Why a reminder waits longer than planned, or was not sent."""

    NONE = "", _("—")
    PROVIDER = "provider", _("Not sent yet: the text service did not take it, trying again")
    GAVE_UP = "gave_up", _("The text service did not take it before the appointment")
    NO_CONTACT = "no_contact", _("They asked not to be contacted")
    NO_TEXT = "no_text", _("Text is not a way they chose, or there is no number")
    STOPPED = "stopped", _("They texted STOP: no texts until they text START")
    TOO_LATE = "too_late", _("Their texting hours end before the appointment")
    INTERRUPTED = (
        "interrupted",
        _(
            "Sending stopped while the text service was taking it; it is not sent again, so it "
            "cannot go twice"
        ),
    )


class Reminder(models.Model):
    """One text reminder of one appointment. It is claimed (queued → sending, with this worker's
    token) by one conditional UPDATE before it is sent, so two workers never both send it; a
    claim left by a worker that stopped is taken again after a few minutes, except a reminder it
    was handing to the provider at that moment (`handed_at`), which becomes "not sure it was
    sent" instead of perhaps going twice."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="reminders")
    # Who it goes to: the appointment's person, or one member of the group that meets.
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="+", null=True, blank=True
    )
    lead = models.CharField(max_length=12, choices=ReminderLead.choices)
    # When the lead puts it, and when it may go: inside their texting hours, later after a
    # provider failure.
    due_at = models.DateTimeField()
    send_at = models.DateTimeField()
    state = models.CharField(
        max_length=10, choices=ReminderState.choices, default=ReminderState.QUEUED
    )
    note = models.CharField(max_length=12, choices=ReminderNote.choices, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    claim = models.UUIDField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    # Set (under this worker's claim) just before the text is handed to the provider: a claim
    # left behind with this set may have reached the person, so it is never sent again.
    handed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_at"]
        indexes = [
            models.Index(fields=["organization", "appointment"], name="reminder_org_appt"),
            # The sender's one question, across organizations: what is due now.
            models.Index(fields=["state", "send_at"], name="reminder_due"),
        ]

    def __str__(self) -> str:
        return f"reminder {self.lead} ({self.state})"

    @property
    def not_sent_yet(self) -> bool:
        """Due, and still not sent: the coach sees it on the appointment."""
        return self.state in (ReminderState.QUEUED, ReminderState.SENDING) and (
            self.attempts > 0 or self.send_at < timezone.now() - timedelta(minutes=5)
        )
