"""What a token sees: the same scope as its member's pages (Harbor's token never lists
Riverside's people; ana's personal token lists only her caseload), 404 outside it, one audit
event per read, cursor pages that cannot be edited, and a retried write that makes one note."""

import json
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from api.models import ApiToken, TokenKind
from api.services import UnknownScope, WriteScopeRefused, create_token
from api.tests.support import READ_ALL, consent_everyone, get, list_reads, make_token, member
from audit.models import Action, AuditEvent
from cairn.demo import DemoWorld
from consent.models import Consent
from directory.models import ResourceOrganization, Service
from encounters.models import Encounter
from participants.models import Participant


def _all_ids(secret: str, url: str, limit: int = 5) -> list[str]:
    ids: list[str] = []
    cursor = ""
    while True:
        page = get(secret, f"{url}?limit={limit}" + (f"&cursor={cursor}" if cursor else ""))
        assert page.status_code == 200, page.content
        body = page.json()
        ids += [row["id"] for row in body["items"]]
        cursor = body["next_cursor"]
        if not cursor:
            return ids


def _events_since(last: int) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(pk__gt=last).order_by("pk"))


def _last() -> int:
    return AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def test_harbors_token_lists_harbors_participants_and_never_riversides(demo: DemoWorld) -> None:
    # Everyone in both organizations consents to the warehouse: scoping alone keeps Riverside out.
    consent_everyone("harbor")
    consent_everyone("riverside")
    secret, _token = make_token()
    ids = _all_ids(secret, "/api/v1/participants")
    harbor = Participant.objects.filter(
        organization__slug="harbor", merged_into__isnull=True
    ).values_list("id", flat=True)
    assert sorted(ids) == sorted(str(i) for i in harbor)
    assert len(ids) == len(set(ids))  # no row twice across pages
    riverside = Participant.objects.filter(organization__slug="riverside")
    assert riverside.exists()
    assert not {str(p.id) for p in riverside} & set(ids)


def test_anas_personal_token_lists_only_her_caseload(demo: DemoWorld) -> None:
    secret, _token = make_token(kind=TokenKind.PERSONAL, person="ana", scopes=["participants:read"])
    ids = set(_all_ids(secret, "/api/v1/participants"))
    ana = demo.users["ana"]
    caseload = Participant.objects.visible_to(ana, demo.organizations["harbor"])
    assert ids == {str(p.id) for p in caseload}
    assert "Pat" in {p.preferred_name for p in caseload}
    bens = Participant.objects.filter(coach=demo.users["ben"]).exclude(secondary_coach=ana)
    assert bens.exists() and not ids & {str(p.id) for p in bens}


def test_an_answer_writes_ids_codes_dates_and_moments_as_the_schema_says(demo: DemoWorld) -> None:
    """The encoder (orjson, with Django's format for moments): ids as strings, codes as their
    values, dates as ISO dates, moments to the millisecond with Z for UTC, and words outside
    ASCII as they are."""
    pat = Participant.objects.get(preferred_name="Pat")
    Participant.objects.filter(id=pat.id).update(
        pronouns="elle/él", updated_at=timezone.now().replace(microsecond=123456)
    )
    secret, _token = make_token(kind=TokenKind.PERSONAL, person="ana", scopes=["participants:read"])
    response = get(secret, f"/api/v1/participants/{pat.id}")
    assert response["Content-Type"] == "application/json; charset=utf-8"
    answer = json.loads(response.content)
    assert answer["id"] == str(pat.id) and answer["status"] == pat.status
    assert answer["enrolled_on"] == pat.enrolled_on.isoformat()
    assert answer["updated_at"].endswith(".123Z")
    assert answer["pronouns"] == "elle/él" and "elle/él".encode() in response.content


def test_a_listed_participant_reads_as_the_same_participant_read_alone(demo: DemoWorld) -> None:
    """A page is read as rows of values and one person as a model: the answers are the same,
    the coach's name included, and a person with no coach has none."""
    Participant.objects.filter(preferred_name="Pat").update(coach=None)
    consent_everyone("harbor")
    secret, _token = make_token()  # Harbor's warehouse: every consenting person, coach or none
    listed = json.loads(get(secret, "/api/v1/participants?limit=100").content)["items"]
    assert len(listed) > 3
    for item in listed:
        alone = json.loads(get(secret, f"/api/v1/participants/{item['id']}").content)
        assert alone == item
    coaches = {item["preferred_name"]: item["coach"] for item in listed}
    assert coaches["Pat"] is None
    ana = demo.users["ana"]
    assert {"id": str(ana.public_id), "name": ana.display_name} in coaches.values()


def test_another_organizations_participant_is_not_found_and_the_refusal_is_audited(
    demo: DemoWorld,
) -> None:
    secret, token = make_token()
    river = Participant.objects.filter(organization__slug="riverside").first()
    assert river is not None
    last = _last()
    response = get(secret, f"/api/v1/participants/{river.id}")
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"
    assert river.preferred_name not in response.content.decode()
    events = _events_since(last)
    assert [(e.action, e.target_id, e.actor_id) for e in events] == [
        (Action.PERMISSION_DENIED, str(river.id), token.membership.user_id)
    ]


