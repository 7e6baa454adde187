"""Billing a peer service: who pays (payers and their service table), who is covered by whom
(coverage and authorizations), and the billable line each signed contact makes, or the reason
it is not billable.

Nothing about a state's Medicaid is written in code: codes, modifiers, unit length, rounding,
caps and place of service are rows an administrator keeps per payer.
"""

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from billing.carc import adjustment_words
from encounters.models import ContactType, Encounter, ServiceType
from lib.crypto import EncryptedCharField, EncryptedTextField
from organizations.models import Organization
from participants.models import Participant
from participants.owned import ParticipantOwnedQuerySet


class PayerKind(models.TextChoices):
    MEDICAID = "medicaid", _("Medicaid fee-for-service")
    MANAGED_CARE = "managed_care", _("Medicaid managed-care plan")
    GRANT = "grant", _("State or federal grant")
    OTHER = "other", _("Other payer")


class Rounding(models.TextChoices):
    """How minutes become units (a unit is `unit_minutes` long)."""

    MIDPOINT = "midpoint", _("A unit from its midpoint (8 minutes of a 15-minute unit)")
    WHOLE = "whole", _("Whole units only")
    ANY_PART = "any_part", _("Any part of a unit counts as a unit")


class Payer(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=PayerKind.choices)
    payer_id = models.CharField(
        _("payer id"),
        max_length=80,
        blank=True,
        help_text=_("The identifier the payer gives for claims (its electronic payer id)."),
    )
    unit_minutes = models.PositiveSmallIntegerField(_("minutes in a unit"), default=15)
    rounding = models.CharField(
        _("counting units"), max_length=20, choices=Rounding.choices, default=Rounding.MIDPOINT
    )
    daily_unit_cap = models.PositiveSmallIntegerField(
        _("most units a day per person"),
        null=True,
        blank=True,
        help_text=_("Leave empty when the payer sets no daily limit."),
    )
    needs_authorization = models.BooleanField(
        _("services need a prior authorization"), default=False
    )
    needs_supervising_provider = models.BooleanField(
        _("claims name a supervising provider"), default=False
    )
    billing_npi = models.CharField(_("billing provider NPI"), max_length=10, blank=True)
    billing_taxonomy = models.CharField(_("billing provider taxonomy"), max_length=10, blank=True)
    billing_tax_id = models.CharField(_("billing provider tax id (EIN)"), max_length=10, blank=True)
    # What an 837P claim file needs besides the numbers above (all public facts of the program).
    submitter_id = models.CharField(
        _("submitter id"),
        max_length=15,
        blank=True,
        help_text=_("The id the payer or clearinghouse gave the program for sending claims."),
    )
    billing_address = models.CharField(
        _("billing provider street address"), max_length=55, blank=True
    )
    billing_city = models.CharField(_("billing provider city"), max_length=30, blank=True)
    billing_state = models.CharField(
        _("billing provider state (two letters)"), max_length=2, blank=True
    )
    billing_zip = models.CharField(
        _("billing provider ZIP code (nine digits)"), max_length=9, blank=True
    )
    billing_contact_name = models.CharField(_("billing contact's name"), max_length=60, blank=True)
    billing_contact_phone = models.CharField(
        _("billing contact's phone (digits only)"), max_length=10, blank=True
    )
    needs_diagnosis_codes = models.BooleanField(
        _("claims need the person's diagnosis codes"),
        default=False,
        help_text=_("Lines of a person with no diagnosis code on their authorization are held."),
    )
    diagnosis_code_when_none = models.CharField(
        _("diagnosis code for claims without one"),
        max_length=8,
        blank=True,
        help_text=_(
            "Only when the payer allows one code for everyone without a diagnosis (for "
            "example Z71.89); leave empty otherwise."
        ),
    )
    is_active = models.BooleanField(_("in use"), default=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="payer_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class PayerService(models.Model):
    """One row of a payer's service table: which contacts it pays for and how they are coded.
    The most specific row wins: a service type and a contact type over either alone, over a
    row for any contact."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    payer = models.ForeignKey(Payer, on_delete=models.CASCADE, related_name="services")
    service_type = models.ForeignKey(
        ServiceType,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("service type"),
        help_text=_("Empty: any service type."),
    )
    contact_type = models.CharField(
        _("how the contact happened"),
        max_length=20,
        choices=ContactType.choices,
        blank=True,
        help_text=_("Empty: any way of meeting."),
    )
    procedure_code = models.CharField(_("procedure code"), max_length=10)
    modifiers = models.CharField(
        _("modifiers"),
        max_length=20,
        blank=True,
        help_text=_("Up to four two-character modifiers, separated by spaces (for example HQ)."),
    )
    place_of_service = models.CharField(
        _("place of service code"),
        max_length=2,
        default="11",
        help_text=_(
            "The CMS place-of-service code, for example 11 office, 12 home, 02 or 10 "
            "telehealth, 99 other."
        ),
    )
    rate = models.DecimalField(
        _("rate per unit"), max_digits=8, decimal_places=2, default=Decimal("0.00")
    )

    class Meta:
        ordering = ["procedure_code", "contact_type"]
        # One row per payer, service and way of meeting, "any service" (no service type)
        # included: two partial unique indexes, which both databases keep (SQLite cannot treat
        # NULLs as equal in one index).
        constraints = [
            models.UniqueConstraint(
                fields=["payer", "service_type", "contact_type"],
                condition=models.Q(service_type__isnull=False),
                name="payer_service_unique_row",
            ),
            models.UniqueConstraint(
                fields=["payer", "contact_type"],
                condition=models.Q(service_type__isnull=True),
                name="payer_any_service_unique_row",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.procedure_code} {self.modifiers}".strip()

    @property
    def modifier_list(self) -> list[str]:
        return self.modifiers.split()


class ProviderNumber(models.Model):
    """A staff member's rendering-provider identifiers, for claims."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    npi = models.CharField(_("NPI"), max_length=10)
    taxonomy = models.CharField(_("taxonomy code"), max_length=10, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "user"], name="provider_number_once")
        ]

    def __str__(self) -> str:
        return f"provider {self.npi}"


