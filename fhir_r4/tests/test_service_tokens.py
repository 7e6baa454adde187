"""FHIR for another system's service token: the state data warehouse finds Pat (who consents)
and not Luz, is answered an OperationOutcome saying why it may not read Luz, every resource it
gets carries the redisclosure notice, and its bulk export holds only consented people, each
accounted in their disclosures."""

import json
from typing import Any

from django.test import Client

from api.models import TokenKind
from api.services import revoke_token
from api.tests.support import (  # noqa: F401 - the *_fixture names are fixtures
    WAREHOUSE,
    consent_to,
    get,
    luz_fixture,
    make_token,
    member,
    pat_fixture,
)
from cairn.demo import DemoWorld
from consent.models import Channel, Disclosure
from consent.services import revoke_consent
from fhir_r4.validation import parsed
from participants.models import Participant

EVERY_READ = ["participants:read", "contacts:read", "plans:read", "assessments:read"]
NOTICE_URL = "StructureDefinition/redisclosure-notice"


def _body(response: Any) -> dict[str, Any]:
    body: dict[str, Any] = json.loads(response.content)
    return body


def _notice(resource: dict[str, Any]) -> str:
    extensions = resource["meta"].get("extension", [])
    return next((e["valueString"] for e in extensions if e["url"].endswith(NOTICE_URL)), "")


def test_patient_search_holds_pat_who_consents_and_not_luz(
    demo: DemoWorld, pat: Participant, luz: Participant
) -> None:
    consent_to(pat, categories=["contact"])
    secret, _token = make_token(scopes=EVERY_READ)
    response = get(secret, "/fhir/r4/Patient?_count=200")
    assert response.status_code == 200
    bundle = _body(response)
    patients = [e["resource"] for e in bundle["entry"] if e["search"]["mode"] == "match"]
    assert [p["id"] for p in patients] == [str(pat.id)] and bundle["total"] == 1
    parsed(patients[0])
    assert "42 CFR part 2" in _notice(patients[0])
    notices = [e for e in bundle["entry"] if e["search"]["mode"] == "outcome"]
    assert len(notices) == 1
    entry = Disclosure.objects.get(participant=pat)
    assert (entry.recipient, entry.channel, entry.categories) == (
        WAREHOUSE,
        Channel.API,
        ["contact"],
    )
    assert not Disclosure.objects.filter(participant=luz).exists()


def test_reading_luz_answers_an_operation_outcome_saying_why(
    demo: DemoWorld, luz: Participant
) -> None:
    secret, _token = make_token(scopes=EVERY_READ)
    for url in (f"/fhir/r4/Patient/{luz.id}", f"/fhir/r4/CarePlan?patient={luz.id}"):
        response = get(secret, url)
        assert response.status_code == 403
        body = _body(response)
        assert body["resourceType"] == "OperationOutcome"
        issue = body["issue"][0]
        assert issue["code"] == "forbidden"
        text = issue["details"]["text"]
        assert "No active consent from this participant covers sharing" in text
        assert "with State data warehouse for Program evaluation" in text
        assert luz.preferred_name not in response.content.decode()
    assert not Disclosure.objects.filter(participant=luz).exists()


def test_reading_pat_is_one_entry_a_day_and_a_revoked_consent_stops_the_next_read(
    demo: DemoWorld, pat: Participant
) -> None:
    consent = consent_to(pat, categories=["contact", "plans"])
    secret, _token = make_token(scopes=EVERY_READ)
    for _ in range(2):
        read = get(secret, f"/fhir/r4/Patient/{pat.id}")
        assert read.status_code == 200 and "42 CFR part 2" in _notice(_body(read))
    goals = get(secret, f"/fhir/r4/Goal?patient={pat.id}")
    assert goals.status_code == 200
    entries = {tuple(d.categories): d.reads for d in Disclosure.objects.filter(participant=pat)}
    assert entries == {("contact",): 2, ("plans",): 1}
    revoke_consent(acting=member(demo, "ana"), consent=consent, note="")
    assert get(secret, f"/fhir/r4/Patient/{pat.id}").status_code == 403
    assert _body(get(secret, "/fhir/r4/Patient"))["total"] == 0


