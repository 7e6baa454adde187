"""Reading the audit trail: chain verification and the review list."""

import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.cache import cache
from django.db.models import Count, QuerySet
from django.utils import timezone

from audit.chain import GENESIS_HASH, event_hash
from audit.extensions import ids_named_for_audit
from audit.models import Action, AuditEvent
from organizations.models import Organization


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


def events_for_review(organization: Organization, filters: AuditFilters) -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.filter(organization=organization)
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
    organization: Organization, *, days: int = 30, limit: int = 20
) -> list[AuditEvent]:
    """Access changes asked, approved and refused, and sign-in links made for someone else:
    shown apart at the top of the audit review, newest first."""
    since = timezone.now() - timedelta(days=days)
    return list(
        AuditEvent.objects.filter(
            organization=organization,
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


def unusual_volume(
    organization: Organization, *, limit: int = 50, minutes: int = 60
) -> list[VolumeAlert]:
    """People who opened more than `limit` different participant records in the last hour."""
    since = timezone.now() - timedelta(minutes=minutes)
    rows = (
        AuditEvent.objects.filter(
            organization=organization,
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
# took 24 ms (27,850 views in one hour at state scale), on every view of the review.
ALERT_SECONDS = 60
ALERT_RECORDS = 50  # different participant records in the last hour that raise the alert


def recent_volume_alerts(organization: Organization) -> list[VolumeAlert]:
    """`unusual_volume` for the audit review, at most a minute old."""
    alerts = cache.get_or_set(
        f"audit:unusual-volume:{organization.pk}",
        lambda: unusual_volume(organization, limit=ALERT_RECORDS),
        ALERT_SECONDS,
    )
    return list(alerts or [])


def access_report(
    participant_ids: list[uuid.UUID], organization: Organization
) -> QuerySet[AuditEvent]:
    """Who viewed or changed a participant's record, and when (for the person themselves)."""
    return (
        AuditEvent.objects.filter(
            organization=organization,
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
