"""Demo audit history in bulk: months of staff activity per organization, chained soundly."""

import json
import random
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from hashlib import sha256
from typing import Any

from django.db import connection, transaction

from audit.chain import GENESIS_HASH, canonical_payload
from audit.models import Action, AuditChainHead, AuditEvent
from lib.bulk import copy_rows
from organizations.models import Membership, Organization, Role
from participants.demo import picker
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
COLUMNS = [
    "chain", "seq", "organization_id", "actor_id", "actor_username", "role", "action",
    "target_type", "target_id", "participant_id", "changed_fields", "request_id", "ip",
    "created_at", "prev_hash", "hash",
]  # fmt: skip
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
    kinds = [(action.value, target_type) for action, target_type in KINDS]
    # The same draws as rng.choices(kinds, weights=WEIGHTS)[0], with the sums worked out once.
    pick_kind = picker(list(zip(kinds, WEIGHTS, strict=True)))
    changed_json = {a: json.dumps(CHANGED.get(Action(a), [])) for a, _ in kinds}
    changed_text = {
        a: ",".join(f'"{name}"' for name in CHANGED.get(Action(a), [])) for a, _ in kinds
    }
    ip_prefix = f"10.{org.pk % 250}."
    with transaction.atomic():
        head = AuditChainHead.objects.select_for_update().get(chain=org.pk)
        seq, prev = head.last_seq, head.last_hash or GENESIS_HASH
        rows: list[tuple[Any, ...]] = []
        for index in range(count):
            action, target_type = pick_kind(rng)
            participant_id, actor_id = rng.choice(pairs)
            username, role = staff[actor_id]
            seq += 1
            target_id = _target_id(target_type, participant_id, actor_id, rng)
            person = None if target_type in PARTICIPANT_FREE else participant_id
            person_json = f'"{person}"' if person else "null"
            request_id = f"{rng.getrandbits(128):032x}"
            ip = f"{ip_prefix}{rng.randrange(256)}.{rng.randrange(1, 255)}"
            created_at = start + step * index + timedelta(seconds=rng.randrange(60))
            # audit.chain.canonical_payload's exact text for the plain ASCII values made here
            # (checked against it once a batch), several times faster than json.dumps: hashing
            # was most of the time to load 3 million events.
            payload = (
                f'{{"action":"{action}","actor":{actor_id},'
                f'"actor_username":"{username}","chain":{org.pk},'
                f'"changed_fields":[{changed_text[action]}],'
                f'"created_at":"{created_at.isoformat(timespec="microseconds")}","ip":"{ip}",'
                f'"organization":{org.pk},"participant_id":{person_json},'
                f'"prev_hash":"{prev}","request_id":"{request_id}","role":"{role}",'
                f'"seq":{seq},"target_id":"{target_id}","target_type":"{target_type}"}}'
            ).encode("ascii")
            digest = sha256(payload).hexdigest()
            rows.append(
                (org.pk, seq, org.pk, actor_id, username, role, action, target_type,
                 target_id, person, changed_json[action], request_id, ip, created_at, prev,
                 digest)
            )  # fmt: skip
            prev = digest
            if len(rows) >= BATCH:
                _insert(rows, payload)
                rows = []
        if rows:
            _insert(rows, payload)
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


def _insert(rows: list[tuple[Any, ...]], last_payload: bytes) -> None:
    """Check the batch's last link against the chain's own hashing, then COPY the batch."""
    event = AuditEvent(**dict(zip(COLUMNS, rows[-1], strict=True)))
    event.changed_fields = json.loads(rows[-1][COLUMNS.index("changed_fields")])
    assert last_payload == canonical_payload(event).encode("ascii"), "audit demo payload drifted"
    if connection.vendor == "postgresql":
        copy_rows(AuditEvent, COLUMNS, rows)
    else:
        # The rows hold database values: the changed fields are JSON text, which the model
        # field would encode a second time.
        events = []
        for row in rows:
            event = AuditEvent(**dict(zip(COLUMNS, row, strict=True)))
            event.changed_fields = json.loads(row[COLUMNS.index("changed_fields")])
            events.append(event)
        AuditEvent.objects.bulk_create(events, batch_size=2000)
