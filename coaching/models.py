"""An organization's own additions to the language checker, and built-in entries it turned off."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import AnyUser
from lib.crypto import EncryptedCharField, EncryptedJSONField, EncryptedTextField
from organizations.models import Organization


class Severity(models.TextChoices):
    ADVICE = "advice", _("Advice")
    FLAG = "flag", _("Flag")


class CustomTerm(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    phrase = models.CharField(_("word or phrase"), max_length=80)
    suggestion = models.CharField(_("suggest instead"), max_length=160)
    reason = models.CharField(_("why"), max_length=400)
    severity = models.CharField(max_length=10, choices=Severity.choices, default=Severity.ADVICE)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["phrase"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "phrase"], name="customterm_once")
        ]

    def __str__(self) -> str:
        return self.phrase


class DisabledEntry(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    entry_id = models.CharField(max_length=60)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "entry_id"], name="disabledentry_once")
        ]

    def __str__(self) -> str:
        return self.entry_id


class PracticeReviewQuerySet(models.QuerySet["PracticeReview"]):
    def visible_to(
        self, user: AnyUser, organization: Organization | None
    ) -> "PracticeReviewQuerySet":
        """The coach's own reviews, plus, for a supervisor, those their team chose to share."""
        from organizations.models import Membership, Role
        from organizations.selectors import membership_in

        membership = membership_in(user, organization)
        if membership is None:
            return self.none()
        own = models.Q(owner=user)
        if membership.role == Role.SUPERVISOR and membership.team_id:
            team = (
                Membership.objects.active()
                .filter(organization=organization, team_id=membership.team_id, role=Role.COACH)
                .values("user_id")
            )
            own |= models.Q(shared_with_supervisor=True, owner_id__in=team)
        return self.filter(own, organization=organization)


class PracticeReview(models.Model):
    """A conversation review a coach chose to keep, privately or shared with their supervisor."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    title = EncryptedCharField(_("title"), max_length=120)
    utterances = EncryptedJSONField(default=list)  # the transcript, labelled
    summary = EncryptedJSONField(default=dict)
    shared_with_supervisor = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PracticeReviewQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["organization", "owner"], name="practice_org_owner")]

    def __str__(self) -> str:
        return self.title


class ReviewComment(models.Model):
    """A supervisor's comment on a review a coach shared, or the coach's answer: about one line
    of the conversation, or about the whole review (`line` empty). Seen by whoever may see the
    review (the coach, and their team's supervisor while it is shared); never by a manager."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    review = models.ForeignKey(PracticeReview, on_delete=models.CASCADE, related_name="comments")
    line = models.PositiveSmallIntegerField(null=True, blank=True)  # 1 = the first line
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = EncryptedTextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "coaching_review_comment"
        ordering = ["created_at"]
        indexes = [models.Index(fields=["review", "created_at"], name="review_comment_time")]

    def __str__(self) -> str:
        return f"comment {self.pk}"
