"""Checking a resource against the FHIR models of `fhir.resources`.

fhir.resources 8 models R4B (4.3.0), R5 and STU3, not R4 (4.0.1) itself; R4B changed nothing in
the resources Cairn sends (Patient, Encounter, CarePlan, Goal, Questionnaire,
QuestionnaireResponse, Observation, Consent, Bundle, OperationOutcome, CapabilityStatement), so
its models check our R4 output. Its releases that model R4 need pydantic 1, which the REST API's
pydantic 2 rules out.
"""

from typing import Any

from fhir.resources.R4B import get_fhir_model_class
from fhir_core.fhirabstractmodel import FHIRAbstractModel


def parsed(resource: dict[str, Any]) -> FHIRAbstractModel:
    """The resource as its fhir.resources model; raises pydantic's ValidationError if invalid."""
    model = get_fhir_model_class(resource["resourceType"])
    return model.model_validate(resource)


def round_trip(resource: dict[str, Any]) -> dict[str, Any]:
    """Validated, written out as JSON by the model and parsed again: what a receiver reads."""
    model = parsed(resource)
    again = type(model).model_validate_json(model.model_dump_json())
    result: dict[str, Any] = again.model_dump(mode="json", exclude_none=True)
    return result
