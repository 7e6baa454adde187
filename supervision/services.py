"""Recording supervision, the program's topics and requirement, and the coach's journal; each
write one transaction with its audit event (which names what changed, never the words)."""

import base64
import hashlib
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from audit.models import Action
from audit.services import Target, record_member_action
from organizations.models import Membership, Organization
from organizations.services import save_organization_row
from supervision.models import (
    DEFAULT_TOPICS,
    AgreedAction,
    Credential,
    JournalEntry,
    LogSignature,
    Requirement,
    SupervisionSession,
    Topic,
    TrainingCertificate,
    TrainingRecord,
    WellbeingCheck,
)
from supervision.selectors import (
    log_fingerprint,
    log_for_period,
    practice_minutes,
    signer_credential,
)
from supervision.uploads import Certificate


def ensure_topics(organization: Organization) -> None:
    """A program's first visit gets the default topics (in the language of that moment)."""
    if not Topic.objects.filter(organization=organization).exists():
        Topic.objects.bulk_create(
            [Topic(organization=organization, name=str(name)) for name in DEFAULT_TOPICS],
            ignore_conflicts=True,
        )


def record_session(
    *,
    acting: Membership,
    coaches: Sequence[Any],
    held_on: date,
    minutes: int,
    kind: str,
    mode: str,
    topics: Sequence[Topic],
    notes: str,
) -> SupervisionSession:
    with transaction.atomic():
        session = SupervisionSession.objects.create(
            organization=acting.organization,
            supervisor=acting.user,
            held_on=held_on,
            minutes=minutes,
            kind=kind,
            mode=mode,
            notes=notes.strip(),
        )
        session.coaches.set(coaches)
        session.topics.set(topics)
        record_member_action(
            acting=acting,
            action=Action.CREATE,
            target=Target.of(session),
            changed_fields=["coaches", "held_on", "minutes", "kind", "mode", "topics"]
            + (["notes"] if notes.strip() else []),
        )
    return session


def agree_action(
    *,
    acting: Membership,
    session: SupervisionSession,
    coach: Any,
    owner: str,
    text: str,
    due_on: date | None,
    review: Any | None,
) -> AgreedAction:
    """An action agreed in a session, with one coach of it; the view has checked that the acting
    member is a party to the session and that the review is one the supervisor may see."""
    with transaction.atomic():
        action = AgreedAction.objects.create(
            organization=acting.organization,
            session=session,
            coach=coach,
            owner=owner,
            text=text.strip(),
            due_on=due_on,
            review=review,
            created_by=acting.user,
        )
        record_member_action(
            acting=acting,
            action=Action.CREATE,
            target=Target.of(action),
            changed_fields=["coach", "owner", "text"]
            + (["due_on"] if due_on else [])
            + (["review"] if review else []),
        )
    return action


def mark_action_done(*, acting: Membership, action: AgreedAction) -> bool:
    """Done, by whom and when; a second press (or the other party's) changes nothing and writes
    no second event. Returns whether this call marked it."""
    with transaction.atomic():
        marked = AgreedAction.objects.filter(pk=action.pk, done_at__isnull=True).update(
            done_at=timezone.now(), done_by=acting.user
        )
        if marked:
            record_member_action(
                acting=acting,
                action=Action.UPDATE,
                target=Target.of(action),
                changed_fields=["done_at", "done_by"],
            )
    return bool(marked)


def add_topic(*, acting: Membership, name: str) -> Topic:
    with transaction.atomic():
        topic = Topic.objects.create(organization=acting.organization, name=name.strip())
        record_member_action(
            acting=acting, action=Action.CREATE, target=Target.of(topic), changed_fields=["name"]
        )
    return topic


def change_topic(*, acting: Membership, topic: Topic, name: str, is_active: bool) -> list[str]:
    """Rename a topic, or retire it (or bring it back): never deleted, so the sessions that
    used it keep it. Returns the names of what changed."""
    values = {"name": name.strip(), "is_active": is_active}
    changed = [field for field, value in values.items() if getattr(topic, field) != value]
    if not changed:
        return []
    with transaction.atomic():
        for field in changed:
            setattr(topic, field, values[field])
        topic.save(update_fields=changed)
        record_member_action(
            acting=acting, action=Action.UPDATE, target=Target.of(topic), changed_fields=changed
        )
    return changed


def write_entry(*, acting: Membership, text: str, prompt: str = "") -> JournalEntry:
    with transaction.atomic():
        entry = JournalEntry.objects.create(
            organization=acting.organization, writer=acting.user, text=text.strip(), prompt=prompt
        )
        record_member_action(
            acting=acting, action=Action.CREATE, target=Target.of(entry), changed_fields=["text"]
        )
    return entry


def delete_entry(*, acting: Membership, entry: JournalEntry) -> None:
    """Real deletion: the row goes; the audit trail keeps only that an entry was removed."""
    with transaction.atomic():
        target = Target.of(entry)
        entry.delete()
        record_member_action(acting=acting, action=Action.DELETE, target=target)


CREDENTIAL_FIELDS = ("name", "number", "issued_by", "issued_on", "expires_on")


def add_credential(*, acting: Membership, values: dict[str, Any]) -> Credential:
    with transaction.atomic():
        credential = Credential.objects.create(
            organization=acting.organization,
            holder=acting.user,
            **{name: values[name] for name in CREDENTIAL_FIELDS},
        )
        record_member_action(
            acting=acting,
            action=Action.CREATE,
            target=Target.of(credential),
            changed_fields=[name for name in CREDENTIAL_FIELDS if values[name]],
        )
    return credential


