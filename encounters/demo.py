"""Demo contact histories: a few months of check-ins per person, fading as engagement does."""

import random
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import OuterRef, Subquery

from encounters.models import ContactType, Encounter, NoteState, Outcome, ReviewState, ServiceType
from encounters.services import ensure_service_types
from lib.bulk import bulk_insert, uses_copy
from organizations.models import Organization
from participants.demo import new_uuid, picker
from participants.models import Participant

TYPES = [
    (ContactType.TEXT, 45),
    (ContactType.IN_PERSON, 20),
    (ContactType.PHONE, 15),
    (ContactType.OUTREACH, 10),
    (ContactType.VIDEO, 5),
    (ContactType.GROUP, 3),
    (ContactType.COLLATERAL, 2),
]
SUMMARIES = [
    "Checked in about the week; sleeping better.",
    "Talked through a hard day at work and what helped.",
    "Planned the ride to the clinic appointment.",
    "Celebrated 30 days; they chose a coffee to mark it.",
    "Looked at housing applications together.",
    "Short text check-in; all good, will call Friday.",
    "Practised what to say at the family meeting.",
    "Went over the bus pass paperwork.",
]
QUARTERS = [0, 15, 30, 45]
MINUTES = [5, 10, 15, 20, 30, 45, 60]
OUTREACH_OUTCOMES = [(Outcome.NO_ANSWER, 60), (Outcome.LEFT_MESSAGE, 35), (Outcome.WRONG_NUMBER, 5)]


def contacts_for(
    participants: Iterable[Participant],
    *,
    history_days: int,
    rng: random.Random,
    anchor: date,
    zone: ZoneInfo,
    services: dict[int, list[ServiceType]],
    density: float = 1.0,
) -> Iterator[Encounter]:
    """About two contacts a month while engaged, thinning out after the first 90 days; `density`
    multiplies that (the benchmark's state scale uses 2)."""
    pick_type, pick_outcome = picker(TYPES), picker(OUTREACH_OUTCOMES)
    service_ids = {org: [s.pk for s in types] for org, types in services.items()}
    recent = anchor - timedelta(days=2)
    two_hours = timedelta(hours=2)
    for person in participants:
        if person.coach_id is None:
            continue
        start = max(person.enrolled_on, anchor - timedelta(days=history_days))
        day = start
        services_here = service_ids[person.organization_id]
        while day <= anchor:
            age = (day - person.enrolled_on).days
            gap = rng.randint(7, 21) if age < 90 else rng.randint(14, 45)
            if density != 1.0:
                gap = max(1, round(gap / density))
            kind = pick_type(rng)
            outcome = pick_outcome(rng) if kind == ContactType.OUTREACH else "reached"
            started = datetime.combine(
                day, time(rng.randint(9, 19), rng.choice(QUARTERS)), tzinfo=zone
            )
            signed = day < recent or rng.random() < 0.5
            yield _row(
                id=new_uuid(rng),
                organization_id=person.organization_id,
                participant_id=person.id,
                author_id=person.coach_id,
                contact_type=kind,
                outcome=outcome,
                started_at=started,
                occurred_on=day,
                duration_minutes=rng.choice(MINUTES),
                service_type_id=rng.choice(services_here),
                summary="No answer; will try again."
                if outcome != "reached"
                else rng.choice(SUMMARIES),
                state=NoteState.SIGNED if signed else NoteState.DRAFT,
                signed_at=started + two_hours if signed else None,
                signed_by_id=person.coach_id if signed else None,
                is_brief=rng.random() < 0.7,
            )
            day += timedelta(days=gap)


def _row(**values: object) -> Encounter:
    """An unsaved contact for bulk_insert without Model.__init__, which took two thirds of the
    time to build the state scale's 2 million contacts (see assessments.demo._unsaved)."""
    if not uses_copy():
        return Encounter(**values)
    row = Encounter.__new__(Encounter)
    row.__dict__.update(_defaults(), **values)
    return row


@lru_cache(maxsize=1)
def _defaults() -> dict[str, object]:
    return {f.attname: f.get_default() for f in Encounter._meta.concrete_fields}


def seed(
    organizations: Sequence[Organization],
    *,
    rng: random.Random,
    anchor: date,
    history_days: int = 120,
    batch: int = 5000,
    density: float = 1.0,
) -> int:
    """Contact histories for every participant of these organizations; returns rows created."""
    services: dict[int, list[ServiceType]] = {}
    for org in organizations:
        ensure_service_types(org)
        services[org.pk] = list(ServiceType.objects.filter(organization=org))
    zone = ZoneInfo(organizations[0].time_zone) if organizations else ZoneInfo("UTC")
    participants = (
        Participant.objects.filter(organization__in=organizations)
        .only("id", "organization_id", "coach_id", "enrolled_on")
        .order_by("id")
        .iterator(chunk_size=batch)
    )
    rows: list[Encounter] = []
    created = 0
    # Summaries come from a short list, so each batch encrypts each distinct text once and
    # shares its Fernet token (every contact still decrypts to its own summary; demo data only).
    for encounter in contacts_for(
        participants,
        history_days=history_days,
        rng=rng,
        anchor=anchor,
        zone=zone,
        services=services,
        density=density,
    ):
        rows.append(encounter)
        if len(rows) >= batch:
            bulk_insert(Encounter, rows, repeat_ciphertexts=True)
            created += len(rows)
            rows = []
    bulk_insert(Encounter, rows, repeat_ciphertexts=True)
    _align_last_contact(organizations)
    return created + len(rows)


def _align_last_contact(organizations: Sequence[Organization]) -> None:
    """'Last contact' agrees with the generated history: the latest contact that reached them."""
    latest = (
        Encounter.objects.filter(participant=OuterRef("pk"), outcome=Outcome.REACHED)
        .exclude(contact_type=ContactType.OUTREACH)
        .order_by("-occurred_on")
        .values("occurred_on")[:1]
    )
    Participant.objects.filter(organization__in=organizations).update(
        last_contact_on=Subquery(latest)
    )


def wait_for_cosign(organization: Organization, *, author: Any, count: int) -> None:
    """The author's `count` latest signed notes wait for a supervisor's co-signature."""
    latest = (
        Encounter.objects.filter(organization=organization, author=author, state=NoteState.SIGNED)
        .order_by("-started_at", "id")
        .values_list("id", flat=True)[:count]
    )
    Encounter.objects.filter(id__in=list(latest)).update(review_state=ReviewState.PENDING)