class Coverage(models.Model):
    """A participant's coverage by one payer over a period (the member id is encrypted)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="coverages")
    payer = models.ForeignKey(Payer, on_delete=models.PROTECT, related_name="coverages")
    member_id = EncryptedCharField(_("member id"), max_length=80)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = ParticipantOwnedQuerySet["Coverage"].as_manager()

    class Meta:
        ordering = ["-starts_on"]
        indexes = [models.Index(fields=["participant", "starts_on"], name="coverage_person_from")]

    def __str__(self) -> str:
        return f"coverage {self.pk}"

    def covers(self, day: object) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)  # type: ignore[operator]


class Authorization(models.Model):
    """A payer's prior authorization: so many units of some codes over a period."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    coverage = models.ForeignKey(Coverage, on_delete=models.CASCADE, related_name="authorizations")
    number = EncryptedCharField(_("authorization number"), max_length=80)
    procedure_codes = models.CharField(
        _("procedure codes"),
        max_length=80,
        blank=True,
        help_text=_("Separated by spaces; empty: every code of this payer."),
    )
    units = models.PositiveIntegerField(_("units authorized"))
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    diagnosis_codes = EncryptedTextField(
        _("diagnosis codes (ICD-10)"),
        blank=True,
        default="",
        help_text=_("Only when the payer asks for them; separated by spaces."),
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-starts_on"]

    def __str__(self) -> str:
        return f"authorization {self.pk}"

    def allows(self, code: str) -> bool:
        codes = self.procedure_codes.split()
        return not codes or code in codes


class LineState(models.TextChoices):
    READY = "ready", _("Ready to bill")
    HELD = "held", _("Held")
    NOT_BILLABLE = "not_billable", _("Not billable")
    BATCHED = "batched", _("In a batch")
    PAID = "paid", pgettext_lazy("a billable line", "Paid")
    DENIED = "denied", _("Denied")
    ADJUSTED = "adjusted", _("Paid in part")
    VOID = "void", _("Voided")


class Reason(models.TextChoices):
    """Why a line is held or not billable, in words a program manager reads."""

    OUTREACH = "outreach", _("An outreach attempt: no contact was made")
    NOT_REACHED = "not_reached", _("The person was not reached")
    NO_MINUTES = "no_minutes", _("The note has no minutes")
    TOO_SHORT = "too_short", _("Shorter than the payer's first unit")
    NO_COVERAGE = "no_coverage", _("No coverage on that date")
    NO_CODE = "no_code", _("The payer does not pay for this kind of contact (no code for it)")
    NO_AUTHORIZATION = "no_authorization", _("No authorization covers this service")
    AUTHORIZATION_USED = "authorization_used", _("The authorization's units are used up")
    DAILY_CAP = "daily_cap", _("The payer's daily limit of units is reached")
    NO_RENDERING_NPI = "no_rendering_npi", _("The coach who signed has no NPI recorded")
    NO_SUPERVISOR = (
        "no_supervisor",
        _("The payer needs a supervising provider, and none has an NPI"),
    )
    NO_PAYER_NPI = "no_payer_npi", _("The billing provider's NPI is missing for this payer")
    NO_PAYMENT_CONSENT = (
        "no_payment_consent",
        _("No consent for payment: the person has not agreed to share with this payer"),
    )
    NO_DIAGNOSIS = "no_diagnosis", _("The payer needs a diagnosis code, and none is recorded")


class BillableLineQuerySet(ParticipantOwnedQuerySet["BillableLine"]):
    def counting(self) -> "BillableLineQuerySet":
        """Lines that use units (of a day's cap or of an authorization)."""
        return self.filter(
            state__in=[LineState.READY, LineState.BATCHED, LineState.PAID, LineState.ADJUSTED]
        )


class BillableLine(models.Model):
    """What a signed contact is worth to a payer, or why it is not billable. Made when the note
    is signed; a held line is checked again when coverage or rules change."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="billable_lines"
    )
    # A contact has one line at a time: a correction voids it (kept) and makes a replacement.
    encounter = models.ForeignKey(
        Encounter, on_delete=models.PROTECT, related_name="billable_lines"
    )
    service_date = models.DateField()
    minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    payer = models.ForeignKey(
        Payer, on_delete=models.PROTECT, null=True, blank=True, related_name="lines"
    )
    coverage = models.ForeignKey(
        Coverage, on_delete=models.PROTECT, null=True, blank=True, related_name="lines"
    )
    authorization = models.ForeignKey(
        Authorization, on_delete=models.PROTECT, null=True, blank=True, related_name="lines"
    )
    procedure_code = models.CharField(max_length=10, blank=True)
    modifiers = models.CharField(max_length=20, blank=True)
    place_of_service = models.CharField(max_length=2, blank=True)
    units = models.PositiveSmallIntegerField(default=0)
    amount = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("0.00"))
    rendering_provider = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    supervising_provider = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    state = models.CharField(max_length=20, choices=LineState.choices)
    reason = models.CharField(max_length=30, choices=Reason.choices, blank=True)
    batch = models.ForeignKey(
        "ClaimBatch", on_delete=models.PROTECT, null=True, blank=True, related_name="lines"
    )
    created_at = models.DateTimeField(default=timezone.now)
    checked_at = models.DateTimeField(default=timezone.now)
    # What the payer's remittance (835) said of the line.
    remittance = models.ForeignKey(
        "Remittance", on_delete=models.PROTECT, null=True, blank=True, related_name="lines"
    )
    paid_units = models.PositiveSmallIntegerField(null=True, blank=True)
    paid_amount = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    # The payer's adjustments, group and reason code pairs ("CO-45 PR-2"), from CARC's list.
    adjustments = models.CharField(max_length=120, blank=True)
    payer_claim_number = models.CharField(max_length=50, blank=True)
    # A correction: this line replaces a voided one of the same contact (both are kept).
    replaces = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replaced_by"
    )
    # A voided line the payer was sent (and that nothing replaces) goes out once more, in a
    # later batch, as a void of the earlier claim (837P frequency 8).
    void_batch = models.ForeignKey(
        "ClaimBatch", on_delete=models.PROTECT, null=True, blank=True, related_name="voids"
    )
    voided_at = models.DateTimeField(null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    void_reason = EncryptedTextField(blank=True, default="")

    objects = BillableLineQuerySet.as_manager()

    class Meta:
        ordering = ["-service_date", "-created_at"]
        indexes = [
            models.Index(fields=["organization", "state", "service_date"], name="line_org_state"),
            models.Index(fields=["participant", "service_date"], name="line_person_day"),
        ]
        constraints = [
            # A line in a batch is never ready, held or unbillable again while it stays there: a
            # line is in at most one batch, and only by leaving it (a cancelled batch) can it be
            # ready for another.
            models.CheckConstraint(
                condition=models.Q(batch__isnull=True)
                | ~models.Q(state__in=["ready", "held", "not_billable"]),
                name="line_in_batch_not_open",
            ),
            models.UniqueConstraint(
                fields=["encounter"],
                condition=~models.Q(state="void"),
                name="line_once_per_contact",
            ),
        ]

    def __str__(self) -> str:
        return f"billable line {self.pk}"

    @property
    def adjustment_codes(self) -> list[str]:
        return self.adjustments.split()

    @property
    def adjustment_reasons(self) -> list[str]:
        """The payer's reasons for not paying in full, in words."""
        return [adjustment_words(code) for code in self.adjustment_codes]


class BatchState(models.TextChoices):
    OPEN = "open", _("Built, not sent yet")
    SENT = "sent", _("Sent to the payer")
    CLOSED = "closed", pgettext_lazy("a claim batch", "Closed")
    CANCELLED = "cancelled", _("Cancelled: its lines are ready again")


class ClaimBatchQuerySet(models.QuerySet["ClaimBatch"]):
    def of(self, organization: Organization) -> "ClaimBatchQuerySet":
        return self.filter(organization=organization)


class ClaimBatch(models.Model):
    """Ready lines of one payer gathered into one claim file (an 837P interchange). The same
    lines make the same batch: its fingerprint is unique in the organization, so building again
    gives back the batch, with its control numbers, instead of a second one."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    payer = models.ForeignKey(Payer, on_delete=models.PROTECT, related_name="batches")
    state = models.CharField(max_length=20, choices=BatchState.choices, default=BatchState.OPEN)
    service_from = models.DateField(null=True, blank=True)
    service_until = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # ISA13 and GS06: nine digits at most, one number per batch in the organization.
    interchange_control = models.PositiveIntegerField()
    group_control = models.PositiveIntegerField()
    fingerprint = models.CharField(max_length=64)
    line_count = models.PositiveIntegerField(default=0)
    units = models.PositiveIntegerField(default=0)
    amount = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0.00"))
    people = models.PositiveIntegerField(default=0)

    objects = ClaimBatchQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "interchange_control"], name="batch_control_once"
            ),
            models.UniqueConstraint(
                fields=["organization", "fingerprint"], name="batch_content_once"
            ),
        ]
        indexes = [models.Index(fields=["organization", "state"], name="batch_org_state")]

    def __str__(self) -> str:
        return f"claim batch {self.interchange_control:09d}"


class Remittance(models.Model):
    """An imported 835: who brought it in and when, and what it did to the lines. The file's
    hash and the payer's trace number (TRN02) are each taken once in an organization."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    file_name = EncryptedCharField(max_length=120, blank=True)
    file_hash = models.CharField(max_length=64)
    trace_number = models.CharField(max_length=50)
    payer_name = models.CharField(max_length=60, blank=True)
    paid_on = models.DateField(null=True, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    imported_at = models.DateTimeField(default=timezone.now)
    paid_lines = models.PositiveIntegerField(default=0)
    denied_lines = models.PositiveIntegerField(default=0)
    adjusted_lines = models.PositiveIntegerField(default=0)
    total_paid = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0.00"))
    # Service lines of the file that matched none of ours: the payer's numbers, codes and
    # amounts as sent (never a name), so none is dropped silently.
    unmatched = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-imported_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "file_hash"], name="remittance_file_once"
            ),
            models.UniqueConstraint(
                fields=["organization", "trace_number"], name="remittance_trace_once"
            ),
        ]

    def __str__(self) -> str:
        return f"remittance {self.trace_number}"
