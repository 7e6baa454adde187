"""The community resource directory, after Open Referral HSDS 3.0 (its field names where they fit):
the organizations that offer help, their services, where and when, and what a coach shared with a
participant. Listings are public information, kept plain; each belongs to one Cairn organization."""

import uuid
from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jobs.models import Job, JobState
from lib.blind_index import HashedModel
from lib.collation import FoldedTextField, SortKeyField
from organizations.models import Organization
from participants.models import Participant

# A listing nobody has checked for this long is shown under "Needs checking".
STALE_AFTER_DAYS = 180


class Need(models.TextChoices):
    HOUSING = "housing", _("Housing")
    TREATMENT = "treatment", _("Treatment and medication")
    MUTUAL_AID = "mutual_aid", _("Mutual-aid meetings")
    FOOD = "food", _("Food")
    EMPLOYMENT = "employment", _("Employment")
    LEGAL = "legal", _("Legal help")
    HEALTH = "health", _("Health")
    FAMILY = "family", _("Family")
    TRANSPORT = "transport", _("Transport")
    HARM_REDUCTION = "harm_reduction", _("Harm reduction")


class Cost(models.TextChoices):
    FREE = "free", _("Free")
    LOW = "low", _("Low cost")
    PAID = "paid", _("Paid")


class ServiceStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    INACTIVE = "inactive", _("Archived")


class Weekday(models.TextChoices):
    """HSDS schedule `byday` codes (iCalendar)."""

    MO = "MO", _("Monday")
    TU = "TU", _("Tuesday")
    WE = "WE", _("Wednesday")
    TH = "TH", _("Thursday")
    FR = "FR", _("Friday")
    SA = "SA", _("Saturday")
    SU = "SU", _("Sunday")

    @classmethod
    def of(cls, day: date) -> "Weekday":
        return list(cls)[day.weekday()]


class Language(models.TextChoices):
    """ISO 639-1 codes of the languages a service is offered in."""

    EN = "en", _("English")
    ES = "es", _("Spanish")
    ZH = "zh", _("Chinese")
    VI = "vi", _("Vietnamese")
    RU = "ru", _("Russian")
    AR = "ar", _("Arabic")
    ASL = "sgn", _("American Sign Language")


class ResourceOrganization(models.Model):
    """HSDS `organization`: the agency that offers services."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("organization name"), max_length=200)
    description = models.TextField(_("about the organization"), blank=True)
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("email"), blank=True)
    # The id an imported HSDS file gave this organization (blank when it was made here).
    hsds_id = models.CharField(max_length=100, blank=True, default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "hsds_id"],
                condition=~models.Q(hsds_id=""),
                name="directory_provider_hsds_id_once",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def hsds_key(self) -> str:
        """Its id in an HSDS file: the one it was imported with, else Cairn's own."""
        return self.hsds_id or str(self.id)


class ServiceQuerySet(models.QuerySet["Service"]):
    def of(self, organization: Organization) -> "ServiceQuerySet":
        return self.filter(organization=organization)

    def active(self) -> "ServiceQuerySet":
        return self.filter(status=ServiceStatus.ACTIVE)

    def stale(self, today: date) -> "ServiceQuerySet":
        cutoff = today - timedelta(days=STALE_AFTER_DAYS)
        return self.active().filter(
            models.Q(last_verified__isnull=True) | models.Q(last_verified__lt=cutoff)
        )


class Service(HashedModel):
    """HSDS `service`, with its one location inline-linked and a cost and need of Cairn's own."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    provider = models.ForeignKey(
        ResourceOrganization,
        on_delete=models.PROTECT,
        related_name="services",
        verbose_name=_("offered by"),
    )
    name = models.CharField(_("service name"), max_length=200)
    name_sort = SortKeyField(source="name")
    name_search = FoldedTextField(source="name")
    description = models.TextField(_("what it is"), blank=True)
    description_search = FoldedTextField(source="description")
    url = models.URLField(_("web page"), blank=True)
    email = models.EmailField(_("email"), blank=True)
    status = models.CharField(
        max_length=10, choices=ServiceStatus.choices, default=ServiceStatus.ACTIVE
    )
    need = models.CharField(_("need"), max_length=20, choices=Need.choices)
    cost = models.CharField(_("cost"), max_length=10, choices=Cost.choices, default=Cost.FREE)
    fees_description = models.CharField(_("fees"), max_length=300, blank=True)
    eligibility_description = models.TextField(_("who it is for"), blank=True)
    application_process = models.TextField(_("how to get it"), blank=True)
    accreditations = models.CharField(_("accreditations"), max_length=300, blank=True)
    service_area = models.CharField(_("area served"), max_length=200, blank=True)
    last_verified = models.DateField(_("last checked"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    # The id an imported HSDS file gave this service, so importing it again updates this listing.
    hsds_id = models.CharField(max_length=100, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ServiceQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["organization", "status", "need"]),
            models.Index(fields=["organization", "name_sort"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "hsds_id"],
                condition=~models.Q(hsds_id=""),
                name="directory_service_hsds_id_once",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def hsds_key(self) -> str:
        """Its id in an HSDS file: the one it was imported with, else Cairn's own."""
        return self.hsds_id or str(self.id)

    def is_stale(self, today: date) -> bool:
        return self.last_verified is None or (today - self.last_verified).days > STALE_AFTER_DAYS


