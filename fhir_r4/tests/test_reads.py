"""FHIR reads: Pat's resources for her coach, validated by fhir.resources, scoped by `visible_to`
and audited once per participant read."""

import json
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from audit.models import Action, AuditEvent
from cairn.demo import DemoWorld
from fhir_r4.codes import JSON
from fhir_r4.validation import parsed, round_trip
from participants.models import Participant

SEARCHES = ["Encounter", "CarePlan", "Goal", "QuestionnaireResponse", "Observation", "Consent"]
PART_2 = {
    ("http://terminology.hl7.org/CodeSystem/v3-ActCode", "42CFRPart2"),
    ("http://terminology.hl7.org/CodeSystem/v3-Confidentiality", "R"),
    ("http://terminology.hl7.org/CodeSystem/v3-ActCode", "NORDSCLCD"),
}


@pytest.fixture
def pat(demo: DemoWorld) -> Participant:
    return demo.users["ana"].caseload.get(preferred_name="Pat")


def _json(response: Any) -> dict[str, Any]:
    assert response["Content-Type"].startswith(JSON)
    body: dict[str, Any] = json.loads(response.content)
    return body


def _events_since(last: int) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(pk__gt=last).order_by("pk"))


def _last_event() -> int:
    return AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def test_metadata_is_a_valid_r4_capability_statement(client: Client) -> None:
    body = _json(client.get("/fhir/r4/metadata"))
    assert body["fhirVersion"] == "4.0.1"
    parsed(body)
    types = {r["type"] for r in body["rest"][0]["resource"]}
    assert {"Patient", "Questionnaire", *SEARCHES} <= types


def test_ana_reads_pat_as_a_valid_patient_with_part_2_labels(client_for, pat) -> None:
    ana = client_for("ana")
    last = _last_event()
    body = _json(ana.get(f"/fhir/r4/Patient/{pat.id}"))
    again = round_trip(body)
    assert again["id"] == str(pat.id)
    assert again["name"][0] == {"use": "usual", "text": "Pat"}
    assert {(c["system"], c["code"]) for c in again["meta"]["security"]} == PART_2
    events = _events_since(last)
    assert [(e.action, e.participant_id, e.actor_username) for e in events] == [
        (Action.VIEW, pat.id, "ana")
    ]


@pytest.mark.parametrize("resource_type", SEARCHES)
def test_each_search_by_patient_is_a_valid_searchset_of_labelled_resources(
    client_for, pat, resource_type: str
) -> None:
    ana = client_for("ana")
    last = _last_event()
    body = _json(ana.get(f"/fhir/r4/{resource_type}?patient={pat.id}"))
    bundle = round_trip(body)
    assert bundle["type"] == "searchset"
    assert [e.participant_id for e in _events_since(last)] == [pat.id]
    for entry in bundle.get("entry", []):
        resource = entry["resource"]
        assert resource["resourceType"] == resource_type
        assert {(c["system"], c["code"]) for c in resource["meta"]["security"]} == PART_2
        parsed(resource)


def test_pats_plan_comes_back_in_her_own_words(client_for, pat) -> None:
    goals = _json(client_for("ana").get(f"/fhir/r4/Goal?patient={pat.id}"))
    words = {e["resource"]["description"]["text"] for e in goals["entry"]}
    assert words == {g.in_my_words for g in pat.goals.filter(removed_at__isnull=True)}
    plan = _json(client_for("ana").get(f"/fhir/r4/CarePlan?patient={pat.id}"))
    assert {g["reference"] for g in plan["entry"][0]["resource"]["goal"]} == {
        f"Goal/{g['resource']['id']}" for g in goals["entry"]
    }


@pytest.mark.parametrize("persona", ["ben", "rio"])
def test_someone_outside_pats_care_gets_not_found(client_for, pat, persona: str) -> None:
    other = client_for(persona)
    last = _last_event()
    response = other.get(f"/fhir/r4/Patient/{pat.id}")
    assert response.status_code == 404
    body = _json(response)
    assert body["resourceType"] == "OperationOutcome"
    assert "Pat" not in response.content.decode()
    assert [e.action for e in _events_since(last)] == [Action.PERMISSION_DENIED]
    search = other.get(f"/fhir/r4/Encounter?patient={pat.id}")
    assert search.status_code == 404


