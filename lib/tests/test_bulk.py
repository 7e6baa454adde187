"""Bulk loading for seed data (lib.bulk)."""

import uuid

import pytest

from assessments.models import CHECKIN, Assessment
from cairn.demo import DemoWorld
from lib.bulk import bulk_insert
from participants.models import Participant


@pytest.mark.postgres(reason="COPY is PostgreSQL's; other databases use bulk_create")
def test_a_row_made_without_init_gets_the_default_of_a_field_it_leaves_unset(
    demo: DemoWorld,
) -> None:
    """A field added to a model after the seed code was written (an assessment's `respondent`)
    is copied with its default. Read through the attribute, it was a query on the connection
    the COPY holds, and the seed waited for ever."""
    pat = Participant.objects.get(preferred_name="Pat")
    row = Assessment.__new__(Assessment)
    row.__dict__.update(
        id=uuid.uuid4(),
        organization_id=pat.organization_id,
        participant_id=pat.id,
        instrument=CHECKIN,
        instrument_version="1",
        language="en",
        administered_on=pat.enrolled_on,
        schedule_point="extra",
        recorded_by_id=pat.coach_id,
        note="",
    )
    assert bulk_insert(Assessment, [row]) == 1
    stored = Assessment.objects.get(id=row.id)
    assert (stored.respondent, stored.participant_id) == ("", pat.id)
