"""Groups (recovery circles, all-recovery meetings) and their sessions: one shared note per
meeting, one contact per person who came (the contacts themselves are in encounters.models).

The tables kept the names they had when groups lived in `encounters` (`db_table`): the move to
this app changed no table (migrations 0001 here and encounters 0011)."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import AnyUser
from lib.crypto import EncryptedCharField, EncryptedTextField
from organizations.models import Organization, Role
from organizations.selectors import membership_in
from participants.models import Participant


class GroupQuerySet(models.QuerySet["Group"]):
    def visible_to(self, user: AnyUser, organization: Organization | None) -> "GroupQuerySet":
        """Coaches see the groups they facilitate; supervisors and managers see all groups."""
        membership = membership_in(user, organization)
        if membership is None or membership.role not in Role.with_participant_access():
            return self.none()
        groups = self.filter(organization=organization)
        if membership.role == Role.COACH:
            return groups.filter(facilitator_id=membership.user_id)
        return groups


class Group(models.Model):
    """A recurring peer support group."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    name = EncryptedCharField(_("group name"), max_length=120)
    meets = models.CharField(
        _("when it meets"),
        max_length=120,
        blank=True,
        help_text=_("For example 'Tuesdays, 6 to 7:30 pm'."),
    )
    default_duration = models.PositiveSmallIntegerField(_("usual length in minutes"), default=90)
    service_type = models.ForeignKey(
        "encounters.ServiceType",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("service type"),
    )
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("facilitator"),
    )
    members: "models.ManyToManyField[Participant, GroupMember]" = models.ManyToManyField(
        Participant, through="GroupMember", related_name="groups"
    )
    is_active = models.BooleanField(default=True)
    # Shown to every participant of the program under "Groups and meetings" in their own Cairn;
    # members always see their own group's sessions there.
    open_to_participants = models.BooleanField(
        _("show its sessions to every participant"),
        default=False,
        help_text=_(
            "Participants see the upcoming sessions, the place and what to expect in their own "
            "Cairn, and can add one to their phone's calendar. Members always see their group."
        ),
    )
    # Encrypted like the name: what a group is for can say as much about its members.
    about = EncryptedTextField(
        _("what to expect"),
        blank=True,
        max_length=600,
        help_text=_("A few plain sentences for someone thinking of coming for the first time."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = GroupQuerySet.as_manager()

    class Meta:
        db_table = "encounters_group"
        ordering = ["created_at"]  # names are encrypted: lists sort them in Python
        indexes = [
            models.Index(fields=["organization", "facilitator"], name="group_org_facilitator")
        ]

    def __str__(self) -> str:
        return self.name


class GroupMember(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="memberships")
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="group_memberships"
    )
    joined_on = models.DateField(auto_now_add=True)

    class Meta:
        db_table = "encounters_groupmember"
        constraints = [
            models.UniqueConstraint(fields=["group", "participant"], name="groupmember_once")
        ]
        indexes = [models.Index(fields=["organization", "group"], name="groupmember_org_group")]

    def __str__(self) -> str:
        return f"{self.participant} in {self.group}"


class GroupSession(models.Model):
    """One meeting of a group: one shared note, one contact per person who came."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    group = models.ForeignKey(Group, on_delete=models.PROTECT, related_name="sessions")
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField()
    occurred_on = models.DateField()
    duration_minutes = models.PositiveSmallIntegerField()
    topic = EncryptedCharField(_("topic"), max_length=200)
    shared_note = EncryptedTextField(_("group note"), max_length=5000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "encounters_groupsession"
        ordering = ["-started_at"]
        indexes = [
            models.Index(
                fields=["organization", "group", "-started_at"], name="groupsession_org_group"
            )
        ]

    def __str__(self) -> str:
        return f"{self.group} {self.occurred_on}"
