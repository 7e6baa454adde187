"""Bulk export ($export): the whole organization's permitted data as NDJSON, one file per
resource type, built in batches so 5,000 participants take a few queries per batch. For an
outside recipient (a service token), each type holds only the people whose consent lets it
out, and what left is accounted per person through `consent.services.disclose`."""

import gc
import io
import json
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import tzinfo
from typing import Any

from django.utils import timezone

from accounts.selectors import display_names
from assessments.engine import registry
from assessments.models import Assessment, ItemResponse
from audit.models import Action
from audit.services import NewEvent, record_events
from consent.models import Category, Consent
from consent.services import consents_covering, disclose
from encounters.models import Encounter, NoteState, ServiceType
from exports.services import redisclosure_notice
from fhir_r4 import builders
from fhir_r4.access import FhirAccess, visible_participants
from fhir_r4.builders import Resource
from fhir_r4.selectors import CATEGORIES, PARTICIPANT_TYPES, consented, with_notice
from participants.models import Participant
from plans.models import ActionStep, Goal, RecoveryPlan

BATCH = 500
COUNTS = "counts.json"
# A contact's columns an Encounter is built from, read as plain values (then its note's).
CONTACT_COLUMNS = (
    "id",
    "participant_id",
    "contact_type",
    "updated_at",
    "started_at",
    "duration_minutes",
    "service_type_id",
    "signed_by_id",
    "author_id",
    "signer_credentials",
)
_SERVICE, _SIGNED_BY, _AUTHOR = (
    CONTACT_COLUMNS.index(name) for name in ("service_type_id", "signed_by_id", "author_id")
)
# An assessment's columns (and its recorder's, for their name) that its resources carry.
ASSESSMENT_FIELDS = (
    "id",
    "participant",
    "instrument",
    "instrument_version",
    "administered_on",
    "created_at",
    "total",
    "recorded_by__preferred_name",
    "recorded_by__first_name",
    "recorded_by__last_name",
    "recorded_by__username",
)
# One line of NDJSON: the same text as json.dumps with these options, one encoder for them all.
_line = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _by_participant(rows: Any) -> dict[Any, list[Any]]:
    grouped: dict[Any, list[Any]] = defaultdict(list)
    for row in rows:
        grouped[row.participant_id].append(row)
    return grouped


@dataclass
class Gate:
    """For an outside recipient: per type, participant id -> the consent that lets it out;
    whose contact notes' words may go; and, filled as resources are built, what each person's
    export held (participant id -> consent id -> the consent and the categories it let out)."""

    types: list[str]
    consents: dict[str, Mapping[Any, Consent]]
    notes: Mapping[Any, Consent]
    recipient: str
    notice: str
    shared: dict[Any, dict[Any, tuple[Consent, set[str]]]] = field(
        default_factory=lambda: defaultdict(dict)
    )

    @classmethod
    def of(cls, access: FhirAccess, types: list[str]) -> "Gate":
        return cls(
            types=types,
            consents={name: consented(access, name) for name in types},
            notes=consents_covering(
                organization=access.organization,
                recipient=access.recipient,
                purpose=access.purpose,
                categories=[Category.ATTENDANCE, Category.NOTES],
            ),
            recipient=access.recipient,
            notice=redisclosure_notice(),
        )

    def lets(self, name: str, person: Participant, resources: list[Resource]) -> list[Resource]:
        """The person's resources of one type if their consent lets them out, noted as shared."""
        consent = self.consents.get(name, {}).get(person.id)
        if consent is None or not resources:
            return []
        categories = set(CATEGORIES[name])
        if name == "Encounter" and person.id in self.notes:
            categories.add(Category.NOTES)
            consent = self.notes[person.id]
        _kept, held = self.shared[person.id].setdefault(consent.id, (consent, set()))
        held.update(categories)
        return [with_notice(r, self.notice) for r in resources]

    @property
    def anyone(self) -> set[Any]:
        return {pid for by_person in self.consents.values() for pid in by_person}


