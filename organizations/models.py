"""Organizations are the tenants; every tenant-owned row points at one."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    COACH = "coach", _("Peer recovery coach")
    SUPERVISOR = "supervisor", _("Supervisor")
    MANAGER = "manager", _("Program manager")
    ADMIN = "admin", _("Administrator")
    PARTICIPANT = "participant", _("Participant")

    @classmethod
    def staff(cls) -> frozenset[str]:
        return frozenset({cls.COACH, cls.SUPERVISOR, cls.MANAGER, cls.ADMIN})


class Organization(models.Model):
    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=200)
    is_active = models.BooleanField(default=True)
    time_zone = models.CharField(
        _("time zone"),
        max_length=60,
        default=settings.TIME_ZONE,
        help_text=_("Times are stored in UTC and shown in this zone."),
    )
    cosign_all_notes = models.BooleanField(
        _("every signed note needs a supervisor's co-signature"), default=False
    )
    out_of_touch_days = models.PositiveSmallIntegerField(
        _("days without contact before a gentle 'not in contact' flag"), default=14
    )
    # Shown to participants when they ask for a call, so nobody is promised a quicker answer
    # than the team can give.
    coach_hours = models.CharField(
        _("when coaches usually answer"),
        max_length=200,
        default="Monday to Friday, 9 to 5",
        help_text=_(
            "Participants see this when they ask for a call, next to 988 for help at any time."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(_("team name"), max_length=120)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "name"], name="team_unique_name_per_org"
            )
        ]

    def __str__(self) -> str:
        return self.name


class MembershipQuerySet(models.QuerySet["Membership"]):
    def active(self) -> "MembershipQuerySet":
        return self.filter(is_active=True, organization__is_active=True)

    def in_organization(self, organization: Organization) -> "MembershipQuerySet":
        return self.filter(organization=organization)


class Membership(models.Model):
    """A user's one role in one organization (a user may belong to several)."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="memberships"
    )
    is_active = models.BooleanField(default=True)
    notes_need_cosign = models.BooleanField(
        _("notes need a supervisor's co-signature (for example while new)"), default=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["organization__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "user"], name="membership_one_role_per_org"
            )
        ]
        indexes = [models.Index(fields=["organization", "role"], name="membership_org_role")]

    def __str__(self) -> str:
        return f"{self.user} - {self.get_role_display()} - {self.organization}"

    @property
    def is_staff_role(self) -> bool:
        return self.role in Role.staff()
