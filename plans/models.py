"""A participant's living recovery plan (goals and steps in their words), its versions,
their agreement, and the strengths and milestones they choose to keep."""

import json
import uuid
from datetime import date
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lib.crypto import EncryptedTextField
from organizations.models import Organization
from participants.models import Participant
from participants.owned import ParticipantOwnedQuerySet


class LifeDomain(models.TextChoices):
    """The whole-person domains of recovery capital a goal can touch."""

    HOUSING = "housing", _("Housing")
    PHYSICAL_HEALTH = "physical_health", _("Physical health")
    MENTAL_HEALTH = "mental_health", _("Mental and emotional health")
    RELATIONSHIPS = "relationships", _("Relationships and family")
    WORK_EDUCATION = "work_education", _("Work and education")
    LEGAL = "legal", _("Legal")
    FINANCES = "finances", _("Finances")
    COMMUNITY = "community", _("Recovery community")
    MEANING = "meaning", _("Meaning and spirituality")
    RECREATION = "recreation", _("Recreation and joy")
    OTHER = "other", _("Something else")


class GoalStatus(models.TextChoices):
    """Where a goal stands. "Set aside" is a choice, not a failure."""

    NOT_STARTED = "not_started", _("Not started")
    ON_THE_WAY = "on_the_way", _("On the way")
    DONE = "done", _("Done")
    SET_ASIDE = "set_aside", _("Set aside for now")


class StepOwner(models.TextChoices):
    PARTICIPANT = "participant", _("The participant")
    COACH = "coach", _("The coach")
    TOGETHER = "together", _("Together")
    SOMEONE_ELSE = "someone_else", _("Someone else")


class AgreementMethod(models.TextChoices):
    IN_PERSON = "in_person", _("Agreed in person with the coach")
    PORTAL = "portal", _("Confirmed in their own Cairn")


class RecoveryPlan(models.Model):
    """One living plan per participant; `version` counts every saved change."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    participant = models.OneToOneField(
        Participant, on_delete=models.PROTECT, related_name="recovery_plan"
    )
    version = models.PositiveIntegerField(default=0)
    agreed_version = models.PositiveIntegerField(null=True, blank=True)
    agreed_on = models.DateField(null=True, blank=True)
    agreement_method = models.CharField(max_length=20, choices=AgreementMethod.choices, blank=True)
    agreement_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ParticipantOwnedQuerySet["RecoveryPlan"].as_manager()

    class Meta:
        indexes = [models.Index(fields=["organization", "updated_at"], name="plan_org_updated")]

    def __str__(self) -> str:
        return f"Plan {self.participant_id} v{self.version}"

    @property
    def agreement_is_current(self) -> bool:
        return self.agreed_version is not None and self.agreed_version == self.version


class Goal(models.Model):
    """A goal keeps its id across versions so contacts can link to it and versions can compare."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    plan = models.ForeignKey(RecoveryPlan, on_delete=models.PROTECT, related_name="goals")
    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="goals")
    position = models.PositiveSmallIntegerField(default=0)
    in_my_words = EncryptedTextField(_("the goal, in their own words"))
    coach_summary = EncryptedTextField(_("coach's summary (optional)"), blank=True)
    domains = models.JSONField(_("life areas it touches"), default=list, blank=True)
    why_it_matters = EncryptedTextField(_("why it matters to them"), blank=True)
    supports = EncryptedTextField(_("strengths and supports to draw on"), blank=True)
    status = models.CharField(
        _("where it stands"),
        max_length=20,
        choices=GoalStatus.choices,
        default=GoalStatus.NOT_STARTED,
    )
    version = models.PositiveIntegerField(default=1)
    # A goal taken off the plan stays for the history and for the contacts that link to it.
    removed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ParticipantOwnedQuerySet["Goal"].as_manager()

    class Meta:
        ordering = ["position", "created_at"]
        indexes = [
            models.Index(fields=["organization", "participant"], name="goal_org_participant"),
        ]

    def __str__(self) -> str:
        return self.in_my_words[:60]

    @property
    def domain_labels(self) -> list[str]:
        labels = dict(LifeDomain.choices)
        return [str(labels.get(d, d)) for d in self.domains]


class ActionStep(models.Model):
    """A small step toward a goal: who does what, and by when if they want a date."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField(default=0)
    text = EncryptedTextField(_("step"))
    owner = models.CharField(
        _("who does it"), max_length=20, choices=StepOwner.choices, default=StepOwner.PARTICIPANT
    )
    target_on = models.DateField(_("aiming for (optional)"), null=True, blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)

    participant_path = "goal__participant"
    objects = ParticipantOwnedQuerySet["ActionStep"].as_manager()

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.text[:60]


class PlanVersion(models.Model):
    """An immutable snapshot of the whole plan after one change, for history and comparison."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    plan = models.ForeignKey(RecoveryPlan, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    snapshot_text = EncryptedTextField()
    change = models.CharField(max_length=200)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    participant_path = "plan__participant"
    objects = ParticipantOwnedQuerySet["PlanVersion"].as_manager()

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plan_version_unique")
        ]

    def __str__(self) -> str:
        return f"v{self.number}"

    @property
    def snapshot(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.snapshot_text)
        return data


class MilestoneKind(models.TextChoices):
    MILESTONE = "milestone", _("A milestone")
    START_DATE = "start_date", _("A recovery start date")


class Milestone(models.Model):
    """Chosen by the participant. Several start dates may stand side by side: a new start never
    erases an earlier one, and time is counted only when they ask for it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="milestones"
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=MilestoneKind.choices, default=MilestoneKind.MILESTONE
    )
    title = EncryptedTextField(_("what it is, in their words"), max_length=200)
    happened_on = models.DateField(_("date"))
    show_time_since = models.BooleanField(
        _("show the time since this date (only if they want a counter)"), default=False
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    objects = ParticipantOwnedQuerySet["Milestone"].as_manager()

    class Meta:
        ordering = ["-happened_on", "-created_at"]
        indexes = [
            models.Index(fields=["organization", "participant"], name="milestone_org_participant")
        ]

    def __str__(self) -> str:
        return self.title

    def days_since(self, today: date) -> int:
        return (today - self.happened_on).days


class StrengthKind(models.TextChoices):
    STRENGTH = "strength", _("A strength")
    SKILL = "skill", _("A skill")
    PROUD = "proud", _("Something they're proud of")


class Strength(models.Model):
    """Strengths, skills and things they are proud of, gathered over time."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="strength_notes"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=StrengthKind.choices)
    text = EncryptedTextField(_("in their words"), max_length=300)
    noted_on = models.DateField(_("noted on"))
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ParticipantOwnedQuerySet["Strength"].as_manager()

    class Meta:
        ordering = ["-noted_on", "-created_at"]
        indexes = [
            models.Index(fields=["organization", "participant"], name="strength_org_participant")
        ]

    def __str__(self) -> str:
        return self.text
