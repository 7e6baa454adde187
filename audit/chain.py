"""The hash chain: one canonical serialization of an event, hashed with its predecessor's hash."""

import hashlib
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from json.encoder import encode_basestring_ascii as quote  # what json.dumps does to a str

from audit.models import AuditEvent

GENESIS_HASH = "0" * 64


def canonical_text(
    *,
    chain: int,
    seq: int,
    organization_id: int | None,
    actor_id: int | None,
    actor_username: str,
    role: str,
    action: str,
    target_type: str,
    target_id: str,
    participant_id: uuid.UUID | str | None,
    changed_fields: Iterable[str],
    request_id: str,
    ip: str | None,
    created_at: datetime,
    prev_hash: str,
) -> str:
    """The event as `json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=True)`
    writes it (keys in sorted order; the tests compare the two on awkward values), spelled out so
    a bulk append of millions of events builds no dictionary per event."""
    return link_text(
        chain,
        seq,
        organization_id,
        actor_id,
        actor_username,
        role,
        action,
        target_type,
        target_id,
        participant_id,
        names_json(changed_fields),
        request_id,
        ip,
        created_at,
        prev_hash,
    )


def names_json(names: Iterable[str]) -> str:
    """A list of changed fields as the canonical text holds it (sorted, compact JSON), which is
    also how the column stores it."""
    return "[" + ",".join(quote(name) for name in sorted(names)) + "]"


def link_text(
    chain: int,
    seq: int,
    organization_id: int | None,
    actor_id: int | None,
    actor_username: str,
    role: str,
    action: str,
    target_type: str,
    target_id: str,
    participant_id: uuid.UUID | str | None,
    changed_json: str,
    request_id: str,
    ip: str | None,
    created_at: datetime,
    prev_hash: str,
) -> str:
    """`canonical_text` with the changed fields already written by `names_json`, its arguments in
    column order and by position: the bulk append calls it once per event."""
    return (
        f'{{"action":{quote(action)},"actor":{_number(actor_id)},'
        f'"actor_username":{quote(actor_username)},"chain":{int(chain)},'
        f'"changed_fields":{changed_json},'
        f'"created_at":"{created_at.astimezone(UTC).isoformat(timespec="microseconds")}",'
        f'"ip":{_text(ip)},"organization":{_number(organization_id)},'
        f'"participant_id":{_text(str(participant_id) if participant_id else None)},'
        f'"prev_hash":{quote(prev_hash)},"request_id":{quote(request_id)},"role":{quote(role)},'
        f'"seq":{int(seq)},"target_id":{quote(target_id)},"target_type":{quote(target_type)}}}'
    )


def _number(value: int | None) -> str:
    return "null" if value is None else str(int(value))


def _text(value: str | None) -> str:
    return "null" if value is None else quote(value)


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def canonical_payload(event: AuditEvent) -> str:
    return canonical_text(
        chain=event.chain,
        seq=event.seq,
        organization_id=event.organization_id,
        actor_id=event.actor_id,
        actor_username=event.actor_username,
        role=event.role,
        action=event.action,
        target_type=event.target_type,
        target_id=event.target_id,
        participant_id=event.participant_id,
        changed_fields=event.changed_fields or [],
        request_id=event.request_id,
        ip=event.ip,
        created_at=event.created_at,
        prev_hash=event.prev_hash,
    )


def event_hash(event: AuditEvent) -> str:
    return text_hash(canonical_payload(event))
