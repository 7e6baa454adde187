"""What the participant chooses about their own Cairn: language, a discreet title, shared phone."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from participants.models import Participant


class Language(models.TextChoices):
    ENGLISH = "en", "English"
    SPANISH = "es", "Español"


class PortalPreference(models.Model):
    """One row per participant, created the first time they change a setting."""

    participant = models.OneToOneField(
        Participant, on_delete=models.CASCADE, related_name="portal_preference"
    )
    language = models.CharField(
        _("language"), max_length=5, choices=Language.choices, default=Language.ENGLISH
    )
    discreet_title = models.BooleanField(
        _("use a plain page title (\u201cNotes\u201d) instead of Cairn and my name"), default=False
    )
    shared_device = models.BooleanField(
        _("this phone or computer is shared with someone else"), default=False
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.participant_id} {self.language}"
