"""Reads for FHIR: each participant's rows through the `visible_to` querysets, the one gate
every participant read passes (an audit event for staff, `disclose` for an outside recipient),
and the resources built from them."""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from api.disclosure import CATEGORIES_OF
from assessments.engine import registry
from assessments.models import Assessment, ItemResponse
from audit.models import Action
from audit.services import NewEvent, Target, record_events, record_member_action
from consent.models import Category, Consent
from consent.services import consents_covering, disclose, matching_consent
from encounters.models import Encounter, NoteState
from exports.services import redisclosure_notice
from fhir_r4 import builders
from fhir_r4.access import SCOPE_OF, FhirAccess, visible_participants
from fhir_r4.builders import Resource
from fhir_r4.codes import canonical
from lib.blind_index import keyed_hash
from participants.models import Participant
from plans.models import ActionStep, Goal, RecoveryPlan

PARTICIPANT_TYPES = (
    "Patient",
    "Encounter",
    "CarePlan",
    "Goal",
    "QuestionnaireResponse",
    "Observation",
    "Consent",
)
# What each resource type shares, in the consent's categories: the API's one mapping, through
# the scope each type is read under (a Consent is shared with the recipient it names, so any
# consent to them for the purpose covers it).
CATEGORIES: dict[str, list[str]] = {
    name: list(CATEGORIES_OF[SCOPE_OF[name]]) for name in PARTICIPANT_TYPES
}


@dataclass(frozen=True)
class Release:
    """What a read may carry: note text, and the notice a disclosure travels with."""

    with_notes: bool
    notice: str = ""


def release(
    access: FhirAccess,
    participant: Participant,
    resource_type: str,
    *,
    consent: Consent | None = None,
) -> Release:
    """Let one participant's data of `resource_type` out to the caller, or refuse.

    Staff reading their own organization's records: one view event. An outside recipient:
    `disclose` checks the consent (raising DisclosureRefused, with nothing written) and writes
    the accounting entry and its audit event; contact notes go only under a consent that
    covers them, and are then accounted as disclosed too. The accounting is the API's light
    entry (one a day per person, recipient and kind of information), not a document: the
    answer carries the notice. `consent` is one already matched in this request."""
    if not access.is_disclosure:
        record_member_action(
            acting=access.membership,
            action=Action.VIEW,
            target=Target(type=f"fhir.{resource_type.lower()}", id=str(participant.id)),
            participant_id=participant.id,
        )
        return Release(with_notes=True)
    categories = list(CATEGORIES[resource_type])
    with_notes = False
    if resource_type == "Encounter":
        with_notes = (
            matching_consent(
                participant=participant,
                recipient=access.recipient,
                purpose=access.purpose,
                categories=[*categories, Category.NOTES],
            )
            is not None
        )
        if with_notes:
            categories.append(Category.NOTES)
    disclose(
        acting=access.membership,
        participant=participant,
        recipient=access.recipient,
        purpose=access.purpose,
        categories=categories,
        document=False,
        consents={participant.id: consent} if consent is not None else None,
    )
    return Release(with_notes=with_notes, notice=redisclosure_notice())


def consented(access: FhirAccess, resource_type: str) -> Mapping[Any, Consent]:
    """For an outside recipient: participant id -> the consent that lets `resource_type` out."""
    return consents_covering(
        organization=access.organization,
        recipient=access.recipient,
        purpose=access.purpose,
        categories=CATEGORIES[resource_type],
    )


def with_notice(resource: Resource, notice: str) -> Resource:
    """A disclosed resource carries the redisclosure notice beside its Part 2 labels."""
    if notice:
        resource["meta"]["extension"] = [
            {"url": canonical("StructureDefinition/redisclosure-notice"), "valueString": notice}
        ]
    return resource


# --- Patients -----------------------------------------------------------------------------------


def patients(access: FhirAccess, *, ids: list[str], updated_after: datetime | None) -> Any:
    """The participants a Patient search may return (a queryset, paged by the caller): for an
    outside recipient, only those whose consent lets their Patient out."""
    rows = visible_participants(access).select_related("organization").order_by("id")
    if access.is_disclosure:
        rows = rows.filter(id__in=list(consented(access, "Patient")))
    if ids:
        rows = rows.filter(id__in=ids)
    if updated_after is not None:
        rows = rows.filter(updated_at__gt=updated_after)
    return rows


def record_patient_reads(access: FhirAccess, people: Iterable[Participant]) -> str:
    """One view event for each participant a search returned, appended together; for an
    outside recipient, each one released (disclosed and accounted) instead. The notice the
    answer carries, if any."""
    if access.is_disclosure:
        disclose(
            acting=access.membership,
            participant=list(people),
            recipient=access.recipient,
            purpose=access.purpose,
            categories=CATEGORIES["Patient"],
            document=False,
            consents=consented(access, "Patient"),
        )
        return redisclosure_notice()
    member = access.membership
    record_events(
        organization=access.organization,
        events=[
            NewEvent(
                action=Action.VIEW,
                actor_id=member.user_id,
                actor_username=member.user.username,
                role=member.role,
                target_type="fhir.patient",
                target_id=str(person.id),
                participant_id=person.id,
            )
            for person in people
        ],
    )
    return ""


# --- One participant's rows -------------------------------------------------------------------