def test_without_a_session_the_answer_is_401_operation_outcome(client: Client, pat) -> None:
    response = client.get(f"/fhir/r4/Patient/{pat.id}")
    assert response.status_code == 401
    assert _json(response)["issue"][0]["code"] == "login"


def test_questionnaire_barc10_is_built_from_the_instrument_file(client_for) -> None:
    body = _json(client_for("ana").get("/fhir/r4/Questionnaire/barc10"))
    parsed(body)
    assert [i["linkId"] for i in body["item"]] == [f"q{n}" for n in range(1, 11)]
    assert body["item"][0]["answerOption"][0]["valueCoding"]["display"] == "Strongly disagree"


def test_patient_search_pages_with_links_and_audits_each_person_returned(demo, client_for) -> None:
    mia = client_for("mia")
    last = _last_event()
    first = _json(mia.get("/fhir/r4/Patient?_count=5"))
    harbor = Participant.objects.visible_to(demo.users["mia"], demo.organizations["harbor"])
    assert first["total"] == harbor.count()
    assert len(first["entry"]) == 5
    links = {link["relation"]: link["url"] for link in first["link"]}
    assert "previous" not in links and "_offset=5" in links["next"]
    events = _events_since(last)
    assert {e.participant_id for e in events} == {
        Participant.objects.get(id=e["resource"]["id"]).id for e in first["entry"]
    }
    assert len(events) == 5
    second = _json(mia.get("/" + links["next"].split("://", 1)[1].split("/", 1)[1]))
    assert not {e["resource"]["id"] for e in second["entry"]} & {
        e["resource"]["id"] for e in first["entry"]
    }
    assert "previous" in {link["relation"] for link in second["link"]}


def test_patient_search_by_id_and_updated_since(client_for, pat) -> None:
    ana = client_for("ana")
    by_id = _json(ana.get(f"/fhir/r4/Patient?_id={pat.id}"))
    assert [e["resource"]["id"] for e in by_id["entry"]] == [str(pat.id)]
    later = (pat.updated_at + timedelta(days=1)).date().isoformat()
    assert _json(ana.get(f"/fhir/r4/Patient?_id={pat.id}&_lastUpdated=gt{later}"))["total"] == 0
    bad = ana.get("/fhir/r4/Patient?_lastUpdated=yesterday")
    assert bad.status_code == 400
    assert "_lastUpdated must be a date" in _json(bad)["issue"][0]["details"]["text"]


def test_a_search_without_a_patient_says_what_to_add(client_for) -> None:
    response = client_for("ana").get("/fhir/r4/Goal")
    assert response.status_code == 400
    assert _json(response)["issue"][0]["details"]["text"] == "Name the person: Goal?patient=<id>."


def test_a_barc10_total_is_an_observation_derived_from_its_response(client_for, pat) -> None:
    ana = client_for("ana")
    totals = _json(ana.get(f"/fhir/r4/Observation?patient={pat.id}"))
    responses = _json(ana.get(f"/fhir/r4/QuestionnaireResponse?patient={pat.id}"))
    assert totals["entry"], "the demo gives Pat BARC-10 totals"
    answered = {e["resource"]["id"]: e["resource"] for e in responses["entry"]}
    for entry in totals["entry"]:
        observation = entry["resource"]
        source = answered[observation["derivedFrom"][0]["reference"].split("/")[1]]
        assert source["questionnaire"].endswith("/Questionnaire/barc10|1.0")
        scores = [
            a["answer"][0]["valueCoding"]["extension"][0]["valueDecimal"] for a in source["item"]
        ]
        assert observation["valueInteger"] == sum(scores)


def test_a_patient_search_makes_the_same_queries_for_5_or_50_people(client_for) -> None:
    """The audit rows of a page are appended as one batch (on PostgreSQL by COPY, which the
    capture does not see; on SQLite by one INSERT): no query per person."""
    mia = client_for("mia")
    mia.get("/fhir/r4/Patient?_count=1")
    counts = []
    for size in (5, 50):
        with CaptureQueriesContext(connection) as queries:
            assert mia.get(f"/fhir/r4/Patient?_count={size}").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
