"""Bulk export ($export): the whole organization's permitted data as NDJSON, one file per
resource type, built in batches so 5,000 participants take a few queries per batch."""

import io
import json
import zipfile
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from assessments.engine import registry
from assessments.models import Assessment, ItemResponse
from audit.models import Action
from audit.services import NewEvent, record_events
from consent.models import Consent
from encounters.models import Encounter, NoteState
from fhir_r4 import builders
from fhir_r4.access import FhirAccess, visible_participants
from fhir_r4.builders import Resource
from fhir_r4.selectors import PARTICIPANT_TYPES
from participants.models import Participant
from plans.models import ActionStep, Goal, RecoveryPlan

BATCH = 500
COUNTS = "counts.json"


def _by_participant(rows: Any) -> dict[Any, list[Any]]:
    grouped: dict[Any, list[Any]] = defaultdict(list)
    for row in rows:
        grouped[row.participant_id].append(row)
    return grouped


def batch_resources(access: FhirAccess, people: list[Participant]) -> dict[str, list[Resource]]:
    """Every resource of these participants, by type (staff of the organization: notes
    included). Each query is scoped by `visible_to` as well as by the batch."""
    user, org = access.user, access.organization
    out: dict[str, list[Resource]] = {name: [] for name in PARTICIPANT_TYPES}
    contacts = _by_participant(
        Encounter.objects.visible_to(user, org)
        .filter(participant__in=people, state=NoteState.SIGNED)
        .select_related("service_type", "signed_by", "author")
        .defer(*builders.UNSENT_CONTACT_FIELDS)
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
        out["Patient"].append(builders.patient(person))
        out["Encounter"] += [builders.encounter(e, with_notes=True) for e in contacts[person.id]]
        person_goals = goals[person.id]
        if person.id in plans:
            out["CarePlan"].append(builders.care_plan(plans[person.id], person_goals, steps))
        out["Goal"] += [builders.goal(g) for g in person_goals]
        for a in by_person[person.id]:
            instrument = instruments[a.instrument]
            out["QuestionnaireResponse"].append(
                builders.questionnaire_response(a, instrument, answers.get(a.id, {}))
            )
            total = builders.observation(a, instrument)
            if total is not None:
                out["Observation"].append(total)
        out["Consent"] += [builders.consent(c) for c in consents[person.id]]
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
    files = {name: io.StringIO() for name in types}
    counts = dict.fromkeys(types, 0)
    for start in range(0, len(people), BATCH):
        batch = people[start : start + BATCH]
        built = batch_resources(access, batch)
        for name in types:
            for resource in built[name]:
                files[name].write(json.dumps(resource, ensure_ascii=False, separators=(",", ":")))
                files[name].write("\n")
                counts[name] += 1
        progress(start + len(batch), len(people))
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
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in types:
            archive.writestr(f"{name}.ndjson", files[name].getvalue())
        archive.writestr(COUNTS, json.dumps(counts))
    return buffer.getvalue(), counts, len(people)


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
