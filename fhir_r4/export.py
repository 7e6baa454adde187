"""Bulk export ($export): the whole organization's permitted data as NDJSON, one file per
resource type, built in batches so 5,000 participants take a few queries per batch. For an
outside recipient (a service token), each type holds only the people whose consent lets it
out, and what left is accounted per person through `consent.services.disclose`."""

import io
import json
import zipfile
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from assessments.engine import registry
from assessments.models import Assessment, ItemResponse
from audit.models import Action
from audit.services import NewEvent, record_events
from consent.models import Category, Consent
from consent.services import consents_covering, disclose
from encounters.models import Encounter, NoteState
from exports.services import redisclosure_notice
from fhir_r4 import builders
from fhir_r4.access import FhirAccess, visible_participants
from fhir_r4.builders import Resource
from fhir_r4.selectors import CATEGORIES, PARTICIPANT_TYPES, consented, with_notice
from participants.models import Participant
from plans.models import ActionStep, Goal, RecoveryPlan

BATCH = 500
COUNTS = "counts.json"


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
    consents: dict[str, dict[Any, Consent]]
    notes: dict[Any, Consent]
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
            recipient=access.recipient.strip().lower(),
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


def batch_resources(
    access: FhirAccess, people: list[Participant], gate: Gate | None = None
) -> dict[str, list[Resource]]:
    """Every resource of these participants, by type (staff of the organization: notes
    included; an outside recipient: what `gate` lets out). Each query is scoped by `visible_to`
    as well as by the batch."""
    user, org = access.user, access.organization
    out: dict[str, list[Resource]] = {name: [] for name in PARTICIPANT_TYPES}
    contacts = _by_participant(
        Encounter.objects.visible_to(user, org)
        .filter(participant__in=people, state=NoteState.SIGNED)
        .select_related("service_type", "signed_by", "author")
        # The signer is named, never described: their pronouns (encrypted) stay unread, which
        # was two of every three decryptions of an export.
        .defer(*builders.UNSENT_CONTACT_FIELDS, "signed_by__pronouns", "author__pronouns")
        .order_by("started_at", "id")
    )
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
        .defer("note")
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
        notes = gate is None or person.id in gate.notes
        found["Encounter"] = [builders.encounter(e, with_notes=notes) for e in contacts[person.id]]
        person_goals = goals[person.id]
        if person.id in plans:
            found["CarePlan"].append(builders.care_plan(plans[person.id], person_goals, steps))
        found["Goal"] = [builders.goal(g) for g in person_goals]
        for a in by_person[person.id]:
            instrument = instruments[a.instrument]
            found["QuestionnaireResponse"].append(
                builders.questionnaire_response(a, instrument, answers.get(a.id, {}))
            )
            total = builders.observation(a, instrument)
            if total is not None:
                found["Observation"].append(total)
        found["Consent"] = [
            builders.consent(c)
            for c in consents[person.id]
            if gate is None or c.recipient.strip().lower() == gate.recipient
        ]
        for name in PARTICIPANT_TYPES:
            out[name] += found[name] if gate is None else gate.lets(name, person, found[name])
    return out


def build_export(
    access: FhirAccess, *, types: list[str], progress: Callable[[int, int], None]
) -> tuple[bytes, dict[str, int], int]:
    """The export as a zip of `<Type>.ndjson` files plus their counts; the number of people.
    Each participant exported is one audit event (an export), appended together at the end."""
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
                files[name].write(json.dumps(resource, ensure_ascii=False, separators=(",", ":")))
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