class Location(models.Model):
    """HSDS `location` (with its `address` and `accessibility` folded in): where a service is."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    service = models.OneToOneField(Service, on_delete=models.CASCADE, related_name="location")
    name = models.CharField(_("place name"), max_length=200, blank=True)
    address_1 = models.CharField(_("street address"), max_length=200, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    state_province = models.CharField(_("state"), max_length=2, blank=True)
    postal_code = models.CharField(_("ZIP code"), max_length=10, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    accessibility = models.CharField(_("accessibility"), max_length=300, blank=True)

    class Meta:
        indexes = [models.Index(fields=["organization", "latitude", "longitude"])]

    def __str__(self) -> str:
        return self.name or self.one_line()

    def one_line(self) -> str:
        parts = [self.address_1, self.city, f"{self.state_province} {self.postal_code}".strip()]
        return ", ".join(p for p in parts if p)


class Phone(models.Model):
    """HSDS `phone`."""

    class Kind(models.TextChoices):
        VOICE = "voice", _("Call")
        TEXT = "text", _("Text")
        HOTLINE = "hotline", _("Hotline")

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="phones")
    number = models.CharField(_("phone number"), max_length=30)
    type = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.VOICE)
    description = models.CharField(_("note"), max_length=200, blank=True)

    def __str__(self) -> str:
        return self.number


class Schedule(models.Model):
    """HSDS `schedule`, one row per weekday: opens_at to closes_at in the organization's time zone.
    A closing time at or before the opening time runs past midnight into the next day."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="schedules")
    byday = models.CharField(_("day"), max_length=2, choices=Weekday.choices)
    opens_at = models.TimeField(_("opens"))
    closes_at = models.TimeField(_("closes"))

    class Meta:
        indexes = [models.Index(fields=["organization", "byday"])]
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.get_byday_display()} {self.opens_at:%H:%M}-{self.closes_at:%H:%M}"

    @property
    def overnight(self) -> bool:
        return self.closes_at <= self.opens_at


class ServiceLanguage(models.Model):
    """HSDS `language`: one ISO 639 code a service is offered in."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="languages")
    code = models.CharField(_("language"), max_length=3, choices=Language.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["service", "code"], name="directory_language_once")
        ]

    def __str__(self) -> str:
        return self.get_code_display()


class ShareState(models.TextChoices):
    SHOWN = "shown", _("Shared")
    SAVED = "saved", _("Saved")
    HIDDEN = "hidden", _("Hidden")


class SharedResource(models.Model):
    """A listing a coach put on a participant's portal under "My resources"."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="shared_resources"
    )
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="shares")
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    shared_at = models.DateTimeField(auto_now_add=True)
    state = models.CharField(max_length=10, choices=ShareState.choices, default=ShareState.SHOWN)
    helped_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["participant", "service"], name="directory_share_once")
        ]
        indexes = [models.Index(fields=["organization", "participant"])]

    def __str__(self) -> str:
        return str(self.service)


class HsdsImportState(models.TextChoices):
    RECEIVED = "received", _("Being checked")
    CHECKED = "checked", _("Checked")
    APPLIED = "applied", _("Imported")


class HsdsForm(models.TextChoices):
    JSON = "json", _("HSDS JSON")
    ZIP = "zip", _("HSDS CSV data package (zip)")


class HsdsImport(models.Model):
    """An uploaded HSDS file and its dry run, both run as background jobs; applied once, all or
    nothing. The file (public listings, no personal data) waits on disk (`hsds_files`) until it
    is imported, so the import reads what was checked."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    filename = models.CharField(max_length=200)
    form = models.CharField(max_length=4, choices=HsdsForm.choices)
    state = models.CharField(
        max_length=10, choices=HsdsImportState.choices, default=HsdsImportState.RECEIVED
    )
    # The latest background job working on it: its check, then its import.
    job = models.ForeignKey(Job, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # The dry run's findings: file, row, field, value, message (the first MAX_SHOWN of them).
    problems = models.JSONField(default=list)
    problem_count = models.PositiveIntegerField(default=0)
    # Fields in the file that Cairn does not keep, by file: told, never a problem.
    not_kept = models.JSONField(default=dict)
    service_count = models.PositiveIntegerField(default=0)
    added_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["organization", "created_at"], name="hsdsimport_org")]

    def __str__(self) -> str:
        return self.filename

    @property
    def changes(self) -> int:
        """How many listings importing it adds or updates (those unchanged are left alone)."""
        return self.added_count + self.updated_count

    @property
    def job_working(self) -> bool:
        """Its latest job is waiting or working (not finished, failed, or silent too long)."""
        job = self.job
        working = (JobState.QUEUED, JobState.RUNNING)
        return job is not None and job.state in working and not job.is_stale
