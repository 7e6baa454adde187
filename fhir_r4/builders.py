"""Cairn's records as FHIR R4 resources (plain dicts, validated by `fhir.validation`).

The participant's own words go where FHIR keeps a person's words: a goal's description, its
notes, a plan step's description. Every resource about a participant carries Part 2's labels.
"""

from collections.abc import Sequence
from datetime import date, datetime, timedelta, tzinfo
from html import escape
from typing import Any

from django.utils import timezone

from assessments.engine import Instrument, Item
from assessments.models import Assessment
from consent.models import Category, Consent, ConsentStatus
from encounters.models import ContactType, Encounter
from fhir_r4.codes import (
    ACT_CODE,
    CONSENT_SCOPE,
    GOAL_ACHIEVEMENT,
    LOINC,
    OBSERVATION_CATEGORY,
    ORDINAL_VALUE,
    PART_2_LABELS,
    PART_2_POLICY,
    PARTICIPATION,
    TPO_PURPOSES,
    cairn_system,
    canonical,
    coding,
    concept,
)
from participants.languages import language_name
from participants.models import Participant, ParticipantStatus
from plans.models import ActionStep, Goal, GoalStatus, LifeDomain, RecoveryPlan

Resource = dict[str, Any]


def reference(resource_type: str, resource_id: object, display: str = "") -> dict[str, str]:
    value = {"reference": f"{resource_type}/{resource_id}"}
    if display:
        value["display"] = display
    return value


def instant(moment: datetime, zone: tzinfo | None = None) -> str:
    """The moment on the wall clock of `zone` (the current time zone when not given: a bulk
    export looks it up once, as the lookup costs four times the conversion)."""
    local = timezone.localtime(moment) if zone is None else moment.astimezone(zone)
    return local.isoformat(timespec="seconds")


def day(value: date) -> str:
    return value.isoformat()


def meta(updated: datetime | None, zone: tzinfo | None = None) -> dict[str, Any]:
    """Every resource about a participant is labelled as Part 2 data."""
    labels: dict[str, Any] = {"security": [dict(label) for label in PART_2_LABELS]}
    if updated is not None:
        labels["lastUpdated"] = instant(updated, zone)
    return labels


def narrative(paragraphs: list[str]) -> dict[str, str]:
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs if p)
    return {
        "status": "additional",
        "div": f'<div xmlns="http://www.w3.org/1999/xhtml">{body}</div>',
    }


# --- Patient --------------------------------------------------------------------------------


def patient(person: Participant) -> Resource:
    resource: Resource = {
        "resourceType": "Patient",
        "id": str(person.id),
        "meta": meta(person.updated_at),
        "identifier": [{"system": canonical("sid/participant"), "value": str(person.id)}],
        "active": person.status in ParticipantStatus.open(),
        # The name they go by first: it is the one to use with them.
        "name": [{"use": "usual", "text": person.preferred_name}],
    }
    if person.legal_name:
        resource["name"].append({"use": "official", "text": person.legal_name})
    telecom = [
        {"system": "phone", "value": number, "rank": rank}
        for rank, number in enumerate(filter(None, [person.phone, person.phone_other]), start=1)
    ]
    if person.email:
        telecom.append({"system": "email", "value": person.email})
    if telecom:
        resource["telecom"] = telecom
    if person.date_of_birth:
        resource["birthDate"] = day(person.date_of_birth)
    if person.preferred_language:
        resource["communication"] = [
            {
                "language": {
                    "coding": [{"system": "urn:ietf:bcp:47", "code": person.preferred_language}],
                    "text": language_name(person.preferred_language, "en"),
                },
                "preferred": True,
            }
        ]
    resource["managingOrganization"] = {"display": person.organization.name}
    return resource


# --- Encounter (a peer contact) ---------------------------------------------------------------

# v3 ActEncounterCode: in person and in groups is ambulatory, calls and texts virtual, outreach
# in the field.
_ENCOUNTER_CLASS: dict[str, tuple[str, str]] = {
    ContactType.IN_PERSON: ("AMB", "ambulatory"),
    ContactType.GROUP: ("AMB", "ambulatory"),
    ContactType.PHONE: ("VR", "virtual"),
    ContactType.VIDEO: ("VR", "virtual"),
    ContactType.TEXT: ("VR", "virtual"),
    ContactType.OUTREACH: ("FLD", "field"),
    ContactType.COLLATERAL: ("VR", "virtual"),
}


