"""Writing a checked batch: every valid row in one transaction, each created record audited.

Rows are written with PostgreSQL COPY (`lib.bulk.bulk_insert`) rather than one service call per
row, so 100,000 people fit in the time budget. The bulk path keeps what the services guarantee:
the participant's first status step and coach assignment, and one CREATE audit event per created
record (so each person's access history shows how their record began), appended to the
organization's hash chain under the same head lock `audit.services.record_event` uses.
"""

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from audit.chain import GENESIS_HASH, event_hash
from audit.models import Action, AuditEvent
from audit.services import _locked_head
from encounters.models import Encounter
from imports.checking import CheckResult
from imports.models import ImportBatch, ImportedRecord, Kind
from lib.bulk import bulk_insert
from lib.request_context import current_request_info
from organizations.models import Membership
from participants.models import (
    CoachAssignment,
    CoachRole,
    Participant,
    ParticipantStatus,
    StatusChange,
)

ProgressFn = Callable[[int, int], None]
CHUNK = 5000


def write(
    *, batch: ImportBatch, result: CheckResult, acting: Membership, progress: ProgressFn | None
) -> int:
    """Create every valid row's record; returns how many. Raises and writes nothing on failure."""
    writer = _write_participants if batch.kind == Kind.PARTICIPANTS else _write_contacts
    total = len(result.valid)
    with transaction.atomic():
        for start in range(0, total, CHUNK):
            chunk = result.valid[start : start + CHUNK]
            created = writer(batch, acting, chunk)
            bulk_insert(
                ImportedRecord,
                [
                    ImportedRecord(
                        organization=batch.organization,
                        kind=batch.kind,
                        source_id=source[:200],
                        object_id=obj.pk,
                        batch_id=batch.pk,
                    )
                    for (_row, source, _values), obj in zip(chunk, created, strict=True)
                ],
            )
            _audit_creations(acting, created, fields=[list(v) for _r, _s, v in chunk])
            if progress is not None:
                progress(start + len(chunk), total)
    return total


def _write_participants(
    batch: ImportBatch, acting: Membership, chunk: list[tuple[int, str, dict[str, Any]]]
) -> list[Participant]:
    today = timezone.localdate()
    people, steps, assignments = [], [], []
    for _row, _source, values in chunk:
        values = dict(values)
        coach = values.pop("coach_username")
        status = values.pop("status", ParticipantStatus.ACTIVE)
        enrolled_on = values.pop("enrolled_on", today)
        person = Participant(
            id=uuid.uuid4(),
            organization=batch.organization,
            coach=coach,
            status=status,
            status_since=enrolled_on,
            enrolled_on=enrolled_on,
            **values,
        )
        people.append(person)
        steps.append(
            StatusChange(
                organization=batch.organization,
                participant=person,
                from_status="",
                to_status=status,
                effective_on=enrolled_on,
                reason="Imported",
                changed_by=acting.user,
            )
        )
        assignments.append(
            CoachAssignment(
                organization=batch.organization,
                participant=person,
                coach=coach,
                role=CoachRole.PRIMARY,
                started_on=enrolled_on,
                assigned_by=acting.user,
            )
        )
    bulk_insert(Participant, people)
    bulk_insert(StatusChange, steps)
    bulk_insert(CoachAssignment, assignments)
    return people


def _write_contacts(
    batch: ImportBatch, acting: Membership, chunk: list[tuple[int, str, dict[str, Any]]]
) -> list[Encounter]:
    zone = ZoneInfo(batch.organization.time_zone)
    contacts = []
    for _row, _source, values in chunk:
        values = dict(values)
        started_at: datetime | None = values.pop("started_at", None)
        occurred_on = values.pop("occurred_on", None)
        if started_at is None:
            started_at = datetime.combine(occurred_on, datetime.min.time().replace(hour=12))
            started_at = started_at.replace(tzinfo=zone)
        contacts.append(
            Encounter(
                id=uuid.uuid4(),
                organization=batch.organization,
                participant_id=values.pop("participant_id"),
                author=values.pop("coach_username"),
                started_at=started_at,
                occurred_on=started_at.astimezone(zone).date(),
                is_brief=True,
                **values,
            )
        )
    bulk_insert(Encounter, contacts)
    _touch_last_contact(contacts)
    return contacts


def _touch_last_contact(contacts: list[Encounter]) -> None:
    """As recording a contact does: 'last contact' moves to the latest contact that reached them."""
    latest: dict[uuid.UUID, Any] = {}
    for contact in contacts:
        if contact.counts_as_contact:
            pid = contact.participant_id
            latest[pid] = max(latest.get(pid, contact.occurred_on), contact.occurred_on)
    for pid, day in latest.items():
        Participant.objects.filter(
            Q(last_contact_on__isnull=True) | Q(last_contact_on__lt=day), pk=pid
        ).update(last_contact_on=day)


def _audit_creations(acting: Membership, created: list[Any], *, fields: list[list[str]]) -> None:
    """One CREATE event per record, chained in order, inserted together."""
    if not created:
        return
    organization = acting.organization
    info = current_request_info()
    now = timezone.now()
    head = _locked_head(organization.pk)
    seq, prev = head.last_seq, head.last_hash or GENESIS_HASH
    events = []
    for obj, changed in zip(created, fields, strict=True):
        seq += 1
        participant_id = obj.pk if isinstance(obj, Participant) else obj.participant_id
        event = AuditEvent(
            chain=organization.pk,
            seq=seq,
            organization=organization,
            actor=acting.user,
            actor_username=acting.user.get_username(),
            role=acting.role,
            action=Action.CREATE,
            target_type=obj._meta.label_lower,
            target_id=str(obj.pk),
            participant_id=participant_id,
            changed_fields=sorted(set(changed)),
            request_id=info.request_id if info else "",
            ip=info.ip if info else None,
            created_at=now,
            prev_hash=prev,
        )
        event.hash = prev = event_hash(event)
        events.append(event)
    bulk_insert(AuditEvent, events)
    head.last_seq, head.last_hash = seq, prev
    head.save(update_fields=["last_seq", "last_hash"])
