"""Audit events: append-only rows, each chained to the one before it in its organization."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lib.model_loading import fast_from_db

GLOBAL_CHAIN = 0  # the chain for events that belong to no organization (e.g. unknown sign-ins)


class Action(models.TextChoices):
    VIEW = "view", _("Viewed")
    CREATE = "create", _("Created")
    UPDATE = "update", _("Changed")
    DELETE = "delete", _("Removed")
    EXPORT = "export", _("Exported")
    SIGN_IN = "sign_in", _("Signed in")
    SIGN_IN_FAILED = "sign_in_failed", _("Sign-in failed")
    SIGN_OUT = "sign_out", _("Signed out")
    PERMISSION_DENIED = "permission_denied", _("Access refused")
    BREAK_GLASS = "break_glass", _("Emergency access")
    INTEGRITY_FAILURE = "integrity_failure", _("Stored data failed its integrity check")
    # Who may see participant records changes only with a second person's approval: asking,
    # approving and refusing are actions of their own, so the audit review can single them out.
    ACCESS_ASKED = "access_asked", _("Access change asked")
    ACCESS_APPROVED = "access_approved", _("Access change approved")
    ACCESS_REFUSED = "access_refused", _("Access change refused")
    # An administrator made a new sign-in link for someone else's account.
    SIGN_IN_LINK = "sign_in_link", _("New sign-in link made for someone")

    @classmethod
    def access_changes(cls) -> frozenset[str]:
        """The actions the audit review shows apart, above the list."""
        return frozenset(
            {cls.ACCESS_ASKED, cls.ACCESS_APPROVED, cls.ACCESS_REFUSED, cls.SIGN_IN_LINK}
        )


class AuditChainHead(models.Model):
    """The latest link of one chain; locked while a new event is appended."""

    chain = models.BigIntegerField(unique=True)
    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="")

    def __str__(self) -> str:
        return f"chain {self.chain} at link {self.last_seq}"


class AuditEvent(models.Model):
    from_db = fast_from_db  # long lists: no Model.__init__ per row (lib.model_loading)

    chain = models.BigIntegerField(editable=False)
    seq = models.BigIntegerField(editable=False)
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, null=True, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    actor_username = models.CharField(max_length=150, blank=True)
    role = models.CharField(max_length=20, blank=True)
    action = models.CharField(max_length=30, choices=Action.choices)
    target_type = models.CharField(max_length=60, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    participant_id = models.UUIDField(null=True, blank=True)
    changed_fields = models.JSONField(default=list, blank=True)
    request_id = models.CharField(max_length=32, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(editable=False)
    prev_hash = models.CharField(max_length=64, editable=False)
    hash = models.CharField(max_length=64, editable=False)

    class Meta:
        ordering = ["chain", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["chain", "seq"], name="audit_one_event_per_link")
        ]
        indexes = [
            models.Index(fields=["organization", "created_at"], name="audit_org_time"),
            models.Index(fields=["organization", "participant_id"], name="audit_org_participant"),
            models.Index(fields=["organization", "actor"], name="audit_org_actor"),
            # The audit review's "Access changes" list: a few hundred rows among millions, which
            # the time index alone reached by reading a month of every event (28 ms at state
            # scale).
            models.Index(
                fields=["organization", "created_at"],
                name="audit_org_access_changes",
                condition=models.Q(action__in=sorted(Action.access_changes())),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.chain}#{self.seq} {self.action} {self.target_type}"

    def words(self) -> str:
        """Everything in the event that could carry a person's words, as one string.

        Hashes, random identifiers and times are left out: they are digits and letters
        by chance, and a test that looks for "988" or a name must not trip on them.
        """
        return " ".join(
            [self.actor_username, self.role, self.action, self.target_type, self.ip or ""]
            + [str(name) for name in self.changed_fields]
        )
