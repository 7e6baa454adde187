"""Changes to an organization's lexicon, audited."""

from django.db import transaction

from audit.models import Action
from audit.services import Target, record_member_action
from coaching.conversation.review import Review
from coaching.models import CustomTerm, DisabledEntry, PracticeReview, ReviewComment
from organizations.models import Membership


def add_custom_term(
    *, acting: Membership, phrase: str, suggestion: str, reason: str, severity: str
) -> CustomTerm:
    with transaction.atomic():
        term = CustomTerm.objects.create(
            organization=acting.organization,
            phrase=" ".join(phrase.split()),
            suggestion=suggestion.strip(),
            reason=reason.strip(),
            severity=severity,
            created_by=acting.user,
        )
        record_member_action(
            acting=acting,
            action=Action.CREATE,
            target=Target.of(term),
            changed_fields=["phrase", "suggestion", "reason", "severity"],
        )
    return term


def remove_custom_term(*, acting: Membership, term: CustomTerm) -> None:
    with transaction.atomic():
        record_member_action(
            acting=acting, action=Action.DELETE, target=Target.of(term), changed_fields=["phrase"]
        )
        term.delete()


def set_entry_enabled(*, acting: Membership, entry_id: str, enabled: bool) -> None:
    with transaction.atomic():
        if enabled:
            DisabledEntry.objects.filter(
                organization=acting.organization, entry_id=entry_id
            ).delete()
        else:
            DisabledEntry.objects.get_or_create(
                organization=acting.organization,
                entry_id=entry_id,
                defaults={"created_by": acting.user},
            )
        record_member_action(
            acting=acting,
            action=Action.UPDATE,
            target=Target(type="coaching.lexicon", id=entry_id[:64]),
            changed_fields=["enabled"],
        )


def save_practice_review(
    *, acting: Membership, title: str, review: Review, share: bool
) -> PracticeReview:
    data = review.as_dict()
    with transaction.atomic():
        saved = PracticeReview.objects.create(
            organization=acting.organization,
            owner=acting.user,
            title=title.strip()[:120],
            utterances=data["utterances"],
            summary=data["summary"],
            shared_with_supervisor=share,
        )
        record_member_action(
            acting=acting,
            action=Action.CREATE,
            target=Target.of(saved),
            changed_fields=["practice_review", *(["shared"] if share else [])],
        )
    return saved


def set_practice_sharing(*, acting: Membership, saved: PracticeReview, share: bool) -> None:
    with transaction.atomic():
        PracticeReview.objects.filter(pk=saved.pk).update(shared_with_supervisor=share)
        record_member_action(
            acting=acting, action=Action.UPDATE, target=Target.of(saved), changed_fields=["shared"]
        )


def delete_practice_review(*, acting: Membership, saved: PracticeReview) -> None:
    with transaction.atomic():
        record_member_action(
            acting=acting,
            action=Action.DELETE,
            target=Target.of(saved),
            changed_fields=["practice_review"],
        )
        saved.delete()


def comment_on_review(
    *, acting: Membership, saved: PracticeReview, line: int | None, text: str
) -> ReviewComment:
    """A comment on one line of a shared review (or on the whole of it), by its supervisor or
    its coach."""
    with transaction.atomic():
        comment = ReviewComment.objects.create(
            organization=acting.organization,
            review=saved,
            line=line,
            author=acting.user,
            text=text.strip(),
        )
        record_member_action(
            acting=acting,
            action=Action.CREATE,
            target=Target.of(comment),
            changed_fields=["text", "line"] if line else ["text"],
        )
    return comment
