"""The person who signs in: staff member or participant, with or without an email address."""

import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    preferred_name = models.CharField(_("name you go by"), max_length=120, blank=True)
    pronouns = models.CharField(_("pronouns"), max_length=60, blank=True)
    credentials = models.CharField(
        _("credentials"), max_length=120, blank=True, help_text=_("For example CPRS, CRPS.")
    )

    class Meta:
        ordering = ["username"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.preferred_name or self.get_full_name() or self.username
