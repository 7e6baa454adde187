"""Demo audit history in bulk: months of staff activity per organization, chained soundly."""

import random
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from hashlib import sha256
from typing import Any

from django.db import connection, transaction

from audit.chain import GENESIS_HASH, canonical_payload
from audit.models import Action, AuditChainHead, AuditEvent
from lib.bulk import bulk_insert
from organizations.models import Membership, Organization, Role
from participants.models import Participant

BATCH = 20_000
# What staff do most: open a record, page its timeline, write a contact, look at their list.
KINDS: list[tuple[Action, str]] = [
    (Action.VIEW, "participants.participant"),
    (Action.VIEW, "encounters.timeline"),
    (Action.CREATE, "encounters.encounter"),
    (Action.UPDATE, "encounters.encounter"),
    (Action.VIEW, "participants.list"),
    (Action.SIGN_IN, "accounts.user"),
]
WEIGHTS = [55, 12, 15, 5, 10, 3]
PARTICIPANT_FREE = {"participants.list", "accounts.user"}
CHANGED = {
    Action.CREATE: ["contact_type", "duration_minutes", "outcome", "started_at", "summary"],
    Action.UPDATE: ["summary", "version"],
}


def seed(
    organizations: Sequence[Organization],
    *,
    events: int,
    rng: random.Random,
    anchor: date,
    history_days: int,
) -> int:
    """Append about `events` events, spread evenly over the organizations and in time order over
    the history window, to each organization's chain; returns the number created.

    Must run before anything else writes to these chains: the events are dated in the past,
    and a chain's links are in time order."""
    if events <= 0 or not organizations:
        return 0
    created = 0
    per_org = events // len(organizations)
    for org in organizations:
        created += _seed_chain(org, per_org, rng=rng, anchor=anchor, history_days=history_days)
    return created


def _seed_chain(
    org: Organization, count: int, *, rng: random.Random, anchor: date, history_days: int
) -> int:
    staff = {
        m.user_id: (m.user.username, m.role)
        for m in Membership.objects.filter(organization=org)
        .exclude(role__in=[Role.ADMIN, Role.PARTICIPANT])
        .select_related("user")
    }
    people = list(
        Participant.objects.filter(organization=org, coach__isnull=False)
        .order_by("id")
        .values_list("id", "coach_id")
    )
    if not people or not staff:
        return 0
    pairs = [(pid, cid) for pid, cid in people if cid in staff]
    start = datetime.combine(anchor - timedelta(days=history_days), time(13), tzinfo=UTC)
    step = timedelta(days=history_days - 1) / max(count, 1)
    make = _unsaved if connection.vendor == "postgresql" else lambda v: AuditEvent(**v)
    with transaction.atomic():
        head = AuditChainHead.objects.select_for_update().get(chain=org.pk)
        seq, prev = head.last_seq, head.last_hash or GENESIS_HASH
        rows: list[AuditEvent] = []
        for index in range(count):
            action, target_type = rng.choices(KINDS, weights=WEIGHTS)[0]
            participant_id, actor_id = rng.choice(pairs)
            username, role = staff[actor_id]
            seq += 1
            values = {
                "chain": org.pk,
                "seq": seq,
                "organization_id": org.pk,
                "actor_id": actor_id,
                "actor_username": username,
                "role": role,
                "action": action.value,
                "target_type": target_type,
                "target_id": _target_id(target_type, participant_id, actor_id, rng),
                "participant_id": None if target_type in PARTICIPANT_FREE else participant_id,
                "changed_fields": CHANGED.get(action, []),
                "request_id": f"{rng.getrandbits(128):032x}",
                "ip": f"10.{org.pk % 250}.{rng.randrange(256)}.{rng.randrange(1, 255)}",
                "created_at": start + step * index + timedelta(seconds=rng.randrange(60)),
                "prev_hash": prev,
            }
            payload = _payload(values)
            values["hash"] = prev = sha256(payload.encode("ascii")).hexdigest()
            event = make(values)
            if not rows:  # once a batch: the shortcut must agree with the chain's own hashing
                assert payload == canonical_payload(event), "audit demo payload drifted"
            rows.append(event)
            if len(rows) >= BATCH:
                bulk_insert(AuditEvent, rows)
                rows = []
        bulk_insert(AuditEvent, rows)
        head.last_seq, head.last_hash = seq, prev
        head.save(update_fields=["last_seq", "last_hash"])
    return count


def _target_id(target_type: str, participant_id: Any, actor_id: int, rng: random.Random) -> str:
    if target_type == "participants.list":
        return "1"
    if target_type == "accounts.user":
        return str(actor_id)
    if target_type == "encounters.timeline":
        return str(rng.randint(1, 5))
    if target_type == "encounters.encounter":
        return str(rng.getrandbits(64))
    return str(participant_id)


def _payload(e: dict[str, Any]) -> str:
    """audit.chain.canonical_payload's exact text for the plain ASCII values made here (checked
    against it once a batch), several times faster than json.dumps(sort_keys=True): hashing was
    most of the time to load 3 million events."""
    person = f'"{e["participant_id"]}"' if e["participant_id"] else "null"
    changed = ",".join(f'"{name}"' for name in e["changed_fields"])
    created = e["created_at"].isoformat(timespec="microseconds")
    return (
        f'{{"action":"{e["action"]}","actor":{e["actor_id"]},'
        f'"actor_username":"{e["actor_username"]}","chain":{e["chain"]},'
        f'"changed_fields":[{changed}],"created_at":"{created}","ip":"{e["ip"]}",'
        f'"organization":{e["organization_id"]},"participant_id":{person},'
        f'"prev_hash":"{e["prev_hash"]}","request_id":"{e["request_id"]}","role":"{e["role"]}",'
        f'"seq":{e["seq"]},"target_id":"{e["target_id"]}","target_type":"{e["target_type"]}"}}'
    )


def _unsaved(values: dict[str, Any]) -> AuditEvent:
    """A row for bulk_insert without Model.__init__ (millions of them; see assessments.demo)."""
    row = AuditEvent.__new__(AuditEvent)
    row.__dict__.update(values)
    return row
