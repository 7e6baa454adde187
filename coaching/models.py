"""An organization's own additions to the language checker, and built-in entries it turned off."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from organizations.models import Organization


class Severity(models.TextChoices):
    ADVICE = "advice", _("Advice")
    FLAG = "flag", _("Flag")


class CustomTerm(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    phrase = models.CharField(_("word or phrase"), max_length=80)
    suggestion = models.CharField(_("suggest instead"), max_length=160)
    reason = models.CharField(_("why"), max_length=400)
    severity = models.CharField(max_length=10, choices=Severity.choices, default=Severity.ADVICE)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["phrase"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "phrase"], name="customterm_once")
        ]

    def __str__(self) -> str:
        return self.phrase


class DisabledEntry(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    entry_id = models.CharField(max_length=60)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "entry_id"], name="disabledentry_once")
        ]

    def __str__(self) -> str:
        return self.entry_id