def _contacts(
    access: FhirAccess, people: list[Participant], gate: Gate | None, zone: tzinfo
) -> dict[Any, list[Resource]]:
    """Each person's signed contacts as Encounters, oldest first. A 5,000-person export holds
    some 220,000, so they are read as plain rows: a model instance per contact, with its
    signer's and author's whole accounts, cost more than building the resources. Signers'
    names and service types are read once for the batch."""
    notes = gate is None or bool(gate.notes)  # nobody's notes may go: none are read (decrypted)
    rows = list(
        Encounter.objects.visible_to(access.user, access.organization)
        .filter(participant__in=people, state=NoteState.SIGNED)
        .order_by("started_at", "id")
        .values_list(*CONTACT_COLUMNS, *(builders.NOTE_FIELDS if notes else ()))
    )
    # The signer is named, never described: only the name of their account is read.
    names = display_names(
        row[_SIGNED_BY] if row[_SIGNED_BY] is not None else row[_AUTHOR] for row in rows
    )
    services = dict(
        ServiceType.objects.filter(
            pk__in={row[_SERVICE] for row in rows if row[_SERVICE] is not None}
        ).values_list("pk", "name")
    )
    labels = builders.contact_type_labels()
    found: dict[Any, list[Resource]] = defaultdict(list)
    for (
        pk,
        person,
        kind,
        updated_at,
        started_at,
        minutes,
        service,
        signed_by,
        author,
        credentials,
        *note,
    ) in rows:
        signer = signed_by if signed_by is not None else author
        found[person].append(
            builders.contact_resource(
                contact_id=pk,
                participant_id=person,
                contact_type=kind,
                type_label=labels[kind],
                updated_at=updated_at,
                started_at=started_at,
                duration_minutes=minutes,
                service_type=services[service] if service is not None else None,
                signer=(
                    builders.signer_name(names[signer], credentials) if signer is not None else None
                ),
                note=note if notes and (gate is None or person in gate.notes) else None,
                zone=zone,
            )
        )
    return found


def batch_resources(
    access: FhirAccess, people: list[Participant], gate: Gate | None = None
) -> dict[str, list[Resource]]:
    """Every resource of these participants, by type (staff of the organization: notes
    included; an outside recipient: what `gate` lets out). Each query is scoped by `visible_to`
    as well as by the batch."""
    user, org = access.user, access.organization
    # Every time on the same wall clock, looked up once rather than for each of them.
    zone = timezone.get_current_timezone()
    out: dict[str, list[Resource]] = {name: [] for name in PARTICIPANT_TYPES}
    contacts = _contacts(access, people, gate, zone)
    goals = _by_participant(
        Goal.objects.visible_to(user, org)
        .filter(participant__in=people, removed_at__isnull=True)
        .defer("coach_summary")
        .order_by("position", "created_at")
    )
    plans = {
        p.participant_id: p
        for p in RecoveryPlan.objects.visible_to(user, org).filter(participant__in=people)
    }
    steps: dict[Any, list[ActionStep]] = defaultdict(list)
    every_goal = [g for rows in goals.values() for g in rows]
    for step in ActionStep.objects.filter(goal__in=every_goal).order_by("position", "id"):
        steps[step.goal_id].append(step)
    instruments = registry()
    assessments = (
        Assessment.objects.visible_to(user, org)
        .filter(participant__in=people, instrument__in=list(instruments))
        .select_related("recorded_by")
        .only(*ASSESSMENT_FIELDS)
        .order_by("administered_on", "created_at")
    )
    by_person = _by_participant(assessments)
    answers: dict[Any, dict[str, int]] = defaultdict(dict)
    for assessment_id, key, value in ItemResponse.objects.filter(
        assessment__participant__in=people,
        assessment__organization=org,
        skipped=False,
        value__isnull=False,
    ).values_list("assessment_id", "item_key", "value"):
        if value is not None:
            answers[assessment_id][key] = value
    consents = _by_participant(Consent.objects.visible_to(user, org).filter(participant__in=people))
    for person in people:
        found: dict[str, list[Resource]] = {name: [] for name in PARTICIPANT_TYPES}
        found["Patient"].append(builders.patient(person))
        found["Encounter"] = contacts.get(person.id, [])
        person_goals = goals[person.id]
        if person.id in plans:
            found["CarePlan"].append(builders.care_plan(plans[person.id], person_goals, steps))
        found["Goal"] = [builders.goal(g) for g in person_goals]
        for a in by_person[person.id]:
            instrument = instruments[a.instrument]
            found["QuestionnaireResponse"].append(
                builders.questionnaire_response(a, instrument, answers.get(a.id, {}), zone)
            )
            total = builders.observation(a, instrument, zone)
            if total is not None:
                found["Observation"].append(total)
        found["Consent"] = [
            builders.consent(c)
            for c in consents[person.id]
            if gate is None or c.names(gate.recipient)
        ]
        for name in PARTICIPANT_TYPES:
            out[name] += found[name] if gate is None else gate.lets(name, person, found[name])
    return out