# What a contact's note says, in the order a reader follows it; a read loads no other note text.
NOTE_FIELDS = ("summary", "coach_actions", "participant_response", "own_words", "next_steps")
# Encrypted columns of a contact that no FHIR resource carries: left unread (and undecrypted).
UNSENT_CONTACT_FIELDS = ("setting", "topics", "review_comment", "withheld_detail")
# A participant's columns a Patient carries (the others, many encrypted, are left unread).
PATIENT_FIELDS = (
    "id",
    "organization",
    "preferred_name",
    "legal_name",
    "phone",
    "phone_other",
    "email",
    "date_of_birth",
    "preferred_language",
    "status",
    "updated_at",
)


def encounter(contact: Encounter, *, with_notes: bool) -> Resource:
    """A signed contact. Its note text goes only where `with_notes` says the reader may have it
    (the organization's own staff, or a recipient whose consent covers contact notes)."""
    signer = contact.signed_by or contact.author
    return contact_resource(
        contact_id=contact.id,
        participant_id=contact.participant_id,
        contact_type=contact.contact_type,
        type_label=str(ContactType(contact.contact_type).label),
        updated_at=contact.updated_at,
        started_at=contact.started_at,
        duration_minutes=contact.duration_minutes,
        service_type=contact.service_type.name if contact.service_type is not None else None,
        signer=(
            signer_name(signer.display_name, contact.signer_credentials)
            if signer is not None
            else None
        ),
        note=[getattr(contact, name) for name in NOTE_FIELDS] if with_notes else None,
    )


def signer_name(display_name: str, credentials: str) -> str:
    return f"{display_name}, {credentials}" if credentials else display_name


def contact_type_labels() -> dict[str, str]:
    """Each contact type's label in the current language, for building many Encounters."""
    return {kind.value: str(kind.label) for kind in ContactType}


def contact_resource(
    *,
    contact_id: object,
    participant_id: object,
    contact_type: str,
    type_label: str,
    updated_at: datetime,
    started_at: datetime,
    duration_minutes: int | None,
    service_type: str | None,
    signer: str | None,
    note: Sequence[str] | None,
    zone: tzinfo | None = None,
) -> Resource:
    """An Encounter from a signed contact's values (a bulk export reads them as plain rows, not
    model instances): `signer` is the signer's name with credentials, `note` the note's parts in
    NOTE_FIELDS order, or None where the reader may not have them."""
    code, display = _ENCOUNTER_CLASS.get(contact_type, ("AMB", "ambulatory"))
    resource: Resource = {
        "resourceType": "Encounter",
        "id": str(contact_id),
        "meta": meta(updated_at, zone),
        "status": "finished",
        "class": coding(ACT_CODE, code, display),
        "type": [concept(cairn_system("contact-type"), contact_type, type_label)],
        "subject": reference("Patient", participant_id),
        "period": {"start": instant(started_at, zone)},
    }
    if service_type is not None:
        resource["serviceType"] = {"text": service_type}
    if duration_minutes:
        end = started_at + timedelta(minutes=duration_minutes)
        resource["period"]["end"] = instant(end, zone)
        resource["length"] = {
            "value": duration_minutes,
            "unit": "min",
            "system": "http://unitsofmeasure.org",
            "code": "min",
        }
    if signer is not None:
        resource["participant"] = [{"individual": {"display": signer}}]
    if note is not None and any(part.strip() for part in note):
        resource["text"] = narrative(list(note))
    return resource


# --- Goal and CarePlan (the recovery plan) ----------------------------------------------------

_LIFECYCLE = {
    GoalStatus.NOT_STARTED: "accepted",
    GoalStatus.ON_THE_WAY: "active",
    GoalStatus.DONE: "completed",
    GoalStatus.SET_ASIDE: "on-hold",
}
_ACHIEVEMENT = {
    GoalStatus.ON_THE_WAY: ("in-progress", "In Progress"),
    GoalStatus.DONE: ("achieved", "Achieved"),
}


