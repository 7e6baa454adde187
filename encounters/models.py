"""Contacts with participants: brief check-ins and full notes, signed and then locked."""

import uuid
from datetime import date

from django.conf import settings
from django.db import models
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from lib.crypto import EncryptedCharField, EncryptedTextField
from lib.model_loading import fast_from_db
from organizations.models import Organization
from participants.models import Participant
from participants.owned import ParticipantOwnedQuerySet

LATE_ENTRY_HOURS = 72
MAX_DURATION_MINUTES = 12 * 60

DEFAULT_SERVICE_TYPES = [
    gettext_noop("Recovery coaching"),
    gettext_noop("Telephone recovery support"),
    gettext_noop("Peer support group"),
    gettext_noop("Advocacy"),
    gettext_noop("Resource navigation"),
    gettext_noop("Transportation"),
    gettext_noop("Crisis support"),
    gettext_noop("Follow-up"),
]


def service_label(name: str) -> str:
    """A service type's name in the reader's language when it is one of the defaults Cairn gave
    (an organization's own names are shown as they wrote them)."""
    return gettext(name) if name in DEFAULT_SERVICE_TYPES else name


class ContactType(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    PHONE = "phone", _("Phone")
    VIDEO = "video", _("Video")
    TEXT = "text", _("Text message")
    GROUP = "group", _("Group")
    OUTREACH = "outreach", _("Outreach attempt (no contact made)")
    COLLATERAL = "collateral", _("Collateral (support person or agency)")


class Outcome(models.TextChoices):
    """How a call or message went; only 'reached' counts as contact with the person."""

    REACHED = "reached", _("Reached")
    LEFT_MESSAGE = "left_message", _("Left a message")
    NO_ANSWER = "no_answer", _("No answer")
    WRONG_NUMBER = "wrong_number", _("Wrong number")


class NoteState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SIGNED = "signed", _("Signed")


class ReviewState(models.TextChoices):
    NOT_NEEDED = "", _("No co-signature needed")
    PENDING = "pending", _("Waiting for co-signature")
    RETURNED = "returned", _("Returned with a comment")
    COSIGNED = "cosigned", _("Co-signed")


class WithheldReason(models.TextChoices):
    """Why a signed note is not shown in the participant's portal; worded so they can read it."""

    ANOTHER_PERSON = "another_person", _("it has information about another person")
    RISK = "risk", _("sharing it could put someone at risk")
    OTHER = "other", _("your coach gave another reason")


class ServiceType(models.Model):
    """An organization's list of services a contact can be recorded under."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="service_types"
    )
    name = models.CharField(_("name"), max_length=80)
    is_active = models.BooleanField(default=True)
    needs_cosign = models.BooleanField(_("notes need a supervisor's co-signature"), default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "name"], name="servicetype_unique_name_per_org"
            )
        ]

    def __str__(self) -> str:
        return service_label(self.name)


class Encounter(models.Model):
    """One contact (or attempt) with a participant, written by their coach."""

    from_db = fast_from_db  # long lists: no Model.__init__ per row (lib.model_loading)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="encounters"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="encounters"
    )
    contact_type = models.CharField(
        _("type of contact"), max_length=20, choices=ContactType.choices
    )
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=Outcome.choices, default=Outcome.REACHED
    )
    started_at = models.DateTimeField(_("when"))  # UTC; shown in the organization's zone
    occurred_on = models.DateField(_("date"))  # the local date of started_at, for day lists
    duration_minutes = models.PositiveSmallIntegerField(_("minutes"), null=True, blank=True)
    setting = EncryptedCharField(_("setting or place"), max_length=120, blank=True)
    service_type = models.ForeignKey(
        ServiceType,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("service type"),
    )
    summary = EncryptedTextField(_("in one line"), max_length=300, blank=True)
    topics = EncryptedTextField(_("topics"), max_length=300, blank=True)
    coach_actions = EncryptedTextField(_("what I did"), max_length=5000, blank=True)
    participant_response = EncryptedTextField(_("how they responded"), max_length=5000, blank=True)
    own_words = EncryptedTextField(_("in their own words"), max_length=2000, blank=True)
    next_steps = EncryptedTextField(_("next steps"), max_length=2000, blank=True)
    next_contact_on = models.DateField(_("next contact"), null=True, blank=True)
    goals_addressed = models.ManyToManyField(
        "plans.Goal", blank=True, related_name="encounters", verbose_name=_("goals addressed")
    )
    is_brief = models.BooleanField(default=True)
    group_session = models.ForeignKey(
        "groups.GroupSession",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contacts",
    )
    state = models.CharField(max_length=10, choices=NoteState.choices, default=NoteState.DRAFT)
    signed_at = models.DateTimeField(null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    signer_credentials = models.CharField(max_length=120, blank=True)
    content_hash = models.CharField(max_length=64, blank=True)
    late_entry = models.BooleanField(default=False)
    review_state = models.CharField(
        max_length=10, choices=ReviewState.choices, default=ReviewState.NOT_NEEDED, blank=True
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_comment = EncryptedTextField(max_length=2000, blank=True)
    review_comment_seen = models.BooleanField(default=True)
    version = models.PositiveIntegerField(default=1)
    # Open notes: shown to the participant once signed, unless withheld with a reason.
    withheld_reason = models.CharField(
        _("reason"), max_length=20, choices=WithheldReason.choices, blank=True
    )
    withheld_detail = EncryptedTextField(
        _("a few words for the participant"), max_length=300, blank=True
    )
    withheld_at = models.DateTimeField(null=True, blank=True)
    withheld_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ParticipantOwnedQuerySet["Encounter"].as_manager()

    class Meta:
        ordering = ["-started_at"]
        indexes = [
            models.Index(
                fields=["organization", "participant", "-started_at"],
                name="encounter_org_participant",
            ),
            # An author's notes in one state, newest first: Today's "Notes left in draft" reads
            # its first 50 from the index instead of sorting every draft (a coach at state
            # scale had 814: 1.26 ms to 0.21 ms).
            models.Index(
                fields=["organization", "author", "state", "-started_at"],
                name="encounter_org_author_state_at",
            ),
            # Covering: the program dashboard counts a range's contacts by month, type, service
            # and person from this index alone (an index-only scan, no table rows read).
            models.Index(
                fields=["organization", "occurred_on"],
                include=[
                    "participant",
                    "contact_type",
                    "outcome",
                    "service_type",
                    "duration_minutes",
                ],
                name="encounter_org_day",
            ),
            models.Index(fields=["organization", "review_state"], name="encounter_org_review"),
        ]

    def __str__(self) -> str:
        return f"{self.get_contact_type_display()} {self.occurred_on}"

    @property
    def is_signed(self) -> bool:
        return self.state == NoteState.SIGNED

    @property
    def counts_as_contact(self) -> bool:
        """Whether the person was actually reached (attempts don't reset 'last contact')."""
        return self.contact_type != ContactType.OUTREACH and self.outcome == Outcome.REACHED

    @property
    def has_content(self) -> bool:
        return any(
            getattr(self, name).strip()
            for name in (
                "summary",
                "coach_actions",
                "participant_response",
                "own_words",
                "next_steps",
                "topics",
            )
        )


class Addendum(models.Model):
    """A dated addition to a signed note; the note itself never changes after signing."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    encounter = models.ForeignKey(Encounter, on_delete=models.PROTECT, related_name="addenda")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = EncryptedTextField(_("addendum"), max_length=5000)
    content_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    participant_path = "encounter__participant"
    objects = ParticipantOwnedQuerySet["Addendum"].as_manager()

    class Meta:
        ordering = ["created_at"]
        indexes = [
            models.Index(fields=["organization", "encounter"], name="addendum_org_encounter")
        ]

    def __str__(self) -> str:
        return f"addendum {self.created_at:%Y-%m-%d}"


class FeedbackKind(models.TextChoices):
    COMMENT = "comment", _("Comment")
    CORRECTION = "correction", _("Correction request")


class FeedbackStatus(models.TextChoices):
    OPEN = "open", _("Waiting for your coach")
    SEEN = "seen", _("Your coach read it")
    ACCEPTED = "accepted", _("Corrected: the change was added to the note")
    DECLINED = "declined", _("Not changed")


class NoteFeedback(models.Model):
    """A participant's comment on a note about them, or their request to correct it. An accepted
    correction becomes an addendum, so the signed text itself never changes."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    encounter = models.ForeignKey(Encounter, on_delete=models.PROTECT, related_name="feedback")
    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="note_feedback"
    )
    kind = models.CharField(max_length=12, choices=FeedbackKind.choices)
    text = EncryptedTextField(_("what you want to say"), max_length=2000)
    suggested = EncryptedTextField(_("what it should say"), max_length=2000, blank=True)
    status = models.CharField(
        max_length=10, choices=FeedbackStatus.choices, default=FeedbackStatus.OPEN
    )
    answer = EncryptedTextField(_("answer"), max_length=2000, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    addendum = models.OneToOneField(
        Addendum, on_delete=models.PROTECT, null=True, blank=True, related_name="feedback"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ParticipantOwnedQuerySet["NoteFeedback"].as_manager()

    class Meta:
        ordering = ["created_at"]
        indexes = [
            models.Index(fields=["organization", "encounter"], name="feedback_org_encounter"),
            models.Index(fields=["organization", "status"], name="feedback_org_status"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} on {self.encounter_id}"

    @property
    def is_open(self) -> bool:
        return self.status == FeedbackStatus.OPEN


class Frequency(models.IntegerChoices):
    WEEKLY = 1, _("Every week")
    FORTNIGHTLY = 2, _("Every 2 weeks")
    FOUR_WEEKLY = 4, _("Every 4 weeks")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class CheckInSchedule(models.Model):
    """A recurring check-in the participant asked for (telephone recovery support)."""

    from_db = fast_from_db  # long lists: no Model.__init__ per row (lib.model_loading)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="check_in_schedules"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    every_weeks = models.PositiveSmallIntegerField(
        _("how often"), choices=Frequency.choices, default=Frequency.WEEKLY
    )
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday.choices)
    window_start = models.TimeField(_("from"))
    window_end = models.TimeField(_("until"))
    starts_on = models.DateField(_("starting"))
    paused = models.BooleanField(default=False)
    ended_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ParticipantOwnedQuerySet["CheckInSchedule"].as_manager()

    class Meta:
        ordering = ["weekday", "window_start"]
        indexes = [
            models.Index(fields=["organization", "weekday", "ended_on"], name="checkin_org_weekday")
        ]

    def __str__(self) -> str:
        return f"{self.get_every_weeks_display()} on {self.get_weekday_display()}"

    def falls_on(self, day: date) -> bool:
        if self.paused or self.ended_on is not None or day < self.starts_on:
            return False
        if day.weekday() != self.weekday:
            return False
        return ((day - self.starts_on).days // 7) % self.every_weeks == 0
