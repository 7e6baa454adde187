"""Retention: how long closed records are kept, legal holds, and the purge that ends a record.

A purge removes the participant and every row that hangs from them (notes, plans, assessments,
safety plans, consents, messages…) with their encrypted text, and writes one audit event that
says what kind of rows and how many went, never what they said.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from accounts.models import User
from audit.models import Action
from audit.services import Target, record_event, record_member_action
from consent.models import LegalHold, RetentionPolicy
from lib.purge import delete_tree, protected_deletes_allowed
from organizations.models import Membership, Organization
from participants.models import Participant, ParticipantStatus

ENDED = (ParticipantStatus.CLOSED, ParticipantStatus.COMPLETED, ParticipantStatus.MOVED_ON)
DEFAULT_YEARS = 7


class StalePolicy(Exception):
    def __init__(self, current: RetentionPolicy) -> None:
        super().__init__("stale retention policy")
        self.current = current


def policy_for(organization: Organization) -> RetentionPolicy:
    return RetentionPolicy.objects.filter(organization=organization).first() or RetentionPolicy(
        organization=organization, keep_closed_years=DEFAULT_YEARS, version=0
    )


def cutoff(organization: Organization, today: date) -> date:
    """Records that ended before this day are past their retention period."""
    years = policy_for(organization).keep_closed_years
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February in a year without one
        return today.replace(year=today.year - years, day=28)


def active_hold(participant: Participant) -> LegalHold | None:
    return LegalHold.objects.filter(participant=participant, released_at__isnull=True).first()


def expired_records(organization: Organization, today: date) -> QuerySet[Participant]:
    """Ended records past the period, without a legal hold; merged duplicates go with the
    record they were merged into, so they are not listed on their own."""
    held = LegalHold.objects.filter(participant=OuterRef("pk"), released_at__isnull=True)
    return (
        Participant.objects.filter(
            organization=organization,
            status__in=ENDED,
            status_since__lt=cutoff(organization, today),
            merged_into__isnull=True,
        )
        .exclude(Exists(held))
        .order_by("status_since")
    )


def held_count(organization: Organization) -> int:
    return (
        LegalHold.objects.filter(organization=organization, released_at__isnull=True)
        .values("participant")
        .distinct()
        .count()
    )


def set_retention(
    *, acting: Membership, keep_closed_years: int, expected_version: int
) -> RetentionPolicy:
    with transaction.atomic():
        policy, _ = RetentionPolicy.objects.select_for_update().get_or_create(
            organization=acting.organization,
            defaults={"keep_closed_years": DEFAULT_YEARS, "version": 0},
        )
        if policy.version != expected_version:
            raise StalePolicy(policy)
        policy.keep_closed_years = keep_closed_years
        policy.version += 1
        policy.save()
        record_member_action(
            acting=acting,
            action=Action.UPDATE,
            target=Target(type="consent.retentionpolicy", id=str(acting.organization.pk)),
            changed_fields=["keep_closed_years"],
        )
    return policy


def place_hold(*, acting: Membership, participant: Participant, reason: str) -> LegalHold:
    with transaction.atomic():
        hold = LegalHold.objects.create(
            organization=acting.organization,
            participant=participant,
            reason=reason.strip(),
            placed_by=acting.user,
        )
        record_member_action(
            acting=acting,
            action=Action.CREATE,
            target=Target.of(hold),
            participant_id=participant.id,
            changed_fields=["legal_hold"],
        )
    return hold


def release_hold(*, acting: Membership, hold: LegalHold) -> None:
    with transaction.atomic():
        LegalHold.objects.filter(pk=hold.pk, released_at__isnull=True).update(
            released_at=timezone.now(), released_by=acting.user
        )
        record_member_action(
            acting=acting,
            action=Action.UPDATE,
            target=Target.of(hold),
            participant_id=hold.participant_id,
            changed_fields=["released"],
        )


@dataclass(frozen=True)
class Purged:
    participant_id: str
    rows: dict[str, int]


def purge_record(*, participant: Participant, today: date) -> Purged | None:
    """Remove one expired record now; re-checked under a lock so a hold placed meanwhile wins."""
    organization = participant.organization
    with transaction.atomic():
        locked = (
            Participant.objects.select_for_update()
            .filter(pk=participant.pk)
            .filter(pk__in=expired_records(organization, today).values("pk"))
            .first()
        )
        if locked is None:
            return None
        family = [locked.pk]
        frontier = [locked.pk]
        while frontier:  # duplicates merged into this record, and theirs
            frontier = list(
                Participant.objects.filter(merged_into__in=frontier).values_list("pk", flat=True)
            )
            family.extend(frontier)
        users = list(
            Participant.objects.filter(pk__in=family, user__isnull=False).values_list(
                "user_id", flat=True
            )
        )
        Participant.objects.filter(pk__in=family).update(merged_into=None)
        with protected_deletes_allowed():
            rows = delete_tree(Participant, Participant.objects.filter(pk__in=family))
        # Portal accounts stay (the audit trail names them) but can no longer sign in.
        User.objects.filter(pk__in=users).update(is_active=False)
        Membership.objects.filter(user_id__in=users).update(is_active=False)
        record_event(
            action=Action.DELETE,
            actor=None,
            organization=organization,
            role="system",
            target=Target(type="participants.participant", id=str(locked.pk)),
            participant_id=locked.pk,
            changed_fields=[f"{label}:{count}" for label, count in sorted(rows.items())],
        )
    return Purged(str(locked.pk), dict(rows))


def purge_expired(organization: Organization, *, today: date | None = None) -> list[Purged]:
    today = today or timezone.localdate()
    done = []
    for participant in list(expired_records(organization, today).select_related("organization")):
        purged = purge_record(participant=participant, today=today)
        if purged is not None:
            done.append(purged)
    return done


def next_purge_preview(organization: Organization, today: date, *, days: int = 30) -> int:
    """How many records will pass their retention period within `days` (for the settings page)."""
    soon = today + timedelta(days=days)
    return expired_records(organization, soon).count()