def goal(item: Goal) -> Resource:
    status = GoalStatus(item.status)
    resource: Resource = {
        "resourceType": "Goal",
        "id": str(item.id),
        "meta": meta(item.updated_at),
        "lifecycleStatus": _LIFECYCLE[status],
        # The goal as the participant put it, word for word.
        "description": {"text": item.in_my_words},
        "subject": reference("Patient", item.participant_id),
        "expressedBy": reference("Patient", item.participant_id),
        "startDate": day(timezone.localdate(item.created_at)),
        "statusDate": day(timezone.localdate(item.updated_at)),
    }
    if status in _ACHIEVEMENT:
        code, display = _ACHIEVEMENT[status]
        resource["achievementStatus"] = concept(GOAL_ACHIEVEMENT, code, display)
    if item.domains:
        resource["category"] = [
            concept(cairn_system("life-domain"), domain, str(LifeDomain(domain).label))
            for domain in item.domains
            if domain in LifeDomain.values
        ]
    notes = [text for text in (item.why_it_matters, item.supports) if text]
    if notes:
        resource["note"] = [{"text": text} for text in notes]
    return resource


def care_plan(
    plan: RecoveryPlan, goals: list[Goal], steps: dict[Any, list[ActionStep]]
) -> Resource:
    resource: Resource = {
        "resourceType": "CarePlan",
        "id": str(plan.id),
        "meta": meta(plan.updated_at),
        "status": "active",
        "intent": "plan",
        "category": [concept(cairn_system("care-plan-category"), "recovery-plan", "Recovery plan")],
        "title": "Recovery plan",
        "subject": reference("Patient", plan.participant_id),
        "created": instant(plan.created_at),
        # Written with the participant, in their words.
        "contributor": [reference("Patient", plan.participant_id)],
    }
    if goals:
        resource["goal"] = [reference("Goal", g.id) for g in goals]
    activities = [
        {
            "detail": {
                "status": "completed" if step.done_on else "not-started",
                "description": step.text,
                "goal": [reference("Goal", g.id)],
                **({"scheduledString": day(step.target_on)} if step.target_on else {}),
            }
        }
        for g in goals
        for step in steps.get(g.id, [])
    ]
    if activities:
        resource["activity"] = activities
    if plan.agreed_on and plan.agreement_is_current:
        resource["note"] = [{"text": f"Agreed by the participant on {day(plan.agreed_on)}."}]
    return resource


# --- Questionnaire, QuestionnaireResponse and Observation (assessments) -----------------------


def _option_system(instrument: Instrument) -> str:
    return cairn_system(f"{instrument.key}-answers")


def _option_coding(instrument: Instrument, item: Item, value: int) -> dict[str, Any]:
    option = item.option(value)
    answer = coding(_option_system(instrument), str(value), option.label("en") if option else "")
    # The score of the answer, where scores add up to a total.
    answer["extension"] = [{"url": ORDINAL_VALUE, "valueDecimal": value}]
    return answer


def questionnaire_url(instrument: Instrument) -> str:
    return canonical(f"Questionnaire/{instrument.key}")


def questionnaire(instrument: Instrument) -> Resource:
    name = "".join(ch for ch in instrument.short_title("en").title() if ch.isalnum())
    return {
        "resourceType": "Questionnaire",
        "id": instrument.key,
        "url": questionnaire_url(instrument),
        "version": instrument.version,
        "name": name if name[:1].isalpha() else f"Q{name}",
        "title": instrument.title("en"),
        "status": "active",
        "subjectType": ["Patient"],
        "description": instrument.instruction("en"),
        "copyright": f"{instrument.licence} {instrument.citation}".strip(),
        "item": [
            {
                "linkId": item.key,
                "prefix": str(item.number),
                "text": item.text("en"),
                "type": "choice",
                "required": False,
                "answerOption": [
                    {"valueCoding": _option_coding(instrument, item, option.value)}
                    for option in item.options
                ],
            }
            for item in instrument.items
        ],
    }


