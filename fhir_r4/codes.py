"""The code systems Cairn's FHIR resources use: published ones where a code exists, and Cairn's
own (under CAIRN_FHIR_CANONICAL) for what only Cairn defines."""

from typing import Any

from django.conf import settings

FHIR_VERSION = "4.0.1"
JSON = "application/fhir+json"
NDJSON = "application/fhir+ndjson"

# Published systems.
LOINC = "http://loinc.org"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
CONFIDENTIALITY = "http://terminology.hl7.org/CodeSystem/v3-Confidentiality"
PURPOSE_OF_USE = "http://terminology.hl7.org/CodeSystem/v3-PurposeOfUse"
PARTICIPATION = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
CONSENT_SCOPE = "http://terminology.hl7.org/CodeSystem/consentscope"
GOAL_ACHIEVEMENT = "http://terminology.hl7.org/CodeSystem/goal-achievement"
ORDINAL_VALUE = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
PART_2_POLICY = "https://www.ecfr.gov/current/title-42/chapter-I/subchapter-A/part-2"


def canonical(path: str) -> str:
    """A URL under Cairn's canonical base, e.g. canonical("CodeSystem/contact-type")."""
    base: str = settings.CAIRN_FHIR_CANONICAL
    return f"{base.rstrip('/')}/{path}"


def cairn_system(name: str) -> str:
    return canonical(f"CodeSystem/{name}")


def coding(system: str, code: str, display: str = "") -> dict[str, Any]:
    value = {"system": system, "code": code}
    if display:
        value["display"] = display
    return value


def concept(system: str, code: str, display: str) -> dict[str, Any]:
    return {"coding": [coding(system, code, display)], "text": display}


# 42 CFR Part 2's restriction, as security labels on every resource that carries participant
# data: the law it comes under, the confidentiality level, and the refrain (no redisclosure
# without the person's consent).
PART_2_LABELS = (
    coding(ACT_CODE, "42CFRPart2", "42 CFR Part2"),
    coding(CONFIDENTIALITY, "R", "restricted"),
    coding(ACT_CODE, "NORDSCLCD", "no redisclosure without consent directive"),
)

# A single consent for treatment, payment and health care operations names all three purposes.
TPO_PURPOSES = (
    coding(PURPOSE_OF_USE, "TREAT", "treatment"),
    coding(PURPOSE_OF_USE, "HPAYMT", "healthcare payment"),
    coding(PURPOSE_OF_USE, "HOPERAT", "healthcare operations"),
)
