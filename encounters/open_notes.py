"""Open notes: what a participant may read about themselves, withholding with a reason, and
their comments and correction requests with the coach's answers."""

from django.contrib.auth.models import AnonymousUser
from django.db import models, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import AnyUser
from audit.models import Action
from audit.services import Target, record_member_action
from encounters.models import (
    Encounter,
    FeedbackKind,
    FeedbackStatus,
    NoteFeedback,
    NoteState,
    WithheldReason,
)
from encounters.services import add_addendum
from lib.prepared import prepared
from organizations.models import Membership, Organization, Role
from participants.models import Participant


class NotAllowed(Exception):
    """Only the note's author or a supervisor may do this."""


class AlreadyAnswered(Exception):
    """Someone answered this request first; nothing was written."""

    def __init__(self, current: NoteFeedback) -> None:
        super().__init__("request already answered")
        self.current = current


class Decision(models.TextChoices):
    """How the coach answers: a correction is accepted or declined; a comment is read."""

    ACCEPT = "accept", _("Accept: add the correction to the note as an addendum")
    DECLINE = "decline", _("Decline, with a reason they can read")
    SEEN = "seen", _("Mark as read")


# --- reads -------------------------------------------------------------------------------


def shared_notes(participant: Participant) -> QuerySet[Encounter]:
    """Signed notes the participant may read: never drafts, never withheld ones."""
    return Encounter.objects.filter(
        organization_id=participant.organization_id,
        participant=participant,
        state=NoteState.SIGNED,
        withheld_at__isnull=True,
    )


def withheld_notes(participant: Participant) -> QuerySet[Encounter]:
    """Signed notes kept back, listed by date and reason only."""
    return Encounter.objects.filter(
        organization_id=participant.organization_id,
        participant=participant,
        state=NoteState.SIGNED,
        withheld_at__isnull=False,
    ).only("id", "started_at", "occurred_on", "withheld_reason", "withheld_detail")


def open_requests_for(*, user: AnyUser, organization: Organization) -> list[NoteFeedback]:
    """Today: comments and correction requests waiting on notes this coach wrote (one query)."""
    if isinstance(user, AnonymousUser):
        return []
    return _open_requests.fetch(organization_id=organization.pk, user_id=user.pk)


@prepared
def _open_requests(*, organization_id: int, user_id: int) -> QuerySet[NoteFeedback]:
    return (
        NoteFeedback.objects.filter(
            organization_id=organization_id,
            status=FeedbackStatus.OPEN,
            encounter__author_id=user_id,
        )
        .select_related("encounter", "participant")
        .order_by("created_at")[:50]
    )


def may_answer(acting: Membership, encounter: Encounter) -> bool:
    """The author, or a supervisor who can see the note (scope is checked by the lookup)."""
    return encounter.author_id == acting.user_id or acting.role == Role.SUPERVISOR


# --- writes ------------------------------------------------------------------------------


def _audit_note(acting: Membership, encounter: Encounter, fields: list[str]) -> None:
    record_member_action(
        acting=acting,
        action=Action.UPDATE,
        target=Target.of(encounter),
        participant_id=encounter.participant_id,
        changed_fields=fields,
    )


def withhold_note(
    *, acting: Membership, encounter: Encounter, reason: str, detail: str = ""
) -> None:
    """Keep a note out of the participant's portal; they still see that it exists, and why."""
    if not may_answer(acting, encounter):
        raise NotAllowed
    WithheldReason(reason)  # an unknown reason fails here, not on the participant's page
    with transaction.atomic():
        Encounter.objects.filter(pk=encounter.pk).update(
            withheld_reason=reason,
            withheld_detail=detail.strip()[:300],
            withheld_at=timezone.now(),
            withheld_by=acting.user,
        )
        _audit_note(acting, encounter, ["withheld_reason", "withheld_at"])


def share_note(*, acting: Membership, encounter: Encounter) -> None:
    """Show a withheld note to the participant again."""
    if not may_answer(acting, encounter):
        raise NotAllowed
    with transaction.atomic():
        Encounter.objects.filter(pk=encounter.pk).update(
            withheld_reason="", withheld_detail="", withheld_at=None, withheld_by=None
        )
        _audit_note(acting, encounter, ["withheld_at"])


def give_feedback(
    *, acting: Membership, encounter: Encounter, kind: str, text: str, suggested: str = ""
) -> NoteFeedback:
    """The participant comments on a note about them, or asks for a correction."""
    FeedbackKind(kind)
    with transaction.atomic():
        feedback = NoteFeedback.objects.create(
            organization=acting.organization,
            encounter=encounter,
            participant_id=encounter.participant_id,
            kind=kind,
            text=text.strip(),
            suggested=suggested.strip() if kind == FeedbackKind.CORRECTION else "",
            created_by=acting.user,
        )
        record_member_action(
            acting=acting,
            action=Action.CREATE,
            target=Target.of(feedback),
            participant_id=encounter.participant_id,
            changed_fields=["text", "suggested"] if feedback.suggested else ["text"],
        )
    return feedback


def answer_feedback(
    *, acting: Membership, feedback: NoteFeedback, decision: str, answer: str
) -> NoteFeedback:
    """Accept (the answer becomes an addendum to the locked note), decline with a reason the
    participant reads, or mark a comment as read. Answered requests are never answered again."""
    answer = answer.strip()
    with transaction.atomic():
        current = (
            NoteFeedback.objects.select_for_update()
            .select_related("encounter", "participant")
            .get(pk=feedback.pk)
        )
        if not may_answer(acting, current.encounter):
            raise NotAllowed
        if current.status != FeedbackStatus.OPEN:
            raise AlreadyAnswered(current)
        if decision == Decision.ACCEPT:
            if current.kind != FeedbackKind.CORRECTION or not answer:
                raise ValueError("an accepted correction needs the corrected text")
            current.addendum = add_addendum(
                acting=acting,
                encounter=current.encounter,
                text=gettext("Correction asked for by %(name)s: %(answer)s")
                % {"name": current.participant.preferred_name, "answer": answer},
            )
            current.status = FeedbackStatus.ACCEPTED
        elif decision == Decision.DECLINE:
            if not answer:
                raise ValueError("a declined request needs a reason")
            current.status = FeedbackStatus.DECLINED
        elif decision == Decision.SEEN:
            current.status = FeedbackStatus.SEEN
        else:
            raise ValueError(decision)
        current.answer = answer
        current.answered_by = acting.user
        current.answered_at = timezone.now()
        current.save(update_fields=["status", "answer", "answered_by", "answered_at", "addendum"])
        record_member_action(
            acting=acting,
            action=Action.UPDATE,
            target=Target.of(current),
            participant_id=current.participant_id,
            changed_fields=["status", "answer"],
        )
    return current