def questionnaire_response(
    assessment: Assessment,
    instrument: Instrument,
    answers: dict[str, int],
    zone: tzinfo | None = None,
) -> Resource:
    items = []
    for item in instrument.items:
        if item.key in answers:
            items.append(
                {
                    "linkId": item.key,
                    "text": item.text("en"),
                    "answer": [
                        {"valueCoding": _option_coding(instrument, item, answers[item.key])}
                    ],
                }
            )
    resource: Resource = {
        "resourceType": "QuestionnaireResponse",
        "id": str(assessment.id),
        "meta": meta(assessment.created_at, zone),
        "questionnaire": f"{questionnaire_url(instrument)}|{assessment.instrument_version}",
        "status": "completed",
        "subject": reference("Patient", assessment.participant_id),
        "authored": day(assessment.administered_on),
        "author": {"display": assessment.recorded_by.display_name},
    }
    if items:
        resource["item"] = items
    return resource


def observation_id(assessment: Assessment) -> str:
    return f"{assessment.id}-total"


def observation(
    assessment: Assessment, instrument: Instrument, zone: tzinfo | None = None
) -> Resource | None:
    """The total of an instrument that adds up (BARC-10's recovery capital); None when there is
    none (an instrument without a total, or items left unanswered: no imputation)."""
    if not instrument.has_total or assessment.total is None:
        return None
    title = instrument.short_title("en")
    return {
        "resourceType": "Observation",
        "id": observation_id(assessment),
        "meta": meta(assessment.created_at, zone),
        "status": "final",
        "category": [concept(OBSERVATION_CATEGORY, "survey", "Survey")],
        "code": concept(cairn_system("observation"), f"{instrument.key}-total", f"{title} total"),
        "subject": reference("Patient", assessment.participant_id),
        "effectiveDateTime": day(assessment.administered_on),
        "issued": instant(assessment.created_at, zone),
        "valueInteger": assessment.total,
        "derivedFrom": [reference("QuestionnaireResponse", assessment.id)],
    }


# --- Consent (42 CFR Part 2) -------------------------------------------------------------------

_CONSENT_STATUS = {
    ConsentStatus.ACTIVE: "active",
    ConsentStatus.EXPIRED: "inactive",
    ConsentStatus.REVOKED: "inactive",
    ConsentStatus.WAITING: "proposed",
    ConsentStatus.NOT_SIGNED: "rejected",
}


def consent(record: Consent) -> Resource:
    """A Part 2 consent with its elements as one permit provision: who receives, for what
    purpose, which information, for how long."""
    labels = dict(Category.choices)
    provision: dict[str, Any] = {
        "type": "permit",
        "actor": [
            {
                "role": concept(PARTICIPATION, "IRCP", "information recipient"),
                "reference": {"display": record.recipient},
            }
        ],
        "securityLabel": [dict(label) for label in PART_2_LABELS[:2]],
        "code": [
            concept(cairn_system("consent-category"), category, str(labels.get(category, category)))
            for category in record.categories
        ],
    }
    if record.treatment_payment_operations:
        provision["purpose"] = [dict(purpose) for purpose in TPO_PURPOSES]
    period: dict[str, str] = {}
    if record.signed_on:
        period["start"] = day(record.signed_on)
    if record.expires_on:
        period["end"] = day(record.expires_on)
    if period:
        provision["period"] = period
    resource: Resource = {
        "resourceType": "Consent",
        "id": str(record.id),
        "meta": meta(record.answered_at or record.revoked_at or record.created_at),
        "status": _CONSENT_STATUS[ConsentStatus(record.status())],
        "scope": concept(CONSENT_SCOPE, "patient-privacy", "Privacy Consent"),
        "category": [concept(LOINC, "59284-0", "Patient Consent")],
        "patient": reference("Patient", record.participant_id),
        "performer": [reference("Patient", record.participant_id)],
        "organization": [{"display": record.disclosing_party}],
        "policy": [{"authority": "https://www.ecfr.gov", "uri": PART_2_POLICY}],
        "provision": provision,
    }
    if record.signed_on:
        resource["dateTime"] = day(record.signed_on)
    # The purpose in the consent's own words (Part 2 asks for it as written, not as a code).
    purpose = record.purpose
    if record.expiry_event:
        purpose = f"{purpose} Ends when: {record.expiry_event}"
    resource["text"] = narrative([f"Purpose: {purpose}", f"Recipient: {record.recipient}"])
    return resource
