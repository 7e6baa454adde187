"""The one place that appends to the audit chain: `record_event` for one event (every write
service calls it inside its own transaction), `record_events` for many at once (imports, demo
history), and `start_chain` for a new organization's chain."""

import json
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any, NamedTuple, Protocol, cast

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import IntegrityError, connections, router, transaction
from django.db.models import Field, Model, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from audit.chain import GENESIS_HASH, event_hash, link_text, names_json, text_hash
from audit.models import GLOBAL_CHAIN, Action, AuditChainHead, AuditEvent
from lib.bulk import copy_rows, uses_copy
from lib.prepared import prepared
from lib.request_context import current_request_info

BATCH = 20_000  # events held in memory at once by record_events

# The trail sits below `organizations` and `accounts` and names them by what it reads: an
# organization is any row whose key names its chain (`Model`), an actor is any account.


class Acting(Protocol):
    """A member acting in an organization, in a role (organizations.Membership)."""

    @property
    def user(self) -> AbstractBaseUser: ...
    @property
    def organization(self) -> Model: ...
    @property
    def role(self) -> str: ...


@dataclass(frozen=True)
class Target:
    type: str
    id: str

    @classmethod
    def of(cls, obj: Model) -> "Target":
        public_id = getattr(obj, "public_id", None) or obj.pk
        return cls(type=obj._meta.label_lower, id=str(public_id))


def start_chain(*, organization: Model) -> AuditChainHead:
    """A new organization's chain, at its genesis link (nothing changes if it already exists)."""
    head, _created = AuditChainHead.objects.get_or_create(
        chain=organization.pk, defaults={"last_seq": 0, "last_hash": GENESIS_HASH}
    )
    return head


@prepared
def _head(*, chain: int) -> QuerySet[AuditChainHead]:
    """The chain's head row, locked: every write and every page view reads it (prepared)."""
    return AuditChainHead.objects.select_for_update().filter(chain=chain)


def locked_head(chain: int) -> AuditChainHead:
    found = _head.fetch(chain=chain)
    if found:
        return found[0]
    try:
        with transaction.atomic():
            AuditChainHead.objects.create(chain=chain, last_seq=0, last_hash=GENESIS_HASH)
    except IntegrityError:
        pass  # another writer created it first; fine, lock theirs
    return AuditChainHead.objects.select_for_update().get(chain=chain)


def record_event(
    *,
    action: Action,
    actor: AbstractBaseUser | None,
    organization: Model | None,
    role: str = "",
    target: Target | None = None,
    participant_id: uuid.UUID | None = None,
    changed_fields: Iterable[str] = (),
) -> AuditEvent:
    """Append one event to its organization's chain; the head row lock keeps the chain unforked."""
    info = current_request_info()
    chain = organization.pk if organization is not None else GLOBAL_CHAIN
    with transaction.atomic():
        head = locked_head(chain)
        event = AuditEvent(
            chain=chain,
            seq=head.last_seq + 1,
            organization_id=organization.pk if organization is not None else None,
            actor_id=actor.pk if actor is not None and actor.pk else None,
            actor_username=actor.get_username() if actor is not None and actor.pk else "",
            role=role,
            action=action,
            target_type=target.type if target else "",
            target_id=target.id if target else "",
            participant_id=participant_id,
            changed_fields=sorted(set(changed_fields)),
            request_id=info.request_id if info else "",
            ip=info.ip if info else None,
            created_at=timezone.now(),
            prev_hash=head.last_hash or GENESIS_HASH,
        )
        event.hash = event_hash(event)
        _append(event, head)
    return event


def _append(event: AuditEvent, head: AuditChainHead) -> None:
    """The event's INSERT and the head's UPDATE as written once per database (every page view
    makes them: Django's compiler took about a millisecond for the two); the values prepared
    for the database by each field, as `Model.save` prepares them."""
    connection = connections[router.db_for_write(AuditEvent)]
    insert, update = _append_sql(connection.vendor)
    values = [
        field.get_db_prep_save(getattr(event, field.attname), connection) for field in _EVENT_FIELDS
    ]
    with connection.cursor() as cursor:
        cursor.execute(insert, values)
        event.pk = cursor.fetchone()[0]
        cursor.execute(update, [event.seq, event.hash, head.pk])
    event._state.adding = False
    event._state.db = connection.alias
    head.last_seq, head.last_hash = event.seq, event.hash


@cache
def _append_sql(vendor: str) -> tuple[str, str]:
    quote = connections[router.db_for_write(AuditEvent)].ops.quote_name
    columns = ", ".join(quote(field.column) for field in _EVENT_FIELDS)
    places = ", ".join("%s" for _ in _EVENT_FIELDS)
    events, heads = quote(AuditEvent._meta.db_table), quote(AuditChainHead._meta.db_table)
    return (
        f"INSERT INTO {events} ({columns}) VALUES ({places}) RETURNING {quote('id')}",  # noqa: S608 - our own names
        f"UPDATE {heads} SET {quote('last_seq')} = %s, {quote('last_hash')} = %s "  # noqa: S608
        f"WHERE {quote('id')} = %s",
    )


