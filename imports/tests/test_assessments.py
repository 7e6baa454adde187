"""Assessments come in through the assessment service: scored by the engine, audited, once."""

from collections.abc import Callable

from assessments.models import Assessment
from audit.models import AuditEvent
from cairn.demo import DemoWorld
from imports import services
from imports.models import ImportBatch
from imports.sample import to_csv
from organizations.models import Membership
from participants.models import Participant

ITEMS = [f"item_q{n}" for n in range(1, 11)]
HEADERS = ["assessment_id", "participant_id", "instrument", "administered_on", *ITEMS]


def _row(source: str, participant: str, instrument: str = "barc10", **cells: str) -> dict:
    row = {
        "assessment_id": source,
        "participant_id": participant,
        "instrument": instrument,
        "administered_on": "2026-06-01",
        **dict.fromkeys(ITEMS, "5"),
    }
    row.update(cells)
    return row


def test_assessments_are_scored_by_the_engine_and_wrong_answers_are_named(
    demo: DemoWorld,
    checked: Callable[..., ImportBatch],
    membership: Callable[[str], Membership],
) -> None:
    pat = str(Participant.objects.get(user__username="pat").id)
    rows = [
        _row("a1", pat),
        _row("a2", pat, item_q3="9"),
        _row("a3", pat, instrument="phq9"),
        _row("a4", pat, administered_on="2999-01-01"),
        _row("a5", pat, item_q10=""),
    ]
    raw = to_csv(rows, HEADERS).encode()
    batch = checked(raw, who="ana", kind="assessments", filename="barc.csv")
    problems = {(p.row, p.column) for p in services.problems_of(batch)}
    assert problems == {(3, "item_q3"), (4, "instrument"), (5, "administered_on")}

    before = Assessment.objects.filter(participant_id=pat).count()
    assert services.apply(acting=membership("ana"), batch=batch) == 2
    imported = Assessment.objects.filter(participant_id=pat).count() - before
    assert imported == 2
    full = Assessment.objects.filter(participant_id=pat, administered_on="2026-06-01")
    assert sorted((a.answered, a.total) for a in full) == [(9, None), (10, 50)]
    assert (
        AuditEvent.objects.filter(
            action="create", target_type="assessments.assessment", actor_username="ana"
        ).count()
        >= 2
    )
    again = checked(raw, who="ana", kind="assessments", filename="barc.csv")
    assert again.skipped_count == 2
