"""Rows the shared code keeps: the one-time keys of create forms already sent."""

from django.conf import settings
from django.db import models


class SubmitKey(models.Model):
    """A create form's one-time key, recorded in the same transaction as what the form created,
    with where the first submit led. A second row with the same key cannot exist (the unique
    constraint), so a form sent twice, even at the same instant, creates once."""

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="+"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    key = models.UUIDField()
    # What the first submit made (its public id) and the page it led to; never its content.
    target_id = models.CharField(max_length=64, blank=True)
    location = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "submitted_by", "key"], name="submitkey_once"
            )
        ]
        indexes = [models.Index(fields=["created_at"], name="submitkey_created")]

    def __str__(self) -> str:
        return f"{self.key} -> {self.location}"
