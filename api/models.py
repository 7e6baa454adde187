"""API tokens (personal or a service account's), their use counts per minute, and the replies
kept for retried writes."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organizations.models import Membership, Organization


class Resource(models.TextChoices):
    """What a token may reach, by name; each is read and/or written separately."""

    PARTICIPANTS = "participants", _("Participants")
    CONTACTS = "contacts", _("Contacts (notes)")
    PLANS = "plans", _("Recovery plans and goals")
    ASSESSMENTS = "assessments", _("Assessments")
    APPOINTMENTS = "appointments", _("Appointments")
    REFERRALS = "referrals", _("Referrals")
    DIRECTORY = "directory", _("Resource directory")
    CONSENTS = "consents", _("Consents")

    @classmethod
    def participant_data(cls) -> frozenset[str]:
        """Everything but the directory is about participants: a token that reads or writes any
        of it waits for a second person's approval."""
        return frozenset(set(cls.values) - {cls.DIRECTORY})


class Level(models.TextChoices):
    READ = "read", _("read")
    WRITE = "write", _("write")


class TokenKind(models.TextChoices):
    # Acts as one staff member: never sees more than their pages show them.
    PERSONAL = "personal", _("Personal (acts as one staff member)")
    # A system (a state data warehouse, a hospital): acts as its own account, which cannot sign
    # in, reads the whole organization and writes nothing.
    SERVICE = "service", _("Service account (for another system)")


def scope(resource: str, level: str) -> str:
    """How a scope is stored and named in the API: "participants:read"."""
    return f"{resource}:{level}"


# What the API can write: a contact (a peer's note). Every resource can be read; a write scope is
# offered only where an operation writes, so a token never claims a power it cannot use.
WRITABLE = frozenset({Resource.CONTACTS})


def offered_scopes() -> list[tuple[str, str]]:
    """Every scope a token may hold, as the token form lists them: (scope, "label: level") in
    the language of the request."""
    return [
        (scope(resource, level), f"{label}: {level_label}")
        for resource, label in Resource.choices
        for level, level_label in Level.choices
        if level == Level.READ or resource in WRITABLE
    ]


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def in_organization(self, organization: Organization) -> "ApiTokenQuerySet":
        return self.filter(organization=organization)


class ApiToken(models.Model):
    """A bearer token for one organization. Only the SHA-256 of its secret is kept; the secret is
    shown once, when it is made."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=TokenKind.choices)
    # Who the token acts as: the staff member, or the service account's own membership.
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=120)
    # The first characters of the secret, shown in lists so a token in a config file can be
    # recognised; they open nothing.
    prefix = models.CharField(max_length=16)
    secret_hash = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField(default=list)
    expires_at = models.DateTimeField(_("expires"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Tokens that reach participant data wait for a second person; others are approved when made.
    needs_approval = models.BooleanField(default=False)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    last_used_at = models.DateTimeField(null=True, blank=True)
    # A service token's outside recipient and purpose, written as the participants' consents
    # name them: every participant read it makes is a disclosure to them, under such a consent.
    # Empty for personal tokens (the organization's own use).
    recipient = models.CharField(_("recipient"), max_length=200, blank=True)
    purpose = models.CharField(_("purpose"), max_length=300, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["organization", "-created_at"], name="apitoken_org")]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def discloses(self) -> bool:
        """A service token gives data to someone outside the organization; a personal one does
        not (it is a staff member's own reading)."""
        return self.kind == TokenKind.SERVICE

    def scope_words(self) -> list[tuple[str, str]]:
        """Each scope in words with its API name, for the people who approve and review it:
        ("Contacts (notes): read", "contacts:read"). A scope no longer offered shows its name."""
        words = dict(offered_scopes())
        return [(str(words.get(name, name)), name) for name in self.scopes]

    @property
    def is_approved(self) -> bool:
        return not self.needs_approval or self.approved_at is not None

    def state(self, now: object = None) -> str:
        """One word for lists and refusals: revoked, expired, waiting or active."""
        moment = now or timezone.now()
        if self.revoked_at is not None:
            return TokenState.REVOKED
        if self.expires_at <= moment:  # type: ignore[operator]
            return TokenState.EXPIRED
        if not self.is_approved:
            return TokenState.WAITING
        return TokenState.ACTIVE


class TokenState(models.TextChoices):
    ACTIVE = "active", _("Active")
    WAITING = "waiting", _("Waiting for approval")
    EXPIRED = "expired", _("Expired")
    REVOKED = "revoked", _("Revoked")


class UseWindow(models.Model):
    """How many requests one token made in one minute. A row in the database, not a per-process
    cache, so the limit holds across every server worker."""

    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="+")
    minute = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["token", "minute"], name="apiusewindow_one_per_minute")
        ]

    def __str__(self) -> str:
        return f"{self.token_id} {self.minute:%H:%M} {self.count}"


class KeptReply(models.Model):
    """The reply to a write sent with an Idempotency-Key: the same key sent again gets this reply
    instead of a second record. Holds the created row's id and where it is, never its content."""

    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="+")
    key_hash = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField(default=0)
    target_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["token", "key_hash"], name="apikeptreply_once")
        ]

    def __str__(self) -> str:
        return f"{self.token_id} {self.status} {self.target_id}"
