"""Supervision sessions and the hours they add up to, the supervisor's signature on a coach's log,
and a coach's private space: the reflection journal and the wellbeing self-check.

The journal and the self-checks are their writer's alone: no role, no export, no report and no
record copy reads them, and deleting one deletes it. A coach may share the summary of one
self-check with their supervisor, and take it back."""

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lib.crypto import EncryptedJSONField, EncryptedTextField
from organizations.models import Organization

# Topics a program starts with; it can add its own.
DEFAULT_TOPICS = (
    _("Ethics and boundaries"),
    _("Self-care"),
    _("Documentation"),
    _("Crisis response"),
    _("Cultural humility"),
    _("Talking through a participant's situation"),
    _("Sharing my own story well"),
)


class Kind(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    GROUP = "group", _("Group")


class Mode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    PHONE = "phone", _("Phone")
    VIDEO = "video", _("Video")


class Topic(models.Model):
    """A topic the program keeps for its sessions. Retiring one (`is_active` off) takes it off
    the form for new sessions and keeps it on the sessions that used it; a topic is never
    deleted."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=120)
    is_active = models.BooleanField(default=True)

    class Meta:
        db_table = "supervision_topic"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="supervision_topic_name")
        ]

    def __str__(self) -> str:
        return self.name


class Requirement(models.Model):
    """What the state's peer credential asks, as the program sets it."""

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    supervision_hours = models.PositiveSmallIntegerField(default=25)
    practice_hours = models.PositiveIntegerField(default=500)
    period_months = models.PositiveSmallIntegerField(default=12)
    # Continuing education for renewal: many state boards ask for about 40 to 50 hours over a
    # two-year certification cycle, so the default is 46 hours over 24 months.
    training_hours = models.PositiveSmallIntegerField(default=46)
    training_period_months = models.PositiveSmallIntegerField(default=24)

    class Meta:
        db_table = "supervision_requirement"

    def __str__(self) -> str:
        return f"supervision requirement {self.organization_id}"


class SupervisionSession(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    coaches = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+")
    held_on = models.DateField()
    minutes = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    mode = models.CharField(max_length=20, choices=Mode.choices)
    topics = models.ManyToManyField(Topic, blank=True, related_name="+")
    # What was talked about and agreed; for the supervisor and the coaches in the session.
    notes = EncryptedTextField(blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "supervision_session"
        ordering = ["-held_on", "-created_at"]
        indexes = [models.Index(fields=["organization", "held_on"], name="supervision_org_day")]

    def __str__(self) -> str:
        return f"supervision {self.pk}"


class Owner(models.TextChoices):
    COACH = "coach", _("The coach")
    SUPERVISOR = "supervisor", _("The supervisor")


class AgreedActionQuerySet(models.QuerySet["AgreedAction"]):
    def visible_to(self, user: Any, organization: Organization) -> "AgreedActionQuerySet":
        """Only the two parties: the coach it was agreed with and the session's supervisor.
        Nobody else (another supervisor, a manager, an administrator) reads an action."""
        return self.filter(
            models.Q(coach_id=user.pk) | models.Q(session__supervisor_id=user.pk),
            organization=organization,
        )

    def still_open(self) -> "AgreedActionQuerySet":
        return self.filter(done_at__isnull=True)


class AgreedAction(models.Model):
    """Something agreed in a supervision session: one of the two parties (the coach or the
    supervisor) will do it, perhaps by a date, perhaps about one of the coach's practice reviews
    shared with that supervisor. Either party marks it done."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    session = models.ForeignKey(
        SupervisionSession, on_delete=models.CASCADE, related_name="actions"
    )
    coach = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    owner = models.CharField(max_length=20, choices=Owner.choices)
    text = EncryptedTextField()
    due_on = models.DateField(null=True, blank=True)
    review = models.ForeignKey(
        "coaching.PracticeReview",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = AgreedActionQuerySet.as_manager()

    class Meta:
        db_table = "supervision_agreed_action"
        ordering = [models.F("due_on").asc(nulls_last=True), "created_at"]
        indexes = [
            models.Index(fields=["organization", "coach", "done_at"], name="action_org_coach")
        ]

    def __str__(self) -> str:
        return f"agreed action {self.pk}"

    @property
    def owner_user_id(self) -> int:
        return self.coach_id if self.owner == Owner.COACH else self.session.supervisor_id


class JournalEntry(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    writer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    written_at = models.DateTimeField(default=timezone.now)
    prompt = models.CharField(max_length=40, blank=True)
    text = EncryptedTextField()

    class Meta:
        db_table = "supervision_journal_entry"
        ordering = ["-written_at"]
        indexes = [models.Index(fields=["writer", "written_at"], name="journal_writer_time")]

    def __str__(self) -> str:
        return f"journal entry {self.pk}"


class Credential(models.Model):
    """A coach's credential (peer specialist certification, CPR, naloxone trainer...): kept by
    the coach, seen by managers for renewals."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    holder = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=160)
    number = EncryptedTextField(blank=True, default="")
    issued_by = models.CharField(max_length=160, blank=True)
    issued_on = models.DateField(null=True, blank=True)
    expires_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "supervision_credential"
        ordering = ["expires_on", "name"]
        indexes = [
            models.Index(fields=["organization", "expires_on"], name="credential_org_expiry")
        ]

    def __str__(self) -> str:
        return self.name


class LogSignature(models.Model):
    """A supervisor's signature on a coach's supervision log for a period: who signed, when, and
    the SHA-256 of the log as it stood (supervision.selectors.log_fingerprint), so a later change
    shows. The signer's credential is copied as it read on the day."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    coach = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(default=timezone.now)
    period_start = models.DateField()
    period_end = models.DateField()
    signer_credential = models.CharField(max_length=200, blank=True)
    fingerprint = models.CharField(max_length=64)

    class Meta:
        db_table = "supervision_log_signature"
        ordering = ["-signed_at"]
        indexes = [
            models.Index(fields=["organization", "coach", "signed_at"], name="log_signature_coach")
        ]

    def __str__(self) -> str:
        return f"log signature {self.pk}"


class WellbeingCheck(models.Model):
    """One private self-check (supervision.wellbeing has the questions): the answers on the
    scale and the coach's own words, both encrypted. `shared_at` set means the coach shares the
    summary (the scale answers, never the words) with the supervisors of their team."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    coach = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    taken_at = models.DateTimeField(default=timezone.now)
    answers = EncryptedJSONField(default=dict)
    words = EncryptedJSONField(default=dict)
    shared_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "supervision_wellbeing_check"
        ordering = ["-taken_at"]
        indexes = [
            models.Index(fields=["organization", "coach", "taken_at"], name="wellbeing_coach_time")
        ]

    def __str__(self) -> str:
        return f"wellbeing check {self.pk}"


class TrainingRecord(models.Model):
    """A training a staff member took, kept by them for their own renewal: their hours count
    toward the program's training requirement. Only its holder opens the certificate."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    holder = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    topic = models.CharField(max_length=160)
    hours = models.DecimalField(max_digits=5, decimal_places=2)
    provider = models.CharField(max_length=160, blank=True)
    taken_on = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "supervision_training_record"
        ordering = ["-taken_on", "-created_at"]
        indexes = [
            models.Index(fields=["organization", "holder", "taken_on"], name="training_org_holder")
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(hours__gt=0, hours__lte=100), name="training_hours_range"
            )
        ]

    def __str__(self) -> str:
        return self.topic


class CertificateType(models.TextChoices):
    PDF = "application/pdf", "PDF"
    PNG = "image/png", "PNG"
    JPEG = "image/jpeg", "JPEG"


class TrainingCertificate(models.Model):
    """The certificate of one training, kept apart from the record so lists never load it.
    The bytes are stored encrypted (base64 inside the encrypted text, as consent scans are);
    its file name is not kept, so nothing about it is readable in a database dump."""

    record = models.OneToOneField(
        TrainingRecord, on_delete=models.CASCADE, primary_key=True, related_name="certificate"
    )
    content = EncryptedTextField()
    content_type = models.CharField(max_length=40, choices=CertificateType.choices)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        db_table = "supervision_training_certificate"

    def __str__(self) -> str:
        return f"certificate {self.record_id}"

    @property
    def extension(self) -> str:
        return {CertificateType.PNG: "png", CertificateType.JPEG: "jpg"}.get(
            CertificateType(self.content_type), "pdf"
        )
