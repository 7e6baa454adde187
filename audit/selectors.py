"""Reading the audit trail: chain verification and the review list."""

import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.cache import cache
from django.db.models import Count, Model, QuerySet
from django.utils import timezone

from audit.chain import GENESIS_HASH, event_hash
from audit.extensions import ids_named_for_audit
from audit.models import Action, AuditChainHead, AuditEvent


@dataclass(frozen=True)
class ChainReport:
    chain: int
    events_checked: int
    first_broken_seq: int | None = None
    first_broken_id: int | None = None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.first_broken_seq is None


def verify_chain(chain: int, *, batch_size: int = 5000, using: str = "default") -> ChainReport:
    """Walk one chain in order; report the first event whose link or content does not hold."""
    expected_prev = GENESIS_HASH
    expected_seq = 1
    checked = 0
    events = AuditEvent.objects.using(using).filter(chain=chain).order_by("seq")
    for event in events.iterator(chunk_size=batch_size):
        problem = ""
        if event.seq != expected_seq:
            problem = f"expected link {expected_seq}, found {event.seq} (an event is missing)"
        elif event.prev_hash != expected_prev:
            problem = "does not point at the hash of the event before it"
        elif event_hash(event) != event.hash:
            problem = "its content no longer matches its hash (it was changed)"
        if problem:
            return ChainReport(chain, checked, event.seq, event.pk, problem)
        checked += 1
        expected_prev = event.hash
        expected_seq += 1
    return ChainReport(chain, checked)


# Where chain heads are stored, for a reader that works in SQL on a whole database (backups).
CHAIN_HEADS_TABLE = AuditChainHead._meta.db_table


def last_link(chain: int, *, using: str = "default") -> str:
    """The hash of a chain's last link, as its head keeps it ("" for no chain)."""
    head = AuditChainHead.objects.using(using).filter(chain=chain)
    return str(head.values_list("last_hash", flat=True).first() or "")


def chain_length(chain: int) -> int:
    """How many events a chain holds, read from its head: links are numbered 1 to last_seq
    without gaps (`verify_chain` checks), so no count over the events is needed."""
    head = AuditChainHead.objects.filter(chain=chain).values_list("last_seq", flat=True)
    return int(head.first() or 0)


def chains_to_verify(organization_id: int | None = None, *, using: str = "default") -> list[int]:
    if organization_id is not None:
        return [organization_id]
    chains = AuditEvent.objects.using(using).values_list("chain", flat=True).distinct()
    return sorted(set(chains))


@dataclass(frozen=True)
class AuditFilters:
    participant_id: uuid.UUID | None = None
    participant_name: str = ""
    username: str = ""
    action: str = ""
    since: date | None = None
    until: date | None = None


def events_for_review(organization: Model, filters: AuditFilters) -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.filter(organization_id=organization.pk)
    if filters.participant_id:
        events = events.filter(participant_id=filters.participant_id)
    if filters.participant_name.strip():
        events = events.filter(
            participant_id__in=ids_named_for_audit(organization, filters.participant_name)
        )
    if filters.username:
        events = events.filter(actor_username__iexact=filters.username.strip())
    if filters.action in Action.values:
        events = events.filter(action=filters.action)
    if filters.since:
        events = events.filter(created_at__date__gte=filters.since)
    if filters.until:
        events = events.filter(created_at__date__lte=filters.until)
    return events.order_by("-created_at", "-seq")


def recent_access_events(
    organization: Model, *, days: int = 30, limit: int = 20
) -> list[AuditEvent]:
    """Access changes asked, approved and refused, and sign-in links made for someone else:
    shown apart at the top of the audit review, newest first."""
    since = timezone.now() - timedelta(days=days)
    return list(
        AuditEvent.objects.filter(
            organization_id=organization.pk,
            created_at__gte=since,
            action__in=Action.access_changes(),
        )
        .only("created_at", "seq", "actor_username", "action", "changed_fields", "target_type")
        .order_by("-created_at", "-seq")[:limit]
    )


@dataclass(frozen=True)
class VolumeAlert:
    username: str
    records: int


def unusual_volume(organization: Model, *, limit: int = 50, minutes: int = 60) -> list[VolumeAlert]:
    """People who opened more than `limit` different participant records in the last hour."""
    since = timezone.now() - timedelta(minutes=minutes)
    rows = (
        AuditEvent.objects.filter(
            organization_id=organization.pk,
            created_at__gte=since,
            action__in=[Action.VIEW, Action.BREAK_GLASS],
            participant_id__isnull=False,
        )
        .values("actor_username")
        .annotate(records=Count("participant_id", distinct=True))
        .filter(records__gt=limit)
        .order_by("-records")
    )
    return [VolumeAlert(row["actor_username"], row["records"]) for row in rows]


# The audit review's alert is kept this long per organization: counting a busy hour's page views
# on every view of the review costs too much at state scale (figures:
# bench/results/2026-12-04-measured-design-choices.md).
ALERT_SECONDS = 60
ALERT_RECORDS = 50  # different participant records in the last hour that raise the alert


def recent_volume_alerts(organization: Model) -> list[VolumeAlert]:
    """`unusual_volume` for the audit review, at most a minute old."""
    alerts = cache.get_or_set(
        f"audit:unusual-volume:{organization.pk}",
        lambda: unusual_volume(organization, limit=ALERT_RECORDS),
        ALERT_SECONDS,
    )
    return list(alerts or [])


def access_report(participant_ids: list[uuid.UUID], organization: Model) -> QuerySet[AuditEvent]:
    """Who viewed or changed a participant's record, and when (for the person themselves)."""
    return (
        AuditEvent.objects.filter(
            organization_id=organization.pk,
            participant_id__in=participant_ids,
            action__in=[
                Action.VIEW,
                Action.CREATE,
                Action.UPDATE,
                Action.DELETE,
                Action.EXPORT,
                Action.BREAK_GLASS,
            ],
        )
        .select_related("actor")
        .order_by("-created_at")
    )