def test_a_personal_token_reads_fhir_as_before_without_disclosing(
    demo: DemoWorld, pat: Participant
) -> None:
    secret, _token = make_token(kind=TokenKind.PERSONAL, person="ana", scopes=EVERY_READ)
    read = get(secret, f"/fhir/r4/Patient/{pat.id}")
    assert read.status_code == 200 and _notice(_body(read)) == ""
    assert not Disclosure.objects.filter(participant=pat).exists()


def _export(secret: str, query: str = "") -> Any:
    return Client().get(
        f"/fhir/r4/Patient/$export{query}",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
        HTTP_PREFER="respond-async",
    )


def _path(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def test_the_warehouse_exports_only_consented_people_and_each_is_accounted(
    demo: DemoWorld, pat: Participant, luz: Participant
) -> None:
    consent_to(pat, categories=["contact", "plans"])
    secret, _token = make_token(scopes=EVERY_READ)
    kickoff = _export(secret)
    assert kickoff.status_code == 202
    status = get(secret, _path(kickoff["Content-Location"]))
    assert status.status_code == 200
    files = {f["type"]: f for f in _body(status)["output"]}
    # The types its scopes read (consents:read is not among them).
    assert set(files) == {
        "Patient",
        "Encounter",
        "CarePlan",
        "Goal",
        "QuestionnaireResponse",
        "Observation",
    }
    lines = get(secret, _path(files["Patient"]["url"])).content.decode().splitlines()
    patients = [json.loads(line) for line in lines]
    assert [p["id"] for p in patients] == [str(pat.id)]
    assert "42 CFR part 2" in _notice(patients[0])
    # No consent covers her contacts or assessments: none of them leave.
    assert files["Encounter"]["count"] == 0 and files["QuestionnaireResponse"]["count"] == 0
    goals = get(secret, _path(files["Goal"]["url"])).content.decode().splitlines()
    assert goals and all(str(pat.id) in line for line in goals)
    shared = Disclosure.objects.filter(participant=pat, channel=Channel.API)
    assert [sorted(d.categories) for d in shared] == [["contact", "plans"]]
    assert not Disclosure.objects.filter(participant=luz).exists()


def _exported(secret: str, resource_type: str) -> list[dict[str, Any]]:
    status = get(secret, _path(_export(secret)["Content-Location"]))
    files = {f["type"]: f["url"] for f in _body(status)["output"]}
    lines = get(secret, _path(files[resource_type])).content.decode().splitlines()
    return [json.loads(line) for line in lines]


def test_the_warehouse_exports_contact_notes_only_under_a_consent_that_covers_them(
    demo: DemoWorld, pat: Participant
) -> None:
    consent_to(pat, categories=["attendance"])
    secret, _token = make_token(scopes=EVERY_READ)
    without = _exported(secret, "Encounter")
    assert without and all("text" not in contact for contact in without)
    assert all("42 CFR part 2" in _notice(contact) for contact in without)
    consent_to(pat, categories=["attendance", "notes"])
    noted = _exported(secret, "Encounter")
    assert [c["id"] for c in noted] == [c["id"] for c in without]
    assert any("text" in contact for contact in noted)
    for contact in noted:
        parsed(contact)


def test_an_export_for_a_type_the_token_may_not_read_is_refused(demo: DemoWorld) -> None:
    secret, _token = make_token(scopes=["participants:read"])
    response = _export(secret, "?_type=Patient,Encounter")
    assert response.status_code == 403
    assert "may not read Encounter" in _body(response)["issue"][0]["details"]["text"]


def test_a_token_revoked_before_its_export_runs_exports_nothing(
    demo: DemoWorld, pat: Participant, settings: Any
) -> None:
    from jobs.models import Job, JobState
    from jobs.runner import run

    consent_to(pat)
    secret, token = make_token(scopes=EVERY_READ)
    settings.CAIRN_JOBS_SYNC = False  # queued, as for the worker
    kickoff = _export(secret)
    assert kickoff.status_code == 202
    revoke_token(acting=member(demo, "max"), token=token)
    job = Job.objects.get(requested_by=token.membership.user)
    run(job.id)
    job.refresh_from_db()
    assert job.state == JobState.FAILED and not job.result
    assert not Disclosure.objects.filter(participant=pat).exists()
