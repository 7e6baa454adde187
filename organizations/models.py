"""Organizations are the tenants; every tenant-owned row points at one."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lib.model_loading import fast_from_db


class Role(models.TextChoices):
    COACH = "coach", _("Peer recovery coach")
    SUPERVISOR = "supervisor", _("Supervisor")
    MANAGER = "manager", _("Program manager")
    ADMIN = "admin", _("Administrator")
    PARTICIPANT = "participant", _("Participant")

    # Role groups are named here once; a module never spells its own tuple of roles
    # (cairn/tests/test_role_groups.py). Use them as `role in Role.care_team()`,
    # `role__in=Role.care_team()` or `@member_required(*Role.care_team())`.

    @classmethod
    def staff(cls) -> frozenset[str]:
        """Everyone who works for the organization, administrators included: roles that sign in
        to the staff side (their own jobs, their account), as opposed to participants."""
        return frozenset({cls.COACH, cls.SUPERVISOR, cls.MANAGER, cls.ADMIN})

    @classmethod
    def with_participant_access(cls) -> frozenset[str]:
        """Roles that open other people's participant records (a participant sees only theirs):
        caseloads, overviews, notes, plans, safety plans, consents, assessments, groups and the
        record import. How far each one sees is `Participant.objects.visible_to`'s to say; an
        administrator opens no participant content."""
        return frozenset({cls.COACH, cls.SUPERVISOR, cls.MANAGER})

    @classmethod
    def care_team(cls) -> frozenset[str]:
        """Roles that work alongside participants: they hold caseloads and belong to teams,
        write care records (notes, plans, safety plans, consents, assessments, messages), may
        be a participant's coach, and may break the glass in an emergency. A manager reads
        these records but does not write them."""
        return frozenset({cls.COACH, cls.SUPERVISOR})

    @classmethod
    def oversight(cls) -> frozenset[str]:
        """Roles that look after other people's caseloads: they export, transfer a participant
        to another coach, and open the rows behind a report's figures."""
        return frozenset({cls.SUPERVISOR, cls.MANAGER})

    @classmethod
    def directory_keepers(cls) -> frozenset[str]:
        """Roles that add, change, check and archive the community resource directory's listings
        (everyone who works with participants searches it)."""
        return frozenset({cls.MANAGER, cls.ADMIN})

    @classmethod
    def program_keepers(cls) -> frozenset[str]:
        """Roles that set how the program responds to participants: which check-in answers and
        words ask a coach to reach out soon, and how quickly."""
        return frozenset({cls.MANAGER, cls.ADMIN})

    @classmethod
    def billing_keepers(cls) -> frozenset[str]:
        """Roles that keep the program's payers, their service tables and the staff's provider
        numbers (no participant data: lines and coverage are the manager's)."""
        return frozenset({cls.MANAGER, cls.ADMIN})

    @classmethod
    def approvers(cls) -> frozenset[str]:
        """Roles that see who has access and approve or refuse another person's access change."""
        return frozenset({cls.MANAGER, cls.ADMIN})


class Clock(models.TextChoices):
    TWELVE = "12", _("12-hour clock (5:05 PM)")
    TWENTY_FOUR = "24", _("24-hour clock (17:05)")


class Organization(models.Model):
    from_db = fast_from_db  # long lists: no Model.__init__ per row (lib.model_loading)

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
    # Most programs Cairn serves are in the United States, where the 12-hour clock is usual.
    clock = models.CharField(
        _("times are shown on a"),
        max_length=2,
        choices=Clock.choices,
        default=Clock.TWELVE,
        help_text=_("Every page, notice and document shows times this way."),
    )
    staff_language = models.CharField(
        _("staff pages are in"),
        max_length=10,
        choices=settings.LANGUAGES,
        default="en",
        help_text=_("Each staff member may choose their own language on their account page."),
    )
    # A SAMHSA discretionary grant asks the program to collect SUPRT and to follow people up at
    # 180 days; without one, Today, the portal and the dashboard leave SUPRT out.
    reports_suprt = models.BooleanField(
        _("this program reports SUPRT (SAMHSA-funded)"),
        default=False,
        help_text=_(
            "Shows SUPRT due on Today, offers participants the SUPRT-C questions in their "
            "portal, and counts SUPRT time points on the program dashboard against SAMHSA's "
            "80% follow-up target."
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

    from_db = fast_from_db  # long lists: no Model.__init__ per row (lib.model_loading)

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


class AccessChangeStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class AccessChangeQuerySet(models.QuerySet["AccessChange"]):
    def waiting(self) -> "AccessChangeQuerySet":
        return self.filter(status=AccessChangeStatus.WAITING)

    def in_organization(self, organization: Organization) -> "AccessChangeQuerySet":
        return self.filter(organization=organization)


class AccessChange(models.Model):
    """A change that would give someone a power they did not have (participant records, a team's
    caseloads, approving others' access), kept waiting until a second person approves it.

    It holds the membership's state when asked (`from_*`) and the state wanted: approval applies
    the wanted state only if the membership is still as it was when asked."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    membership = models.ForeignKey(
        Membership, on_delete=models.PROTECT, related_name="access_changes"
    )
    new_account = models.BooleanField(default=False)
    from_role = models.CharField(max_length=20, choices=Role.choices)
    from_team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    from_active = models.BooleanField()
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    team = models.ForeignKey(
        Team,
        verbose_name=_("team"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    is_active = models.BooleanField(_("account switched on"))
    notes_need_cosign = models.BooleanField(_("notes need a co-signature"))
    status = models.CharField(
        max_length=10, choices=AccessChangeStatus.choices, default=AccessChangeStatus.WAITING
    )
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    asked_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    objects = AccessChangeQuerySet.as_manager()

    class Meta:
        ordering = ["-asked_at"]
        verbose_name = _("access change")
        constraints = [
            # One change waits per person: a second request is refused, never stacked.
            models.UniqueConstraint(
                fields=["membership"],
                condition=models.Q(status="waiting"),
                name="accesschange_one_waiting_per_membership",
            )
        ]
        indexes = [
            models.Index(fields=["organization", "status", "-asked_at"], name="accesschange_org")
        ]

    def __str__(self) -> str:
        return f"access change {self.public_id} ({self.status})"
