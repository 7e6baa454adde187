"""Demo contacts for the rest of the year, so Harbor's dashboard shows twelve months, not four.

The contacts demo writes the last `contact_months` (four by default); enrolments (three years)
and BARC-10 reassessments (every scheduled point) already span the year. This fills the months
between a year before the anchor and the first existing contact with the same generator
(`encounters.demo.contacts_for`), stopping where a person left the program. An organization
whose history already covers the year (the benchmark's 36 months) gets nothing.
"""

import random
from collections.abc import Sequence
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Min

from encounters.demo import contacts_for
from encounters.models import Encounter, NoteState, ServiceType
from lib.bulk import bulk_insert
from organizations.models import Organization
from participants.models import Participant, ParticipantStatus

YEAR_DAYS = 365
BATCH = 5000


def seed(organizations: Sequence[Organization], *, rng: random.Random, anchor: date) -> int:
    """Older contacts for these organizations; returns the number of contacts created."""
    year_start = anchor - timedelta(days=YEAR_DAYS)
    created = 0
    rows: list[Encounter] = []
    for org in organizations:
        first = Encounter.objects.filter(organization=org).aggregate(day=Min("occurred_on"))["day"]
        if first is None or first <= year_start:
            continue
        fill_end = first - timedelta(days=1)
        services = {org.pk: list(ServiceType.objects.filter(organization=org))}
        zone = ZoneInfo(org.time_zone)
        people = (
            Participant.objects.filter(organization=org, enrolled_on__lte=fill_end)
            .only("id", "organization_id", "coach_id", "enrolled_on", "status", "status_since")
            .order_by("id")
            .iterator(chunk_size=BATCH)
        )
        for person in people:
            end = fill_end
            if person.status not in ParticipantStatus.open() and person.status_since:
                end = min(end, person.status_since)
            if end < max(person.enrolled_on, year_start):
                continue
            for contact in contacts_for(
                [person],
                history_days=(end - year_start).days,
                rng=rng,
                anchor=end,
                zone=zone,
                services=services,
            ):
                # Months-old notes are all signed (the generator leaves its last days as drafts).
                # (The rows skip Model.__init__, so set the attributes past the FK descriptor.)
                contact.__dict__.update(
                    state=NoteState.SIGNED,
                    signed_at=contact.started_at + timedelta(hours=2),
                    signed_by_id=person.coach_id,
                )
                rows.append(contact)
            if len(rows) >= BATCH:
                bulk_insert(Encounter, rows, repeat_ciphertexts=True)
                created += len(rows)
                rows = []
    bulk_insert(Encounter, rows, repeat_ciphertexts=True)
    return created + len(rows)