@contextmanager
def _cycle_collection_paused() -> Iterator[None]:
    """Python's cycle collector paused while the resources are built. A batch holds about a
    million small dicts and lists, none in a cycle (reference counting frees them), and the
    collector walked them again and again: 29% of the export's CPU at state scale. Whatever
    cycles are made meanwhile are collected as usual once it is switched back on."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def build_export(
    access: FhirAccess, *, types: list[str], progress: Callable[[int, int], None]
) -> tuple[bytes, dict[str, int], int]:
    """The export as a zip of `<Type>.ndjson` files plus their counts; the number of people.
    Each participant exported is one audit event (an export), appended together at the end."""
    with _cycle_collection_paused():
        return _built(access, types=types, progress=progress)


def _built(
    access: FhirAccess, *, types: list[str], progress: Callable[[int, int], None]
) -> tuple[bytes, dict[str, int], int]:
    people = list(
        visible_participants(access)
        .select_related("organization")
        .only(*builders.PATIENT_FIELDS, "organization__name")
        .order_by("id")
    )
    gate = Gate.of(access, types) if access.is_disclosure else None
    if gate is not None:
        anyone = gate.anyone
        people = [person for person in people if person.id in anyone]
    files = {name: io.StringIO() for name in types}
    counts = dict.fromkeys(types, 0)
    for start in range(0, len(people), BATCH):
        batch = people[start : start + BATCH]
        built = batch_resources(access, batch, gate)
        for name in types:
            for resource in built[name]:
                files[name].write(_line(resource))
                files[name].write("\n")
                counts[name] += 1
        progress(start + len(batch), len(people))
    if gate is not None:
        _account(access, people, gate)
        people = [person for person in people if gate.shared.get(person.id)]
    else:
        _record(access, people, types)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in types:
            archive.writestr(f"{name}.ndjson", files[name].getvalue())
        archive.writestr(COUNTS, json.dumps(counts))
    return buffer.getvalue(), counts, len(people)


def _account(access: FhirAccess, people: list[Participant], gate: Gate) -> None:
    """Each person's share, accounted under the consent that let it out: what the export held
    of them, one entry per consent; people who shared the same kinds of information are
    accounted together."""
    groups: dict[tuple[str, ...], dict[Any, tuple[Participant, Consent]]] = defaultdict(dict)
    for person in people:
        for consent, categories in gate.shared.get(person.id, {}).values():
            group = groups[tuple(sorted(categories))]
            if person.id in group:  # a second consent for the same kinds: its own entry
                group = groups[(*sorted(categories), str(consent.id))]
            group[person.id] = (person, consent)
    for shared, group in groups.items():
        disclose(
            acting=access.membership,
            participant=[person for person, _consent in group.values()],
            recipient=access.recipient,
            purpose=access.purpose,
            categories=[c for c in shared if c in Category.values],
            document=False,
            consents={pid: consent for pid, (_person, consent) in group.items()},
        )


def _record(access: FhirAccess, people: list[Participant], types: list[str]) -> None:
    member = access.membership
    record_events(
        organization=access.organization,
        events=[
            NewEvent(
                action=Action.EXPORT,
                actor_id=member.user_id,
                actor_username=member.user.username,
                role=member.role,
                target_type="fhir.export",
                target_id=str(person.id),
                participant_id=person.id,
                changed_fields=types,
            )
            for person in people
        ],
    )


def read_counts(content: bytes) -> dict[str, int]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        counts: dict[str, int] = json.loads(archive.read(COUNTS))
    return counts


def read_file(content: bytes, resource_type: str) -> bytes | None:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        try:
            return archive.read(f"{resource_type}.ndjson")
        except KeyError:
            return None
