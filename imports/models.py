"""Spreadsheet imports: the uploaded batch on its way through mapping and checking, and the map
from each source row's id to the record it became (so a re-run creates no duplicates)."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lib.crypto import EncryptedTextField
from organizations.models import Organization


class Kind(models.TextChoices):
    PARTICIPANTS = "participants", _("Participants")
    CONTACTS = "contacts", _("Contacts")
    ASSESSMENTS = "assessments", _("Assessments")


class BatchState(models.TextChoices):
    UPLOADED = "uploaded", _("Uploaded")
    MAPPED = "mapped", _("Columns matched")
    CHECKED = "checked", _("Checked")
    APPLIED = "applied", _("Imported")
    DISCARDED = "discarded", _("Set aside")


class DateStyle(models.TextChoices):
    """How dates that are not ISO (2026-03-04) are written; never guessed from the values."""

    ISO = "iso", _("Only year-month-day (2026-03-04)")
    MDY = "mdy", _("Month/day/year (03/04/2026 is March 4)")
    DMY = "dmy", _("Day/month/year (03/04/2026 is 3 April)")


class ImportBatch(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    filename = models.CharField(max_length=200)
    # The file itself (base64), encrypted; emptied once the batch is applied or set aside.
    content = EncryptedTextField(blank=True)
    encoding = models.CharField(max_length=20, blank=True)
    delimiter = models.CharField(max_length=5, blank=True)
    headers = models.JSONField(default=list)
    row_count = models.PositiveIntegerField(default=0)
    mapping = models.JSONField(default=dict)  # target field -> source header
    date_style = models.CharField(max_length=5, choices=DateStyle.choices, default=DateStyle.ISO)
    state = models.CharField(max_length=10, choices=BatchState.choices, default=BatchState.UPLOADED)
    # The dry run's findings (row, column, value, message); values can be personal, so encrypted.
    problems = EncryptedTextField(blank=True)
    error_csv = EncryptedTextField(blank=True)  # the rows not imported, with why; kept after
    problem_count = models.PositiveIntegerField(default=0)
    bad_row_count = models.PositiveIntegerField(default=0)
    valid_count = models.PositiveIntegerField(default=0)
    skipped_count = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["organization", "uploaded_by"], name="importbatch_org_user")
        ]

    def __str__(self) -> str:
        return f"{self.kind} from {self.filename}"


class ImportedRecord(models.Model):
    """Source row id → the record it created; the key that makes re-running a file harmless."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    source_id = models.CharField(max_length=200)
    object_id = models.UUIDField()
    batch = models.ForeignKey(
        ImportBatch, on_delete=models.SET_NULL, null=True, related_name="records"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "kind", "source_id"], name="importedrecord_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.source_id}"
