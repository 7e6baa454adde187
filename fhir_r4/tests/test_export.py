"""Bulk export: kick-off answers 202 with a status URL, the status gives the manifest, the files
are NDJSON of valid resources, only for the caller; started twice, one job."""

import json
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessments.models import BARC10, Assessment
from audit.models import Action, AuditEvent
from cairn.demo import DemoWorld
from encounters.models import Encounter, NoteState, ServiceType
from fhir_r4.access import FhirAccess
from fhir_r4.export import build_export
from fhir_r4.jobs import KIND
from fhir_r4.validation import round_trip
from jobs.models import Job, JobState
from organizations.models import Membership
from participants.models import Participant

KICKOFF = "/fhir/r4/Patient/$export"
ASYNC = {"Prefer": "respond-async"}


def _start(client: Client, query: str = "") -> Any:
    return client.get(KICKOFF + query, headers=ASYNC)


def _path(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def test_mia_exports_harbor_as_ndjson_files_that_validate(demo: DemoWorld, client_for) -> None:
    mia = client_for("mia")
    kickoff = _start(mia)
    assert kickoff.status_code == 202
    status = mia.get(_path(kickoff["Content-Location"]))
    assert status.status_code == 200
    manifest = json.loads(status.content)
    assert manifest["requiresAccessToken"] is True
    by_type = {f["type"]: f for f in manifest["output"]}
    assert set(by_type) == {
        "Patient",
        "Encounter",
        "CarePlan",
        "Goal",
        "QuestionnaireResponse",
        "Observation",
        "Consent",
    }
    patients = mia.get(_path(by_type["Patient"]["url"]))
    assert patients["Content-Type"] == "application/fhir+ndjson"
    lines = [json.loads(line) for line in patients.content.decode().splitlines()]
    harbor = Participant.objects.visible_to(demo.users["mia"], demo.organizations["harbor"])
    assert {p["id"] for p in lines} == {str(p.id) for p in harbor}
    assert len(lines) == by_type["Patient"]["count"]
    # Round trip: every exported resource validates, and parsed again keeps its key fields.
    for entry in by_type.values():
        for line in mia.get(_path(entry["url"])).content.decode().splitlines()[:20]:
            resource = json.loads(line)
            again = round_trip(resource)
            assert (again["resourceType"], again["id"]) == (entry["type"], resource["id"])
            assert again["meta"]["security"] == resource["meta"]["security"]
    exported = AuditEvent.objects.filter(action=Action.EXPORT, target_type="fhir.export")
    assert exported.count() == harbor.count()
    assert "Riverside" not in patients.content.decode()


def test_the_files_and_status_are_the_callers_alone(demo: DemoWorld, client_for) -> None:
    kickoff = _start(client_for("mia"))
    status = _path(kickoff["Content-Location"])
    for persona in ("sam", "rio"):
        assert client_for(persona).get(status).status_code == 404
    files = json.loads(client_for("mia").get(status).content)["output"]
    assert client_for("sam").get(_path(files[0]["url"])).status_code == 404


def test_started_twice_while_it_runs_gives_the_same_job(client_for, settings) -> None:
    settings.CAIRN_JOBS_SYNC = False
    settings.CAIRN_JOBS_MODE = "worker"  # queued and left waiting, as behind another job
    mia = client_for("mia")
    first, second = _start(mia), _start(mia)
    assert first["Content-Location"] == second["Content-Location"]
    assert Job.objects.filter(kind=KIND).count() == 1
    waiting = mia.get(_path(first["Content-Location"]))
    assert waiting.status_code == 202
    assert waiting["X-Progress"] == "waiting to start"
    other = _start(mia, "?_type=Patient")
    assert other.status_code == 429
    assert other["Content-Location"] == first["Content-Location"]


def test_a_stopped_export_says_so(client_for, settings) -> None:
    settings.CAIRN_JOBS_SYNC = False
    settings.CAIRN_JOBS_MODE = "worker"
    mia = client_for("mia")
    kickoff = _start(mia)
    Job.objects.filter(kind=KIND).update(
        state=JobState.FAILED, error="Your role no longer allows this export."
    )
    stopped = mia.get(_path(kickoff["Content-Location"]))
    assert stopped.status_code == 500
    text = json.loads(stopped.content)["issue"][0]["details"]["text"]
    assert text.startswith("The export stopped and exported nothing.")
    # A new kick-off starts a new job rather than returning the stopped one.
    assert _start(mia)["Content-Location"] != kickoff["Content-Location"]


@pytest.mark.parametrize(
    ("persona", "status"), [("ana", 403), ("max", 403), ("pat", 403), ("sam", 202)]
)
def test_bulk_export_is_for_supervisors_and_managers(client_for, persona, status) -> None:
    assert _start(client_for(persona)).status_code == status


def test_kickoff_without_respond_async_or_with_an_unknown_type_explains(client_for) -> None:
    mia = client_for("mia")
    plain = mia.get(KICKOFF)
    assert plain.status_code == 400
    assert "Prefer: respond-async" in json.loads(plain.content)["issue"][0]["details"]["text"]
    unknown = _start(mia, "?_type=Medication")
    assert unknown.status_code == 400
    assert not Job.objects.filter(kind=KIND).exists()


def _exported(client: Client, resource_type: str) -> list[dict[str, Any]]:
    status = client.get(_path(_start(client)["Content-Location"]))
    files = {f["type"]: f["url"] for f in json.loads(status.content)["output"]}
    lines = client.get(_path(files[resource_type])).content.decode().splitlines()
    return [json.loads(line) for line in lines]


def _searched(client: Client, resource_type: str, participant: Participant) -> list[Any]:
    bundle = json.loads(client.get(f"/fhir/r4/{resource_type}?patient={participant.id}").content)
    return [e["resource"] for e in bundle["entry"] if e["search"]["mode"] == "match"]


def test_the_export_holds_each_contact_as_reading_it_gives_it_and_each_validates(
    demo: DemoWorld, client_for
) -> None:
    # The export builds Encounters from plain rows, a read from the contact itself: the same
    # resources, field for field, signer, service, length and note text included.
    mia = client_for("mia")
    exported = _exported(mia, "Encounter")
    for resource in exported:
        round_trip(resource)
    pat = demo.users["ana"].caseload.get(preferred_name="Pat")
    pats = [r for r in exported if r["subject"]["reference"] == f"Patient/{pat.id}"]
    assert pats == _searched(mia, "Encounter", pat)
    assert {"participant", "serviceType", "length", "text"} <= {k for r in pats for k in r}
    kinds = {r["type"][0]["coding"][0]["code"] for r in exported}
    assert len(kinds) > 1


def _export_queries(mia: Membership) -> tuple[int, int]:
    """The queries of a whole export by Mia, and the Encounters it held."""
    with CaptureQueriesContext(connection) as captured:
        _content, counts, _people = build_export(
            FhirAccess(membership=mia), types=["Encounter"], progress=lambda done, total: None
        )
    return len(captured.captured_queries), counts["Encounter"]


def test_the_export_makes_the_same_queries_with_four_times_the_contacts_and_more_signers(
    demo: DemoWorld,
) -> None:
    # Contacts are read as rows and their signers' names once per batch: more contacts, more
    # signers and more recorders of assessments add rows, never queries.
    harbor = demo.organizations["harbor"]
    mia = Membership.objects.select_related("user", "organization").get(
        organization=harbor, user=demo.users["mia"]
    )
    _export_queries(mia)  # the first asks who Mia is in Harbor; later ones know
    queries, contacts = _export_queries(mia)
    service = ServiceType.objects.create(organization=harbor, name="Export test service")
    signers = [demo.users[name] for name in ("ana", "sam", "mia")]
    people = list(Participant.objects.filter(organization=harbor))
    now = timezone.now()
    added = 0
    for person in people:
        for n in range(3 * contacts // len(people) + 1):
            signer = signers[n % len(signers)]
            Encounter.objects.create(
                organization=harbor,
                participant=person,
                author=signer,
                contact_type="phone",
                started_at=now,
                occurred_on=now.date(),
                duration_minutes=20,
                service_type=service,
                summary=f"Talked through week {n}",
                state=NoteState.SIGNED,
                signed_at=now,
                signed_by=signer,
                signer_credentials="CPRS",
            )
            added += 1
        Assessment.objects.create(
            organization=harbor,
            participant=person,
            instrument=BARC10,
            instrument_version="1",
            administered_on=now.date(),
            recorded_by=signers[len(people) % len(signers)],
            total=40,
            is_complete=True,
            answered=10,
            item_count=10,
        )
    again, more = _export_queries(mia)
    assert more == contacts + added and more >= 4 * contacts
    assert again == queries
