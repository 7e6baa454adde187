"""Changes to an organization's lexicon, audited."""

from django.db import transaction

from audit.models import Action
from audit.services import Target, record_member_action
from coaching.models import CustomTerm, DisabledEntry
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
