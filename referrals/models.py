"""Referrals that close the loop: a coach refers a participant to a listed service; the partner
answers through a link of its own (a random token and a separate code, no account), and every
change of state is kept with who made it and when."""

import uuid
from datetime import date

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from consent.models import Category, Disclosure
from directory.models import Need, Service
from lib.crypto import EncryptedCharField, EncryptedTextField
from organizations.models import Organization
from participants.models import Participant
from participants.owned import ParticipantOwnedQuerySet

# The categories a referral may share: enough for the partner to reach the person and know what
# they are coming for; never the contact notes or the whole record.
SHAREABLE = [Category.CONTACT, Category.ATTENDANCE, Category.PLANS, Category.ASSESSMENTS]


class ReferralState(models.TextChoices):
    SENT = "sent", _("Sent")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    COMPLETED = "completed", _("First service happened")
    CLOSED = "closed", _("Closed")

    @classmethod
    def final(cls) -> frozenset[str]:
        """States after which the partner's link opens nothing more."""
        return frozenset({cls.DECLINED, cls.COMPLETED, cls.CLOSED})


class ReferralQuerySet(ParticipantOwnedQuerySet["Referral"]):
    def of(self, organization: Organization) -> "ReferralQuerySet":
        return self.filter(organization=organization)


class Referral(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="referrals")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="referrals")
    # The accounting entry of what left the organization with this referral.
    disclosure = models.OneToOneField(Disclosure, on_delete=models.PROTECT, related_name="+")
    need = models.CharField(_("need"), max_length=20, choices=Need.choices)
    categories = models.JSONField(default=list)
    note_for_partner = EncryptedTextField(_("note for the partner"), max_length=500, blank=True)
    # What the partner reads: the disclosed sections as they were when the referral was sent
    # (JSON of [title, [lines]]), so a later note is never shared by the same link.
    shared_sections = EncryptedTextField(blank=True)
    state = models.CharField(max_length=10, choices=ReferralState.choices)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    first_service_on = models.DateField(_("first service on"), null=True, blank=True)
    decline_reason = EncryptedCharField(_("reason"), max_length=300, blank=True)
    # The partner's link: only digests are kept; the token and code are shown to the coach once.
    token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    code_hash = models.CharField(max_length=64, blank=True)
    link_expires_at = models.DateTimeField(null=True, blank=True)
    wrong_codes = models.PositiveSmallIntegerField(default=0)
    paused_until = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        ordering = ["-sent_at"]
        indexes = [
            models.Index(fields=["organization", "participant"], name="referral_org_participant"),
            models.Index(fields=["organization", "state", "sent_at"], name="referral_org_state"),
            models.Index(fields=["organization", "sent_at"], name="referral_org_sent"),
        ]

    def __str__(self) -> str:
        return f"{self.service} ({self.get_state_display()})"

    def days_to_first_service(self) -> int | None:
        if self.first_service_on is None:
            return None
        return max(0, (self.first_service_on - self.sent_at.date()).days)

    @property
    def sent_on(self) -> date:
        return self.sent_at.date()


class ReferralChange(models.Model):
    """One change of a referral's state: who (a member, or the partner through the link), when."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="changes")
    state = models.CharField(max_length=10, choices=ReferralState.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    by_partner = models.BooleanField(default=False)
    changed_at = models.DateTimeField()

    participant_path = "referral__participant"
    objects = ParticipantOwnedQuerySet["ReferralChange"].as_manager()

    class Meta:
        ordering = ["changed_at", "id"]
        indexes = [models.Index(fields=["organization", "referral"], name="referralchange_org")]

    def __str__(self) -> str:
        return f"{self.referral_id}: {self.state}"


ANSWER_WITHIN_DAYS = 5


class ReferralSettings(models.Model):
    """How long a partner may take to answer before the coach's Today asks them to follow up.
    Without a row the default holds."""

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    answer_within_days = models.PositiveSmallIntegerField(
        _("days a partner has to answer"),
        default=ANSWER_WITHIN_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
        help_text=_(
            "After this many days with no answer from the partner, the coach's Today asks them "
            "to follow up. From 1 to 30."
        ),
    )

    def __str__(self) -> str:
        return f"{self.organization_id}: {self.answer_within_days} days"
