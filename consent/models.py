"""Consent records with the Part 2 elements as fields, and every disclosure made under them."""

import uuid
from datetime import date
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lib.blind_index import (
    HashedModel,
    KeyedHashField,
    keyed_hash,
    with_keyed_hashes,
)
from lib.crypto import EncryptedCharField, EncryptedTextField
from organizations.models import Organization
from participants.models import Participant
from participants.owned import ParticipantOwnedQuerySet


class Category(models.TextChoices):
    CONTACT = "contact", _("Contact information")
    ATTENDANCE = "attendance", _("Attendance (dates and kinds of contact)")
    NOTES = "notes", _("Contact notes")
    PLANS = "plans", _("Recovery plans")
    ASSESSMENTS = "assessments", _("Assessments")
    ALL = "all", _("All of the record (except counselling-style notes)")


class SignatureMethod(models.TextChoices):
    TYPED = "typed", _("Typed name")
    DRAWN = "drawn", _("Drawn on the screen")
    SCAN = "scan", _("Signed on paper; upload a scan")
    IN_PERSON = "in_person", _("Signed on paper in person (kept on file)")
    # Prepared by the coach; the participant reads and signs it in their own Cairn. Once they
    # sign, the method becomes how they signed (typed or drawn).
    PORTAL = "portal", _("Send to sign in Cairn")


class ConsentAnswer(models.TextChoices):
    """The participant's answer to a consent sent to them to sign in the portal."""

    SIGNED = "signed", _("Signed")
    NOT_NOW = "not_now", _("Not now")
    DECLINED = "declined", _("Does not agree")


class ConsentStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    EXPIRED = "expired", _("Expired")
    REVOKED = "revoked", _("Revoked")
    WAITING = "waiting", _("Waiting for signature")
    NOT_SIGNED = "not_signed", _("Not signed")


class ConsentQuerySet(ParticipantOwnedQuerySet["Consent"]):
    def update(self, **kwargs: Any) -> int:
        """An update keeps the recipient's and purpose's keyed hashes in step (lib.blind_index)."""
        return super().update(**with_keyed_hashes(self.model, kwargs))

    def active(self, today: date | None = None) -> "ConsentQuerySet":
        today = today or timezone.localdate()
        return (
            self.filter(revoked_at__isnull=True)
            .filter(models.Q(expires_on__isnull=True) | models.Q(expires_on__gte=today))
            # One sent to sign in the portal counts only once the participant has signed it.
            .filter(
                models.Q(signature_requested_at__isnull=True)
                | models.Q(answer=ConsentAnswer.SIGNED)
            )
        )

    def active_or_waiting(self, today: date | None = None) -> "ConsentQuerySet":
        """In force, or sent to the participant and not answered yet (for status lists)."""
        return self.active(today) | self.waiting()

    def waiting(self) -> "ConsentQuerySet":
        return self.filter(signature_requested_at__isnull=False, answer="", revoked_at__isnull=True)


