"""The CapabilityStatement at /fhir/r4/metadata: what this server answers, read from its URLs."""

from django.utils import timezone

from fhir_r4.builders import Resource
from fhir_r4.codes import FHIR_VERSION, JSON, NDJSON

BY_PATIENT = ("Encounter", "CarePlan", "Goal", "QuestionnaireResponse", "Observation", "Consent")


def capability_statement(*, base_url: str) -> Resource:
    def by_patient(name: str) -> dict[str, object]:
        return {
            "type": name,
            "interaction": [{"code": "search-type"}],
            "searchParam": [
                {"name": "patient", "type": "reference", "documentation": "Required."},
                {"name": "_count", "type": "number"},
                {"name": "_offset", "type": "number"},
            ],
        }

    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": timezone.localdate().isoformat(),
        "publisher": "Cairn",
        "kind": "instance",
        "software": {"name": "Cairn"},
        "implementation": {"description": "Cairn FHIR R4 server", "url": base_url},
        "fhirVersion": FHIR_VERSION,
        "format": [JSON],
        "rest": [
            {
                "mode": "server",
                "documentation": (
                    "Participant data is 42 CFR Part 2 data: each resource carries its security "
                    "labels, and what goes to an outside recipient needs the participant's "
                    "consent and carries the redisclosure notice."
                ),
                "security": {
                    "description": "A staff member's signed-in session; API tokens to follow."
                },
                "resource": [
                    {
                        "type": "Patient",
                        "interaction": [{"code": "read"}, {"code": "search-type"}],
                        "searchParam": [
                            {"name": "_id", "type": "token"},
                            {"name": "_lastUpdated", "type": "date"},
                            {"name": "_count", "type": "number"},
                            {"name": "_offset", "type": "number"},
                        ],
                        "operation": [
                            {
                                "name": "export",
                                "definition": (
                                    "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/"
                                    "patient-export"
                                ),
                                "documentation": f"Bulk export as {NDJSON}, one file per type.",
                            }
                        ],
                    },
                    *[by_patient(name) for name in BY_PATIENT],
                    {"type": "Questionnaire", "interaction": [{"code": "read"}]},
                ],
            }
        ],
    }
