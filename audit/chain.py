"""The hash chain: one canonical serialization of an event, hashed with its predecessor's hash."""

import hashlib
import json
from datetime import UTC
from typing import Any

from audit.models import AuditEvent

GENESIS_HASH = "0" * 64


def canonical_payload(event: AuditEvent) -> str:
    fields: dict[str, Any] = {
        "chain": event.chain,
        "seq": event.seq,
        "organization": event.organization_id,
        "actor": event.actor_id,
        "actor_username": event.actor_username,
        "role": event.role,
        "action": event.action,
        "target_type": event.target_type,
        "target_id": event.target_id,
        "participant_id": str(event.participant_id) if event.participant_id else None,
        "changed_fields": sorted(event.changed_fields or []),
        "request_id": event.request_id,
        "ip": event.ip,
        "created_at": event.created_at.astimezone(UTC).isoformat(timespec="microseconds"),
        "prev_hash": event.prev_hash,
    }
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def event_hash(event: AuditEvent) -> str:
    return hashlib.sha256(canonical_payload(event).encode("ascii")).hexdigest()