def test_reading_a_participant_writes_one_view_event_naming_them(demo: DemoWorld) -> None:
    secret, _token = make_token(kind=TokenKind.PERSONAL, person="ana", scopes=["participants:read"])
    pat = Participant.objects.get(user=demo.users["pat"])
    last = _last()
    response = get(secret, f"/api/v1/participants/{pat.id}")
    assert response.status_code == 200
    assert response.json()["preferred_name"] == "Pat"
    events = _events_since(last)
    assert [(e.action, e.participant_id, e.actor_id) for e in events] == [
        (Action.VIEW, pat.id, demo.users["ana"].pk)
    ]


def test_a_list_page_writes_one_view_event_naming_the_list(demo: DemoWorld) -> None:
    secret, token = make_token()
    last = _last()
    assert get(secret, "/api/v1/participants?limit=3").status_code == 200
    events = _events_since(last)
    assert [(e.action, e.target_type, e.participant_id) for e in events] == [
        (Action.VIEW, "api.participants", None)
    ]
    # The service account is named in the trail, as anyone else would be.
    assert events[0].actor_id == token.membership.user_id


def test_the_directory_is_not_participant_data_and_writes_no_view_event(demo: DemoWorld) -> None:
    secret, _token = make_token(scopes=["directory:read"])
    last = _last()
    assert get(secret, "/api/v1/directory/listings").status_code == 200
    assert _events_since(last) == []


@pytest.mark.parametrize(
    "cursor",
    ["garbage", "eyJ2IjoiMjAyNi0wMS0wMSJ9:tampered:sig"],
)
def test_a_tampered_cursor_is_refused_with_what_to_do(demo: DemoWorld, cursor: str) -> None:
    secret, _token = make_token()
    response = get(secret, f"/api/v1/participants?cursor={cursor}")
    assert response.status_code == 400
    body = response.json()
    assert (body["error"], body["parameter"]) == ("bad_parameter", "cursor")
    assert "next_cursor" in body["detail"]


def test_an_edited_cursor_or_one_from_another_list_is_refused(demo: DemoWorld) -> None:
    consent_everyone()
    secret, _token = make_token()
    cursor = get(secret, "/api/v1/participants?limit=2").json()["next_cursor"]
    assert cursor
    edited = cursor[:-2] + ("AA" if not cursor.endswith("AA") else "BB")
    assert get(secret, f"/api/v1/participants?cursor={edited}").status_code == 400
    assert get(secret, f"/api/v1/contacts?cursor={cursor}").status_code == 400
    assert get(secret, f"/api/v1/participants?cursor={cursor}").status_code == 200


def test_updated_since_lists_what_changed_and_a_bad_value_names_the_parameter(
    demo: DemoWorld,
) -> None:
    consent_everyone()
    secret, _token = make_token()
    pat = Participant.objects.get(user=demo.users["pat"])
    future = timezone.now() + timedelta(days=1)
    Participant.objects.filter(pk=pat.pk).update(updated_at=future)
    since = (future - timedelta(minutes=1)).isoformat().replace("+00:00", "Z")
    response = get(secret, f"/api/v1/participants?updated_since={since}")
    assert [row["id"] for row in response.json()["items"]] == [str(pat.id)]
    bad = get(secret, "/api/v1/participants?updated_since=last-tuesday")
    assert bad.status_code == 400
    assert bad.json()["parameter"] == "updated_since"
    assert "ISO 8601" in bad.json()["detail"]


def _post(secret: str, body: object, key: str | None = "retry-key-0001") -> Any:
    headers = {"Authorization": f"Bearer {secret}"}
    if key is not None:
        headers["Idempotency-Key"] = key
    return Client().post(
        "/api/v1/contacts", data=json.dumps(body), content_type="application/json", headers=headers
    )


def _contact(pat: Participant) -> dict[str, object]:
    return {
        "participant_id": str(pat.id),
        "contact_type": "phone",
        "started_at": (timezone.now() - timedelta(hours=1)).isoformat(),
        "duration_minutes": 15,
        "summary": "Talked about the housing appointment.",
    }


def test_a_retried_create_makes_one_contact(demo: DemoWorld) -> None:
    secret, _token = make_token(
        kind=TokenKind.PERSONAL, person="ana", scopes=["contacts:write", "contacts:read"]
    )
    pat = Participant.objects.get(user=demo.users["pat"])
    before = Encounter.objects.filter(participant=pat).count()
    first = _post(secret, _contact(pat))
    again = _post(secret, _contact(pat))
    assert first.status_code == 201, first.content
    assert again.status_code == 200
    assert first.json()["id"] == again.json()["id"]
    assert Encounter.objects.filter(participant=pat).count() == before + 1
    note = Encounter.objects.get(pk=first.json()["id"])
    assert (note.author, note.summary, note.state) == (
        demo.users["ana"],
        "Talked about the housing appointment.",
        "draft",
    )
    created = AuditEvent.objects.filter(action=Action.CREATE, target_id=str(note.id))
    assert created.count() == 1