class Consent(HashedModel):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="consents")
    disclosing_party = EncryptedCharField(_("who may disclose"), max_length=200)
    categories = models.JSONField(_("what information"), default=list)
    counselling_notes = models.BooleanField(
        _("includes counselling-style notes (needs its own consent)"), default=False
    )
    recipient = EncryptedCharField(_("to whom (person, organization or class)"), max_length=200)
    # The recipient's keyed hash (lib.blind_index): an outside system's token finds the consents
    # that name it in SQL, without decrypting every consent of the organization.
    recipient_hash = KeyedHashField(source="recipient", db_index=True)
    purpose = EncryptedCharField(_("purpose"), max_length=300)
    purpose_hash = KeyedHashField(source="purpose")
    treatment_payment_operations = models.BooleanField(
        _("single consent for treatment, payment and health care operations"), default=False
    )
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    expiry_event = EncryptedCharField(_("or expires when"), max_length=200, blank=True)
    # Empty while a consent sent to the portal waits for the participant's signature.
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    signature_method = models.CharField(max_length=20, choices=SignatureMethod.choices)
    signature = EncryptedTextField(_("signature (typed name)"), max_length=200)
    # A drawn signature as SVG path data in a 400 x 150 box, e.g. "M10 20 L30 40".
    signature_drawing = EncryptedTextField(blank=True)
    revocation_explained = models.BooleanField(
        _("the right to revoke and its limits were explained"), default=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revocation_note = EncryptedCharField(max_length=300, blank=True)
    signature_requested_at = models.DateTimeField(null=True, blank=True)
    answer = models.CharField(max_length=20, choices=ConsentAnswer.choices, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    objects = ConsentQuerySet.as_manager()

    class Meta:
        ordering = ["-signed_on", "-created_at"]
        indexes = [
            models.Index(fields=["organization", "participant"], name="consent_org_participant"),
            models.Index(fields=["organization", "expires_on"], name="consent_org_expiry"),
            models.Index(fields=["organization", "answered_at"], name="consent_org_answered"),
        ]

    def __str__(self) -> str:
        return f"{self.recipient} ({self.purpose})"

    def names(self, recipient: str) -> bool:
        """Whether this consent names `recipient`, however either is cased or spaced: the
        recipient's keyed hash, compared as SQL compares it (`recipient_hash=`)."""
        return self.recipient_hash == keyed_hash(recipient)

    def matches(self, *, recipient: str, purpose: str, categories: list[str]) -> bool:
        """Whether this consent lets `categories` go to `recipient` for `purpose` (or to them for
        treatment, payment and operations), compared by keyed hashes: nothing is decrypted, so
        an organization's consents can be matched with only these columns read
        (`MATCH_COLUMNS`)."""
        same_purpose = self.treatment_payment_operations or self.purpose_hash == keyed_hash(purpose)
        return self.names(recipient) and same_purpose and self.covers(categories)

    def status(self, today: date | None = None) -> str:
        today = today or timezone.localdate()
        if self.revoked_at is not None:
            return ConsentStatus.REVOKED
        if self.signature_requested_at is not None and self.answer != ConsentAnswer.SIGNED:
            return ConsentStatus.WAITING if not self.answer else ConsentStatus.NOT_SIGNED
        if self.expires_on is not None and self.expires_on < today:
            return ConsentStatus.EXPIRED
        return ConsentStatus.ACTIVE

    @property
    def is_waiting(self) -> bool:
        return self.status() == ConsentStatus.WAITING

    def covers(self, categories: list[str]) -> bool:
        return categories_covered(self.categories, categories)

    @property
    def category_labels(self) -> list[str]:
        labels = dict(Category.choices)
        return [str(labels.get(c, c)) for c in self.categories]


def categories_covered(granted: list[str], wanted: list[str]) -> bool:
    """Whether a consent granting `granted` lets every one of `wanted` out (`Consent.covers`,
    and the same rule on a consent read as plain values)."""
    return Category.ALL in granted or set(wanted) <= set(granted)


# What `Consent.matches` reads (as attribute names): a consent loaded with these columns only is
# matched without a query or a decryption.
MATCH_COLUMNS = (
    "id",
    "organization_id",
    "participant_id",
    "categories",
    "treatment_payment_operations",
    "recipient_hash",
    "purpose_hash",
)


class LegalBasis(models.TextChoices):
    CONSENT = "consent", _("The participant's written consent")
    MEDICAL_EMERGENCY = "medical_emergency", _("Medical emergency (without consent)")


class Channel(models.TextChoices):
    """How a disclosure left: a document made on the page, or reads by another system's API
    token (accounted once a day per recipient, participant and kind of information)."""

    DOCUMENT = "document", _("Document")
    API = "api", _("Read by another system (API)")


class Disclosure(models.Model):
    """One entry in the accounting of disclosures (kept at least 3 years)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="disclosures"
    )
    consent = models.ForeignKey(
        Consent, on_delete=models.PROTECT, null=True, blank=True, related_name="disclosures"
    )
    legal_basis = models.CharField(max_length=30, choices=LegalBasis.choices)
    basis_reason = EncryptedCharField(max_length=300, blank=True)
    recipient = EncryptedCharField(max_length=200)
    purpose = EncryptedCharField(max_length=300)
    categories = models.JSONField(default=list)
    disclosed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    disclosed_at = models.DateTimeField(auto_now_add=True)
    document_sha256 = models.CharField(max_length=64)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.DOCUMENT)
    # API reads: how many reads the day's entry stands for, and when the last one was.
    reads = models.PositiveIntegerField(default=1)
    last_read_at = models.DateTimeField(null=True, blank=True)

    objects = ParticipantOwnedQuerySet["Disclosure"].as_manager()

    class Meta:
        ordering = ["-disclosed_at"]
        indexes = [
            models.Index(
                fields=["organization", "participant", "-disclosed_at"],
                name="disclosure_org_participant",
            )
        ]

    def __str__(self) -> str:
        return f"{self.recipient} {self.disclosed_at:%Y-%m-%d}"

    @property
    def category_labels(self) -> list[str]:
        labels: dict[str, Any] = dict(Category.choices)
        return [str(labels.get(c, c)) for c in self.categories]


class RetentionPolicy(models.Model):
    """How long an organization keeps a record after it is closed, completed or moved on."""

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="retention_policy"
    )
    keep_closed_years = models.PositiveSmallIntegerField(
        _("keep closed records for (years)"), default=7
    )
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.organization_id}: {self.keep_closed_years} years"


class LegalHold(models.Model):
    """While a hold is in place the record is never purged, however old it is."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="legal_holds"
    )
    reason = EncryptedCharField(_("reason"), max_length=300)
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    placed_at = models.DateTimeField(auto_now_add=True)
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = ParticipantOwnedQuerySet["LegalHold"].as_manager()

    class Meta:
        ordering = ["-placed_at"]
        indexes = [
            models.Index(fields=["organization", "participant"], name="legalhold_org_participant")
        ]

    def __str__(self) -> str:
        return self.reason


class ConsentScan(models.Model):
    """A scan of a consent signed on paper, kept encrypted in the database like the notes."""

    consent = models.OneToOneField(Consent, on_delete=models.CASCADE, related_name="scan")
    content = EncryptedTextField()  # base64 of the file
    content_type = models.CharField(max_length=40)
    filename = EncryptedCharField(max_length=120)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    participant_path = "consent__participant"
    objects = ParticipantOwnedQuerySet["ConsentScan"].as_manager()

    def __str__(self) -> str:
        return self.filename