def encounters(access: FhirAccess, participant: Participant) -> Any:
    # Drafts are not yet part of the record: only signed contacts go out.
    return (
        Encounter.objects.visible_to(access.user, access.organization)
        .filter(participant=participant, state=NoteState.SIGNED)
        .select_related("service_type", "signed_by", "author")
        .defer(*builders.UNSENT_CONTACT_FIELDS)
        .order_by("started_at", "id")
    )


def goals(access: FhirAccess, participant: Participant) -> Any:
    return (
        Goal.objects.visible_to(access.user, access.organization)
        .filter(participant=participant, removed_at__isnull=True)
        .order_by("position", "created_at")
    )


def care_plans(access: FhirAccess, participant: Participant) -> list[Resource]:
    plan = (
        RecoveryPlan.objects.visible_to(access.user, access.organization)
        .filter(participant=participant)
        .first()
    )
    if plan is None:
        return []
    plan_goals = list(goals(access, participant))
    steps: dict[Any, list[ActionStep]] = defaultdict(list)
    for step in ActionStep.objects.filter(goal__in=plan_goals).order_by("position", "id"):
        steps[step.goal_id].append(step)
    return [builders.care_plan(plan, plan_goals, steps)]


def assessments(access: FhirAccess, participant: Participant) -> Any:
    known = list(registry())
    return (
        Assessment.objects.visible_to(access.user, access.organization)
        .filter(participant=participant, instrument__in=known)
        .select_related("recorded_by")
        .defer("note")
        .order_by("administered_on", "created_at")
    )


def answers_of(rows: list[Assessment]) -> dict[Any, dict[str, int]]:
    answers: dict[Any, dict[str, int]] = defaultdict(dict)
    responses = ItemResponse.objects.filter(assessment__in=rows, skipped=False, value__isnull=False)
    for assessment_id, key, value in responses.values_list("assessment_id", "item_key", "value"):
        if value is not None:
            answers[assessment_id][key] = value
    return answers


def questionnaire_responses(rows: list[Assessment]) -> list[Resource]:
    instruments = registry()
    answers = answers_of(rows)
    return [
        builders.questionnaire_response(a, instruments[a.instrument], answers.get(a.id, {}))
        for a in rows
    ]


def observations(rows: list[Assessment]) -> list[Resource]:
    instruments = registry()
    built = (builders.observation(a, instruments[a.instrument]) for a in rows)
    return [resource for resource in built if resource is not None]


def totals(access: FhirAccess, participant: Participant) -> Any:
    """Assessments with a total: the rows Observation search pages over."""
    with_total = [key for key, i in registry().items() if i.has_total]
    return assessments(access, participant).filter(instrument__in=with_total, total__isnull=False)


def consents(access: FhirAccess, participant: Participant) -> Any:
    rows = Consent.objects.visible_to(access.user, access.organization).filter(
        participant=participant
    )
    if access.is_disclosure:
        # An outside recipient sees the consents that name them, not the person's others.
        return rows.filter(recipient_hash=keyed_hash(access.recipient))
    return rows


def everything(
    access: FhirAccess, participant: Participant, *, with_notes: bool
) -> dict[str, list[Resource]]:
    """Every resource of one participant by type, for the bulk export (reads already released)."""
    rows = list(assessments(access, participant))
    return {
        "Patient": [builders.patient(participant)],
        "Encounter": [
            builders.encounter(e, with_notes=with_notes) for e in encounters(access, participant)
        ],
        "CarePlan": care_plans(access, participant),
        "Goal": [builders.goal(g) for g in goals(access, participant)],
        "QuestionnaireResponse": questionnaire_responses(rows),
        "Observation": observations(rows),
        "Consent": [builders.consent(c) for c in consents(access, participant)],
    }


# --- Pages of a participant's compartment ------------------------------------------------------


@dataclass(frozen=True)
class Page:
    resources: list[Resource]
    total: int


def _paged(rows: Any, offset: int, count: int) -> tuple[list[Any], int]:
    return list(rows[offset : offset + count]), rows.count()


def compartment_page(
    access: FhirAccess,
    participant: Participant,
    resource_type: str,
    granted: Release,
    *,
    count: int,
    offset: int,
) -> Page:
    """One page of a participant's resources of one type, in a stable order."""
    if resource_type == "Encounter":
        rows, total = _paged(encounters(access, participant), offset, count)
        built = [builders.encounter(e, with_notes=granted.with_notes) for e in rows]
    elif resource_type == "Goal":
        rows, total = _paged(goals(access, participant), offset, count)
        built = [builders.goal(g) for g in rows]
    elif resource_type == "CarePlan":
        plans = care_plans(access, participant)
        built, total = plans[offset : offset + count], len(plans)
    elif resource_type == "QuestionnaireResponse":
        rows, total = _paged(assessments(access, participant), offset, count)
        built = questionnaire_responses(rows)
    elif resource_type == "Observation":
        rows, total = _paged(totals(access, participant), offset, count)
        built = observations(rows)
    elif resource_type == "Consent":
        found = list(consents(access, participant))
        built, total = [builders.consent(c) for c in found[offset : offset + count]], len(found)
    else:
        raise ValueError(f"{resource_type} is not searched by patient here.")
    return Page([with_notice(r, granted.notice) for r in built], total)