def test_a_create_without_an_idempotency_key_or_with_wrong_types_is_refused(
    demo: DemoWorld,
) -> None:
    secret, _token = make_token(kind=TokenKind.PERSONAL, person="ana", scopes=["contacts:write"])
    pat = Participant.objects.get(user=demo.users["pat"])
    before = Encounter.objects.count()
    missing = _post(secret, _contact(pat), key=None)
    assert missing.status_code == 400
    wrong = _post(secret, {**_contact(pat), "duration_minutes": "a while", "contact_type": "fax"})
    assert wrong.status_code == 400
    fields = {e["parameter"] for e in wrong.json()["errors"]}
    assert fields == {"duration_minutes", "contact_type"}
    assert "a while" not in wrong.content.decode()
    assert Encounter.objects.count() == before


def test_writing_for_someone_outside_the_caseload_is_not_found(demo: DemoWorld) -> None:
    secret, _token = make_token(kind=TokenKind.PERSONAL, person="ben", scopes=["contacts:write"])
    pat = Participant.objects.get(user=demo.users["pat"])
    before = Encounter.objects.count()
    assert _post(secret, _contact(pat)).status_code == 404
    assert Encounter.objects.count() == before


def test_a_manager_token_cannot_write_contacts_and_a_service_token_cannot_be_made_to(
    demo: DemoWorld,
) -> None:
    secret, token = make_token(
        approver=None, kind=TokenKind.PERSONAL, person="mia", scopes=["contacts:write"]
    )
    # Harbor has one manager and one administrator: a token for the manager, made by the
    # administrator, has no second person left in the demo to approve it; mark it approved.
    ApiToken.objects.filter(pk=token.pk).update(approved_at=timezone.now())
    pat = Participant.objects.get(user=demo.users["pat"])
    response = _post(secret, _contact(pat))
    assert response.status_code == 403
    assert response.json()["error"] == "role_cannot_write"
    with pytest.raises(WriteScopeRefused):
        create_token(
            acting=member(demo, "max"),
            kind=TokenKind.SERVICE,
            name="Warehouse",
            scopes=["contacts:write"],
            expires_on_days=30,
        )


def test_a_scope_no_operation_checks_is_never_granted(demo: DemoWorld) -> None:
    with pytest.raises(UnknownScope):
        create_token(
            acting=member(demo, "max"),
            kind=TokenKind.PERSONAL,
            person=member(demo, "ana"),
            name="Ana's plans",
            scopes=["plans:read", "plans:write"],
            expires_on_days=30,
        )
    assert not ApiToken.objects.filter(name="Ana's plans").exists()


def test_consents_and_contacts_read_in_scope_and_not_beyond(demo: DemoWorld) -> None:
    secret, _token = make_token(kind=TokenKind.PERSONAL, person="ben", scopes=READ_ALL)
    pat = Participant.objects.get(user=demo.users["pat"])
    consent = Consent.objects.filter(participant=pat).first() or Consent.objects.create(
        organization=pat.organization,
        participant=pat,
        disclosing_party="Harbor",
        categories=["attendance"],
        recipient="Clinic",
        purpose="care",
        signed_on="2026-01-01",
        signature_method="typed",
        signature="Pat",
        created_by=demo.users["ana"],
    )
    note = Encounter.objects.filter(participant=pat).first()
    assert note is not None
    assert get(secret, f"/api/v1/consents/{consent.id}").status_code == 404
    assert get(secret, f"/api/v1/contacts/{note.id}").status_code == 404
    assert str(consent.id) not in _all_ids(secret, "/api/v1/consents", 50)
    ana_secret, _ = make_token(kind=TokenKind.PERSONAL, person="ana", scopes=READ_ALL)
    seen = get(ana_secret, f"/api/v1/consents/{consent.id}")
    assert seen.status_code == 200 and seen.json()["recipient"] == consent.recipient
    assert get(ana_secret, f"/api/v1/contacts/{note.id}").json()["participant_id"] == str(pat.id)


def test_another_organizations_listing_is_not_found(demo: DemoWorld) -> None:
    riverside = demo.organizations["riverside"]
    provider = ResourceOrganization.objects.create(organization=riverside, name="River pantry")
    listing = Service.objects.create(
        organization=riverside, provider=provider, name="River pantry", need="food"
    )
    secret, _token = make_token(scopes=["directory:read"])
    assert get(secret, f"/api/v1/directory/listings/{listing.id}").status_code == 404
    assert str(listing.id) not in _all_ids(secret, "/api/v1/directory/listings", 50)


def test_a_list_page_makes_the_same_queries_with_four_times_the_rows(demo: DemoWorld) -> None:
    consent_everyone()
    secret, _token = make_token()
    harbor = demo.organizations["harbor"]

    def queries(limit: int) -> int:
        return list_reads(secret, "/api/v1/participants", limit)

    assert Participant.objects.filter(organization=harbor).count() >= 8
    # The first request also looks up what later ones find cached, and accounts the people on
    # these pages (their day's entry is then counted up, not made).
    queries(8)
    assert queries(2) == queries(8)
