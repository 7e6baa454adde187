"""Many events at once (`record_events`): the same chain `record_event` makes, verifiable by
`verify_audit`, whichever way each link was appended; and the canonical text is the JSON one."""

import json
import uuid
from datetime import UTC, datetime, timedelta
from io import StringIO
from itertools import pairwise

import pytest
from django.core.management import call_command

from audit.chain import canonical_payload
from audit.models import Action, AuditChainHead, AuditEvent
from audit.selectors import verify_chain
from audit.services import NewEvent, Target, record_event, record_events
from cairn.demo import DemoWorld


def _views(demo: DemoWorld, count: int, *, start: int = 0) -> list[NewEvent]:
    ana = demo.users["ana"]
    pat = ana.caseload.get(preferred_name="Pat")
    return [
        NewEvent(
            action=Action.VIEW,
            actor_id=ana.pk,
            actor_username=ana.username,
            role="coach",
            target_type="participants.participant",
            target_id=f"{pat.id}-{start + index}",
            participant_id=pat.id,
            changed_fields=["b", "a", "a"],
        )
        for index in range(count)
    ]


def _assert_one_sound_chain(chain: int) -> list[AuditEvent]:
    events = list(AuditEvent.objects.filter(chain=chain).order_by("seq"))
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    for before, after in pairwise(events):
        assert after.prev_hash == before.hash
    head = AuditChainHead.objects.get(chain=chain)
    assert (head.last_seq, head.last_hash) == (events[-1].seq, events[-1].hash)
    assert verify_chain(chain).ok
    return events


def test_bulk_append_then_verify_audit_passes(demo: DemoWorld) -> None:
    harbor = demo.organizations["harbor"]
    before = AuditEvent.objects.filter(chain=harbor.pk).count()

    written = record_events(organization=harbor, events=_views(demo, 25))

    assert written == 25
    events = _assert_one_sound_chain(harbor.pk)
    assert len(events) == before + 25
    last = events[-1]
    ana = demo.users["ana"]
    assert (last.actor_id, last.actor_username, last.role) == (ana.pk, "ana", "coach")
    assert (last.action, last.target_type) == (Action.VIEW, "participants.participant")
    assert last.organization_id == harbor.pk
    assert last.changed_fields == ["a", "b"]
    out = StringIO()
    call_command("verify_audit", "--org", "harbor", stdout=out)
    assert f"ok      harbor: {before + 25} events, chain intact" in out.getvalue()


def test_bulk_and_single_appends_interleaved_stay_one_chain(demo: DemoWorld) -> None:
    harbor = demo.organizations["harbor"]
    ana = demo.users["ana"]
    for round_ in range(3):
        record_events(organization=harbor, events=_views(demo, 4, start=round_ * 4))
        record_event(
            action=Action.UPDATE,
            actor=ana,
            organization=harbor,
            role="coach",
            target=Target(type="participants.participant", id=f"single-{round_}"),
        )

    events = _assert_one_sound_chain(harbor.pk)
    assert [e.target_id for e in events[-5:]] == [
        *(e.target_id for e in _views(demo, 4, start=8)),
        "single-2",
    ]
    call_command("verify_audit", stdout=StringIO())  # raises CommandError on a broken chain


def test_bulk_append_keeps_dates_and_requests_given_and_starts_a_missing_chain(
    demo: DemoWorld,
) -> None:
    """A chain with no head yet (an organization made without the service) starts at link 1."""
    from organizations.models import Organization

    other = Organization.objects.create(name="Elsewhere", slug="elsewhere")
    when = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
    events = [
        NewEvent(
            action=Action.SIGN_IN,
            actor_id=None,
            actor_username="",
            role="",
            target_type="accounts.user",
            target_id=str(index),
            created_at=when + timedelta(minutes=index),
            request_id=f"req{index}",
            ip="2001:db8::1",
        )
        for index in range(3)
    ]

    assert record_events(organization=other, events=iter(events)) == 3

    stored = _assert_one_sound_chain(other.pk)
    assert [(e.created_at, e.request_id, e.ip) for e in stored] == [
        (when + timedelta(minutes=i), f"req{i}", "2001:db8::1") for i in range(3)
    ]
    assert stored[0].prev_hash == "0" * 64


def test_an_empty_batch_leaves_the_chain_as_it_was(demo: DemoWorld) -> None:
    harbor = demo.organizations["harbor"]
    head = AuditChainHead.objects.get(chain=harbor.pk)

    assert record_events(organization=harbor, events=[]) == 0

    assert AuditChainHead.objects.get(chain=harbor.pk).last_hash == head.last_hash


@pytest.mark.parametrize(
    ("username", "participant_id", "ip", "changed"),
    [
        ("ana", uuid.UUID(int=7), "10.0.0.1", ["summary", "outcome"]),
        ('Zoë "quoted" \\ ñ 漢', None, None, []),
        ("", None, "2001:db8::1", ["tab\there", "line\nbreak", "é"]),
    ],
)
def test_canonical_text_is_the_sorted_compact_json_of_the_event(
    username: str, participant_id: uuid.UUID | None, ip: str | None, changed: list[str]
) -> None:
    event = AuditEvent(
        chain=3,
        seq=12,
        organization_id=3,
        actor_id=None if not username else 9,
        actor_username=username,
        role="coach",
        action=Action.CREATE,
        target_type="encounters.encounter",
        target_id="x\u2028y",
        participant_id=participant_id,
        changed_fields=changed,
        request_id="abc",
        ip=ip,
        created_at=datetime(2026, 5, 4, 3, 2, 1, 123, tzinfo=UTC),
        prev_hash="f" * 64,
    )
    reference = {
        "chain": 3,
        "seq": 12,
        "organization": 3,
        "actor": event.actor_id,
        "actor_username": username,
        "role": "coach",
        "action": "create",
        "target_type": "encounters.encounter",
        "target_id": "x\u2028y",
        "participant_id": str(participant_id) if participant_id else None,
        "changed_fields": sorted(changed),
        "request_id": "abc",
        "ip": ip,
        "created_at": "2026-05-04T03:02:01.000123+00:00",
        "prev_hash": "f" * 64,
    }

    assert canonical_payload(event) == json.dumps(
        reference, sort_keys=True, separators=(",", ":"), ensure_ascii=True
    )