def remove_credential(*, acting: Membership, credential: Credential) -> None:
    with transaction.atomic():
        target = Target.of(credential)
        credential.delete()
        record_member_action(acting=acting, action=Action.DELETE, target=target)


def save_requirement(*, acting: Membership, values: dict[str, int]) -> list[str]:
    """The program's hours for the credential; returns the names of what changed."""
    _row, changed = save_organization_row(acting=acting, model=Requirement, values=values)
    return changed


def sign_log(*, acting: Membership, coach: Any, start: date, end: date) -> LogSignature:
    """The supervisor signs a coach's log for a period as it stands now; the view has checked
    that the coach is on their team. The fingerprint is taken in the same transaction as the
    signature row, so a session recorded at that moment is either covered or later."""
    with transaction.atomic():
        now = timezone.now()
        fingerprint = log_fingerprint(
            coach=coach,
            organization=acting.organization,
            start=start,
            end=end,
            sessions=[
                s
                for s in log_for_period(coach, acting.organization, start=start, end=end)
                if s.created_at <= now
            ],
            practice_minutes=practice_minutes(
                coach, acting.organization, start=start, end=end, signed_by=now
            ),
        )
        signature = LogSignature.objects.create(
            organization=acting.organization,
            coach=coach,
            signed_by=acting.user,
            signed_at=now,
            period_start=start,
            period_end=end,
            signer_credential=signer_credential(acting, today=timezone.localdate()),
            fingerprint=fingerprint,
        )
        record_member_action(
            acting=acting,
            action=Action.CREATE,
            target=Target.of(signature),
            changed_fields=["period_start", "period_end", "fingerprint"],
        )
    return signature


def take_check(
    *, acting: Membership, answers: dict[str, int], words: dict[str, str]
) -> WellbeingCheck:
    """A coach's own self-check; the audit event says one was taken, never what it says."""
    with transaction.atomic():
        check = WellbeingCheck.objects.create(
            organization=acting.organization,
            coach=acting.user,
            answers=answers,
            words={key: text.strip() for key, text in words.items() if text.strip()},
        )
        record_member_action(acting=acting, action=Action.CREATE, target=Target.of(check))
    return check


def set_check_sharing(
    *, acting: Membership, check: WellbeingCheck, share: bool, at: datetime | None = None
) -> bool:
    """Share one check's summary with the supervisors of the coach's team, or stop; returns
    whether anything changed."""
    with transaction.atomic():
        rows = WellbeingCheck.objects.filter(pk=check.pk, shared_at__isnull=share)
        changed = rows.update(shared_at=(at or timezone.now()) if share else None)
        if changed:
            record_member_action(
                acting=acting,
                action=Action.UPDATE,
                target=Target.of(check),
                changed_fields=["shared_at"],
            )
    return bool(changed)


def delete_check(*, acting: Membership, check: WellbeingCheck) -> None:
    """Real deletion: the row goes; the audit trail keeps only that a check was removed."""
    with transaction.atomic():
        target = Target.of(check)
        check.delete()
        record_member_action(acting=acting, action=Action.DELETE, target=target)


def add_training(
    *,
    acting: Membership,
    topic: str,
    hours: Decimal,
    provider: str,
    taken_on: date,
    certificate: Certificate | None,
) -> TrainingRecord:
    """A training the member took, with its certificate if they have one (already checked by
    the form: its type from its first bytes, its size, its shape), stored encrypted."""
    with transaction.atomic():
        record = TrainingRecord.objects.create(
            organization=acting.organization,
            holder=acting.user,
            topic=topic.strip(),
            hours=hours,
            provider=provider.strip(),
            taken_on=taken_on,
        )
        if certificate is not None:
            TrainingCertificate.objects.create(
                record=record,
                content=base64.b64encode(certificate.content).decode("ascii"),
                content_type=certificate.content_type,
                size=len(certificate.content),
                sha256=hashlib.sha256(certificate.content).hexdigest(),
            )
        record_member_action(
            acting=acting,
            action=Action.CREATE,
            target=Target.of(record),
            changed_fields=["topic", "hours", "taken_on"]
            + (["provider"] if provider.strip() else [])
            + (["certificate"] if certificate is not None else []),
        )
    return record


def remove_training(*, acting: Membership, record: TrainingRecord) -> None:
    """The record and its certificate go for good."""
    with transaction.atomic():
        target = Target.of(record)
        record.delete()
        record_member_action(acting=acting, action=Action.DELETE, target=target)


def forget_journal(*, acting: Membership, membership: Membership) -> int:
    """When someone's account in an organization is closed, their journal there is deleted
    for real (the supervision sessions they were in stay, as the program's record of
    supervision, and they never held journal text). The audit trail keeps how many went, on
    the person, never what they said. Returns how many entries were deleted."""
    with transaction.atomic():
        deleted, _by_model = JournalEntry.objects.filter(
            organization_id=membership.organization_id, writer_id=membership.user_id
        ).delete()
        if deleted:
            record_member_action(
                acting=acting,
                action=Action.DELETE,
                target=Target(type="supervision.journal", id=str(membership.user.public_id)),
                changed_fields=["journal"],
            )
    return deleted
