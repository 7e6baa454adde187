"""The person who signs in: staff member or participant, with or without an email address."""

import time
import uuid
from base64 import b32encode
from binascii import unhexlify
from datetime import timedelta
from urllib.parse import quote, urlencode

from django.conf import settings
from django.contrib.auth.models import AbstractUser, AnonymousUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, ThrottlingMixin, TimestampMixin
from django_otp.oath import TOTP
from django_otp.util import hex_validator, random_hex

from lib.crypto import EncryptedCharField
from lib.model_loading import fast_from_db
from lib.when import show_date

# The accounts an API service token acts as (api.services) are named with this prefix: they
# cannot sign in, and a person reading who opened their record is told it was a system.
SERVICE_ACCOUNT_PREFIX = "service-"


class User(AbstractUser):
    from_db = fast_from_db  # long lists: no Model.__init__ per row (lib.model_loading)

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    preferred_name = models.CharField(_("name you go by"), max_length=120, blank=True)
    pronouns = EncryptedCharField(_("pronouns"), max_length=60, blank=True)
    credentials = models.CharField(
        _("credentials"), max_length=120, blank=True, help_text=_("For example CPRS, CRPS.")
    )
    # The language of this person's staff pages; empty: the organization's choice.
    language = models.CharField(
        _("language of your pages"),
        max_length=10,
        blank=True,
        choices=settings.LANGUAGES,
    )

    class Meta:
        ordering = ["username"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return shown_name(self.preferred_name, self.first_name, self.last_name, self.username)


# The columns `shown_name` is written from, in its order: for reads of plain rows.
NAME_COLUMNS = ("preferred_name", "first_name", "last_name", "username")


def shown_name(preferred_name: str, first_name: str, last_name: str, username: str) -> str:
    """The name Cairn shows for an account (`User.display_name`) from its columns, for rows read
    as values: the name they go by, else their full name, else their username."""
    return preferred_name or f"{first_name} {last_name}".strip() or username


class CodePurpose(models.TextChoices):
    INVITATION = "invitation", _("invitation to the portal")
    RESET = "reset", _("new password")


class CodeDelivery(models.TextChoices):
    TEXT = "text", _("text message")
    PAPER = "paper", _("on paper")


class PortalCodeQuerySet(models.QuerySet["PortalCode"]):
    def usable(self) -> "PortalCodeQuerySet":
        """Codes that still open the door: not used, not replaced, not expired."""
        return self.filter(
            used_at__isnull=True, retired_at__isnull=True, expires_at__gt=timezone.now()
        )


class PortalCode(models.Model):
    """A one-time code that lets a participant in without email: an invitation to set up their
    sign-in, or a new password. Only a keyed hash of the code is kept (`accounts.codes`)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+"
    )
    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.CASCADE, related_name="portal_codes"
    )
    purpose = models.CharField(max_length=20, choices=CodePurpose.choices)
    delivery = models.CharField(max_length=10, choices=CodeDelivery.choices)
    code_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    retired_at = models.DateTimeField(null=True, blank=True)
    # Wrong guesses at this code (password resets, where the account is known): too many retire it.
    failed_attempts = models.PositiveSmallIntegerField(default=0)

    objects = PortalCodeQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["organization", "participant", "purpose"], name="portalcode_org_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.purpose} {self.public_id}"


class ThrottleScope(models.TextChoices):
    # Wrong codes typed from one network address: enough of them pause code entry there.
    ADDRESS = "address", _("network address")
    # Codes texted to one sign-in name: enough of them stop further texts for a while, and
    # never pause the person, who can still use the newest code they were sent.
    ACCOUNT = "account", _("sign-in name")
    # Texts asked for from one network address, whatever the names: enough of them pause
    # asking there, so one address cannot go through a list of names.
    REQUEST = "request", _("texts asked from one network address")
    # Wrong passwords typed from one network address, whatever the names (django-axes pauses a
    # name only together with its address): enough of them pause password sign-in there.
    SIGN_IN = "sign_in", _("wrong passwords from one network address")


class CodeThrottle(models.Model):
    """A count within a window, per scope: wrong codes from one network address, texts to one
    sign-in name, texts asked from one address. The key is a keyed hash, never the address or
    name."""

    scope = models.CharField(max_length=10, choices=ThrottleScope.choices)
    key = models.CharField(max_length=64)
    failures = models.PositiveSmallIntegerField(default=0)
    window_started_at = models.DateTimeField()
    paused_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="codethrottle_one_per_key")
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.failures}"


# Whoever a request is from (`request.user`): an account, or nobody signed in. Reads that scope
# by the person take it as it comes; each answers nothing for someone not signed in.
AnyUser = User | AnonymousUser


class NoticeKind(models.TextChoices):
    # Told to the account holder: their sign-in changed (whoever changed it).
    PORTAL_SIGN_IN_SET_UP = "portal_set_up", _("portal sign-in set up with a code")
    PORTAL_PASSWORD_RESET = "portal_reset", _("portal password changed with a texted code")
    PASSWORD_SET = "password_set", _("password chosen through a sign-in link")
    SIGN_IN_LINK = "sign_in_link", _("new sign-in link made by an administrator")
    # Told to the people who may approve it: an access change is waiting for them.
    ACCESS_CHANGE_WAITING = "access_waiting", _("access change waiting for approval")


class NoticeQuerySet(models.QuerySet["Notice"]):
    def recent(self, *, days: int = 30) -> "NoticeQuerySet":
        return self.filter(created_at__gte=timezone.now() - timedelta(days=days))


class Notice(models.Model):
    """A calm note to one person, by their own way in rather than by whoever caused it: shown
    when they next sign in, and kept for a month on their portal home or Sign-in security page.

    It holds a kind and a date only, never a name or a code, so it needs no encryption."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices"
    )
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, null=True, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=NoticeKind.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    shown_at = models.DateTimeField(null=True, blank=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "-created_at"], name="notice_user_time")]

    def __str__(self) -> str:
        return f"{self.kind} {self.created_at:%Y-%m-%d}"

    def describe(self) -> str:
        """The notice in the reader's language, with its date."""
        words = NOTICE_WORDS[NoticeKind(self.kind)]
        return str(words) % {"date": show_date(self.created_at)}


