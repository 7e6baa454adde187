"""Recorded assessments (one answer row per item) and each organization's reassessment schedule.

The shape follows FHIR's QuestionnaireResponse: the instrument key and version name the
Questionnaire, each ItemResponse is an `item` with its `answer`, and the computed total is the
score the engine derived, never a value someone typed.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lib.crypto import EncryptedTextField
from lib.model_loading import fast_from_db
from organizations.models import Organization
from participants.models import Participant
from participants.owned import ParticipantOwnedQuerySet

BARC10 = "barc10"
CHECKIN = "checkin"
SUPRT_A = "suprt_a"
SUPRT_C = "suprt_c"
SUPRT = (SUPRT_A, SUPRT_C)
EXTRA = "extra"


class Respondent(models.TextChoices):
    """Who gave the answers: staff from the record, the person alone, or the person with staff."""

    STAFF = "staff", _("Staff, from the record")
    SELF = "self", _("The participant, on their own")
    WITH_STAFF = "with_staff", _("The participant, with staff")


class Language(models.TextChoices):
    EN = "en", _("English")
    ES = "es", _("Spanish")


class Assessment(models.Model):
    from_db = fast_from_db  # long lists: no Model.__init__ per row (lib.model_loading)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Indexed by the composite index that leads with it (one index fewer to keep up).
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="assessments"
    )
    instrument = models.CharField(max_length=40)
    instrument_version = models.CharField(max_length=20)
    language = models.CharField(max_length=5, choices=Language.choices, default=Language.EN)
    administered_on = models.DateField(_("date"))
    # "baseline", "day-30", ... as the schedule stood when it was recorded, or "extra"; for SUPRT
    # one of assessments.suprt_points.TimePoint.
    schedule_point = models.CharField(max_length=20, default=EXTRA)
    respondent = models.CharField(max_length=12, choices=Respondent.choices, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    total = models.PositiveSmallIntegerField(null=True, blank=True)
    is_complete = models.BooleanField(default=False)
    answered = models.PositiveSmallIntegerField(default=0)
    item_count = models.PositiveSmallIntegerField(default=0)
    note = EncryptedTextField(
        _("anything they want noted, in their words"), max_length=1000, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ParticipantOwnedQuerySet["Assessment"].as_manager()

    class Meta:
        ordering = ["-administered_on", "-created_at"]
        indexes = [
            models.Index(
                fields=["organization", "participant", "instrument", "administered_on"],
                name="assessment_org_participant",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.instrument} {self.administered_on:%Y-%m-%d}"


class ItemResponse(models.Model):
    """One answer to one item; `value` is None when skipped or left blank (never imputed).

    Items that are not a single choice or a number (SUPRT's dates, months, ticked lists and
    words) keep their answer in `text`, encrypted like every answer a person wrote."""

    from_db = fast_from_db  # long lists: no Model.__init__ per row (lib.model_loading)

    # Both are covered by the indexes below; the largest table here keeps only three.
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="responses", db_index=False
    )
    item_key = models.CharField(max_length=40)
    value = models.SmallIntegerField(null=True, blank=True)
    text = EncryptedTextField(blank=True, default="")
    skipped = models.BooleanField(default=False)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["organization", "assessment"], name="itemresponse_org_assessment")
        ]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "item_key"], name="itemresponse_unique")
        ]

    def __str__(self) -> str:
        return f"{self.item_key}={self.value}"


class ReassessmentSchedule(models.Model):
    """When an organization reassesses recovery capital: baseline at enrolment, then these
    day offsets, then every `repeat_every_days`; a point is done by an assessment within
    ±`window_days` of its (pause-adjusted) due date."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    instrument = models.CharField(max_length=40, default=BARC10)
    offsets_days = models.JSONField(default=list)
    repeat_every_days = models.PositiveSmallIntegerField(default=90)
    window_days = models.PositiveSmallIntegerField(default=14)
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "instrument"], name="reassessment_one_per_instrument"
            )
        ]

    def __str__(self) -> str:
        return f"{self.instrument}: {self.offsets_days} then every {self.repeat_every_days}"


class ReassessmentWindow(models.Model):
    """A scheduled reassessment not done yet whose window has not closed, stored so Today reads
    who is due with one indexed query. Kept up to date by `assessments.windows` whenever an
    assessment is recorded, the schedule changes or the person's status moves; the
    `refresh_reassessments` command rebuilds them (run it daily: it also extends the horizon)."""

    from_db = fast_from_db  # long lists: no Model.__init__ per row (lib.model_loading)

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    label = models.CharField(max_length=20)
    offset_days = models.PositiveIntegerField()
    due_on = models.DateField()
    window_days = models.PositiveSmallIntegerField()
    window_start = models.DateField()
    window_end = models.DateField()

    objects = ParticipantOwnedQuerySet["ReassessmentWindow"].as_manager()

    class Meta:
        ordering = ["due_on"]
        indexes = [
            models.Index(
                fields=["organization", "window_start", "window_end"],
                name="reassesswindow_org_start",
            ),
            models.Index(fields=["participant", "due_on"], name="reassesswindow_participant"),
        ]

    def __str__(self) -> str:
        return f"{self.label} due {self.due_on:%Y-%m-%d}"