def record_page_view(
    *, request: HttpRequest, target: Target, participant_id: uuid.UUID | None = None
) -> AuditEvent:
    """One audit event for one page that shows participant data, acted as the signed-in member."""
    membership = getattr(request, "membership", None)
    return record_event(
        action=Action.VIEW,
        actor=request.user if request.user.is_authenticated else None,
        organization=getattr(request, "organization", None),
        role=membership.role if membership else "",
        target=target,
        participant_id=participant_id,
    )


def record_member_action(
    *,
    acting: Acting,
    action: Action,
    target: Target,
    participant_id: uuid.UUID | None = None,
    changed_fields: Iterable[str] = (),
) -> AuditEvent:
    """The usual case: a member acting in their current organization, in their role."""
    return record_event(
        action=action,
        actor=acting.user,
        organization=acting.organization,
        role=acting.role,
        target=target,
        participant_id=participant_id,
        changed_fields=changed_fields,
    )


class NewEvent(NamedTuple):
    """One event of a batch for `record_events`: who did what to which record.

    Without its own `created_at`, `request_id` and `ip`, an event is dated when the batch is
    appended and carries the current request's id and address, as `record_event` does."""

    action: str
    actor_id: int | None
    actor_username: str
    role: str
    target_type: str
    target_id: str
    participant_id: uuid.UUID | None = None
    changed_fields: Sequence[str] = ()
    created_at: datetime | None = None
    request_id: str | None = None
    ip: str | None = None


# The stored columns of an event, in the order record_events builds its rows.
COLUMNS = (
    "chain", "seq", "organization_id", "actor_id", "actor_username", "role", "action",
    "target_type", "target_id", "participant_id", "changed_fields", "request_id", "ip",
    "created_at", "prev_hash", "hash",
)  # fmt: skip
CHANGED_AT = COLUMNS.index("changed_fields")
_EVENT_FIELDS: "tuple[Field[Any, Any], ...]" = tuple(
    cast("Field[Any, Any]", AuditEvent._meta.get_field(name)) for name in COLUMNS
)


def record_events(*, organization: Model | None, events: Iterable[NewEvent]) -> int:
    """Append many events, in the order given, to one organization's chain; returns how many.

    The same links `record_event` makes, under the same head lock and in one transaction, but
    hashed without model instances and written together: COPY on PostgreSQL, batched inserts on
    SQLite. For writers of thousands of events at once (imports, the demo's history)."""
    chain = organization.pk if organization is not None else GLOBAL_CHAIN
    organization_id = organization.pk if organization is not None else None
    info = current_request_info()
    now = timezone.now()
    written = 0
    with transaction.atomic():
        head = locked_head(chain)
        seq, prev = head.last_seq, head.last_hash or GENESIS_HASH
        rows: list[tuple[object, ...]] = []
        # Batches repeat a few lists of changed fields: each is sorted and written as JSON once.
        lists: dict[tuple[str, ...], str] = {}
        for event in events:
            seq += 1
            key = tuple(event.changed_fields)
            changed_json = lists.get(key)
            if changed_json is None:
                changed_json = lists[key] = names_json(set(key))
            created_at = event.created_at or now
            if event.request_id is None:
                request_id, ip = (info.request_id, info.ip) if info else ("", None)
            else:
                request_id, ip = event.request_id, event.ip
            digest = text_hash(
                link_text(chain, seq, organization_id, event.actor_id, event.actor_username,
                          event.role, event.action, event.target_type, event.target_id,
                          event.participant_id, changed_json, request_id, ip, created_at, prev)
            )  # fmt: skip
            rows.append(
                (chain, seq, organization_id, event.actor_id, event.actor_username, event.role,
                 str(event.action), event.target_type, event.target_id, event.participant_id,
                 changed_json, request_id, ip, created_at, prev, digest)
            )  # fmt: skip
            prev = digest
            if len(rows) >= BATCH:
                written += _store(rows)
                rows = []
        written += _store(rows)
        if written:
            head.last_seq, head.last_hash = seq, prev
            head.save(update_fields=["last_seq", "last_hash"])
    return written


def _store(rows: list[tuple[object, ...]]) -> int:
    """Rows of database values (the changed fields as JSON text): COPY, or batched inserts."""
    if not rows:
        return 0
    if uses_copy():
        return copy_rows(AuditEvent, COLUMNS, rows)
    events = []
    for row in rows:
        event = AuditEvent(**dict(zip(COLUMNS, row, strict=True)))
        event.changed_fields = json.loads(row[CHANGED_AT])  # type: ignore[arg-type]
        events.append(event)
    AuditEvent.objects.bulk_create(events, batch_size=2000)
    return len(rows)