NOTICE_WORDS = {
    NoticeKind.PORTAL_SIGN_IN_SET_UP: _(
        "Your sign-in was set up on %(date)s. If that was not you, please tell your coach."
    ),
    NoticeKind.PORTAL_PASSWORD_RESET: _(
        "Your password was changed on %(date)s, with a code sent by text. If that was not you, "
        "please tell your coach: they can help you set a new one."
    ),
    NoticeKind.PASSWORD_SET: _(
        "Your password was set on %(date)s, through a one-time sign-in link. If that was not "
        "you, please tell your manager."
    ),
    NoticeKind.SIGN_IN_LINK: _(
        "An administrator made a new sign-in link for your account on %(date)s, and your "
        "earlier password stopped working then. If you did not ask for it, please tell your "
        "manager."
    ),
    NoticeKind.ACCESS_CHANGE_WAITING: _(
        "A change to who can see participant records, asked on %(date)s, is waiting for a "
        "second person to approve or refuse it. You can find it under Who has access."
    ),
}


def new_totp_key() -> str:
    """A fresh seed: 20 random bytes as hex, as authenticator apps expect (RFC 6238, SHA-1)."""
    return random_hex(20)


def validate_totp_key(value: str) -> None:
    hex_validator()(value)


class AuthenticatorApp(TimestampMixin, ThrottlingMixin, Device):
    """A staff member's authenticator app for two-step sign-in: a TOTP device (RFC 6238) whose
    seed is encrypted at rest, so a copy of the database alone cannot make sign-in codes.

    django-otp finds it like its own devices (match_token, the session's verified device, its
    throttling back-off after wrong codes); only the seed's storage differs from the library's
    plain TOTPDevice, whose rows migration 0007 moved here."""

    STEP_SECONDS = 30
    DIGITS = 6
    TOLERANCE_STEPS = 1  # the code before and after the current one count too (clock drift)

    key = EncryptedCharField(default=new_totp_key, validators=[validate_totp_key])
    drift = models.SmallIntegerField(default=0)
    last_t = models.BigIntegerField(default=-1)  # the last step used: no code counts twice

    class Meta(Device.Meta):
        verbose_name = "authenticator app"

    @property
    def bin_key(self) -> bytes:
        return unhexlify(self.key.encode())

    @property
    def config_url(self) -> str:
        """The otpauth:// address an authenticator app reads from the QR code (Key Uri Format)."""
        issuer = settings.OTP_TOTP_ISSUER
        params = {
            "secret": b32encode(self.bin_key).decode("ascii").rstrip("="),
            "issuer": issuer,
            "algorithm": "SHA1",
            "digits": self.DIGITS,
            "period": self.STEP_SECONDS,
        }
        label = quote(f"{issuer}:{self.user.get_username()}")
        return f"otpauth://totp/{label}?{urlencode(params, quote_via=quote)}"

    def _totp(self) -> TOTP:
        totp = TOTP(self.bin_key, self.STEP_SECONDS, 0, self.DIGITS, self.drift)
        totp.time = time.time()
        return totp

    def verify_token(self, token: object) -> bool:
        allowed, _details = self.verify_is_allowed()
        if not allowed:
            return False
        try:
            number = int(str(token))
        except ValueError:
            number = None
        totp = self._totp()
        if number is not None and totp.verify(number, self.TOLERANCE_STEPS, self.last_t + 1):
            self.last_t = totp.t()
            self.drift = totp.drift
            self.throttle_reset(commit=False)
            self.set_last_used_timestamp(commit=False)
            self.save()
            return True
        self.throttle_increment(commit=True)
        return False

    def get_throttle_factor(self) -> int:
        return 1  # seconds, doubling with each wrong code in a row
