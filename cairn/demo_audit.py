"""Demo audit history in bulk: months of staff activity per organization, chained soundly."""

import random
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from audit.models import Action
from audit.services import NewEvent, record_events
from organizations.models import Membership, Organization, Role
from participants.demo import picker
from participants.models import Participant

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

    Runs right after the organizations are created, before anything else writes to their
    chains: the events are dated in the past, so the links after them stay in time order."""
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
        .filter(role__in=Role.with_participant_access())
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
    changed = {a: CHANGED.get(Action(a), []) for a, _ in kinds}
    ip_prefix = f"10.{org.pk % 250}."

    def events() -> Iterator[NewEvent]:
        for index in range(count):
            action, target_type = pick_kind(rng)
            participant_id, actor_id = rng.choice(pairs)
            username, role = staff[actor_id]
            target_id = _target_id(target_type, participant_id, actor_id, rng)
            yield NewEvent(
                action=action,
                actor_id=actor_id,
                actor_username=username,
                role=role,
                target_type=target_type,
                target_id=target_id,
                participant_id=None if target_type in PARTICIPANT_FREE else participant_id,
                changed_fields=changed[action],
                request_id=f"{rng.getrandbits(128):032x}",
                ip=f"{ip_prefix}{rng.randrange(256)}.{rng.randrange(1, 255)}",
                created_at=start + step * index + timedelta(seconds=rng.randrange(60)),
            )

    return record_events(organization=org, events=events())


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
