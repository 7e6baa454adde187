"""A service token shares with the recipient it names: the state data warehouse's token lists
Pat (who consents) and not Luz (who does not), is told why it may not read Luz, and each read of
Pat is accounted in her disclosures, where she and her coach see it. Personal tokens are the
organization's own use and disclose nothing."""

from unittest import mock

from django.test import Client
from django.urls import reverse

from api.disclosure import NOTICE_HEADER
from api.models import ApiToken, TokenKind
from api.tests.support import (  # noqa: F401 - the *_fixture names are fixtures
    EVALUATION,
    READ_ALL,
    WAREHOUSE,
    consent_to,
    get,
    luz_fixture,
    make_token,
    member,
    pat_fixture,
)
from audit.models import Action, AuditEvent
from cairn.demo import DemoWorld
from cairn.tests.html_parts import elements
from consent.models import Channel, Disclosure
from consent.services import revoke_consent
from encounters.models import Encounter
from lib import crypto
from lib.blind_index import keyed_hash
from participants.models import Participant


def text_of(content: bytes) -> str:
    """The page's main text, as a person reads it."""
    return " ".join(e.text for e in elements(content.decode(), "main"))


def _ids(secret: str, url: str) -> set[str]:
    found: set[str] = set()
    cursor = ""
    while True:
        body = get(secret, f"{url}?limit=100{cursor}").json()
        found |= {row["id"] for row in body["items"]}
        if not body["next_cursor"]:
            return found
        cursor = f"&cursor={body['next_cursor']}"


def test_the_warehouse_lists_pat_who_consents_and_not_luz(
    demo: DemoWorld, pat: Participant, luz: Participant
) -> None:
    consent_to(pat)
    secret, _token = make_token()
    assert _ids(secret, "/api/v1/participants") == {str(pat.id)}
    # Lists are accounted too: Pat's list read is her one entry of the day.
    entry = Disclosure.objects.get(participant=pat)
    assert (entry.recipient, entry.channel, entry.categories) == (
        WAREHOUSE,
        Channel.API,
        ["contact"],
    )
    assert not Disclosure.objects.filter(participant=luz).exists()


def test_reading_luz_without_her_consent_is_refused_with_the_reason_and_nothing_shared(
    demo: DemoWorld, luz: Participant
) -> None:
    secret, _token = make_token()
    before = AuditEvent.objects.count()
    response = get(secret, f"/api/v1/participants/{luz.id}")
    assert response.status_code == 403
    body = response.json()
    assert body["error"] == "no_consent"
    assert body["detail"] == (
        "No active consent from this participant covers sharing contact information with "
        "State data warehouse for Program evaluation. Nothing was shared."
    )
    assert "Luz" not in response.content.decode()
    assert NOTICE_HEADER not in response
    assert not Disclosure.objects.filter(participant=luz).exists()
    # Nothing shown, so no view event either.
    assert not AuditEvent.objects.filter(pk__gt=before, participant_id=luz.id).exists()


def test_someone_outside_the_organization_stays_not_found(demo: DemoWorld) -> None:
    river = Participant.objects.filter(organization__slug="riverside").first()
    assert river is not None
    consent_to(river)  # even with a consent to the warehouse, Riverside's records are not Harbor's
    secret, _token = make_token()
    response = get(secret, f"/api/v1/participants/{river.id}")
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


def test_reading_pat_writes_one_entry_a_day_counting_reads_with_the_notice(
    demo: DemoWorld, pat: Participant
) -> None:
    consent = consent_to(pat)
    secret, token = make_token()
    for _ in range(2):
        response = get(secret, f"/api/v1/participants/{pat.id}")
        assert response.status_code == 200
        assert response.json()["preferred_name"] == "Pat"
        assert "42 CFR part 2" in response[NOTICE_HEADER]
        assert response[NOTICE_HEADER].startswith(
            "Notice to the person receiving this information: This information comes from"
        )
        assert ">" not in response[NOTICE_HEADER]
    entry = Disclosure.objects.get(participant=pat)
    assert (entry.consent_id, entry.reads, entry.disclosed_by_id) == (
        consent.id,
        2,
        token.membership.user_id,
    )
    # Each read is its own audit event: two exports naming the entry.
    exports = AuditEvent.objects.filter(
        participant_id=pat.id, action=Action.EXPORT, target_id=str(entry.id)
    )
    assert exports.count() == 2


def test_pat_and_her_coach_see_the_warehouse_in_her_disclosures(
    demo: DemoWorld, pat: Participant, client_for
) -> None:
    consent_to(pat)
    secret, _token = make_token()
    for _ in range(3):
        assert get(secret, f"/api/v1/participants/{pat.id}").status_code == 200
    mine = text_of(client_for("pat").get(reverse("portal:record")).content)
    assert "shared with State data warehouse" in mine
    assert "their system read it 3 times that day" in mine
    coach = text_of(client_for("ana").get(reverse("consent:participant", args=[pat.id])).content)
    assert "State data warehouse" in coach
    assert "Read by their system through the API, 3 times that day" in coach
    csv = client_for("pat").get(reverse("portal:accounting_csv")).content.decode()
    assert "State data warehouse" in csv and ",api,3" in csv
    # Who looked at her record: the warehouse's system, said as such (not "program manager",
    # the role its service account holds).
    looked = text_of(client_for("pat").get(reverse("portal:access")).content)
    assert "(a computer system outside the program) looked at" in looked
    assert "program manager" not in looked


def test_a_revoked_consent_stops_the_next_read_and_the_list(
    demo: DemoWorld, pat: Participant
) -> None:
    consent = consent_to(pat)
    secret, _token = make_token()
    assert get(secret, f"/api/v1/participants/{pat.id}").status_code == 200
    revoke_consent(acting=member(demo, "ana"), consent=consent, note="Changed my mind")
    refused = get(secret, f"/api/v1/participants/{pat.id}")
    assert refused.status_code == 403 and refused.json()["error"] == "no_consent"
    assert _ids(secret, "/api/v1/participants") == set()
    assert Disclosure.objects.get(participant=pat).reads == 1  # what went before stays accounted


def test_a_personal_token_reads_as_before_and_discloses_nothing(
    demo: DemoWorld, pat: Participant
) -> None:
    secret, _token = make_token(kind=TokenKind.PERSONAL, person="ana", scopes=READ_ALL)
    response = get(secret, f"/api/v1/participants/{pat.id}")
    assert response.status_code == 200
    assert NOTICE_HEADER not in response
    assert str(pat.id) in _ids(secret, "/api/v1/participants")
    assert not Disclosure.objects.filter(participant=pat).exists()
    assert ApiToken.objects.get(membership__user__username="ana").recipient == ""


def test_contacts_go_by_attendance_and_their_words_only_under_a_notes_consent(
    demo: DemoWorld, pat: Participant
) -> None:
    note = Encounter.objects.filter(participant=pat).exclude(summary="").first()
    assert note is not None
    consent = consent_to(pat, categories=["attendance"])
    secret, _token = make_token()
    plain = get(secret, f"/api/v1/contacts/{note.id}")
    assert plain.status_code == 200 and plain.json()["summary"] == ""
    listed = {row["id"]: row for row in get(secret, "/api/v1/contacts?limit=100").json()["items"]}
    assert str(note.id) in listed and listed[str(note.id)]["summary"] == ""
    assert {row["participant_id"] for row in listed.values()} == {str(pat.id)}
    revoke_consent(acting=member(demo, "ana"), consent=consent, note="")
    consent_to(pat, categories=["attendance", "notes"])
    worded = get(secret, f"/api/v1/contacts/{note.id}")
    assert worded.json()["summary"] == note.summary
    kinds = {tuple(d.categories) for d in Disclosure.objects.filter(participant=pat)}
    assert kinds == {("attendance",), ("attendance", "notes")}


def test_the_warehouse_sees_only_the_consents_that_name_it(
    demo: DemoWorld, pat: Participant
) -> None:
    mine = consent_to(pat, categories=["contact"])
    other = consent_to(pat, recipient="Harbor Medical Associates", categories=["contact"])
    secret, _token = make_token()
    assert _ids(secret, "/api/v1/consents") == {str(mine.id)}
    assert get(secret, f"/api/v1/consents/{mine.id}").status_code == 200
    refused = get(secret, f"/api/v1/consents/{other.id}")
    assert refused.status_code == 403
    assert "Harbor Medical Associates" not in refused.content.decode()


def test_a_consent_naming_the_warehouse_in_other_case_and_spacing_still_names_it(
    demo: DemoWorld, pat: Participant, luz: Participant
) -> None:
    consent = consent_to(pat, recipient="  state DATA   warehouse ")
    assert consent.recipient_hash == keyed_hash(WAREHOUSE) != ""
    secret, _token = make_token()
    assert _ids(secret, "/api/v1/participants") == {str(pat.id)}
    assert _ids(secret, "/api/v1/consents") == {str(consent.id)}


def test_the_gate_decrypts_no_consent_to_match_them(
    demo: DemoWorld, pat: Participant, luz: Participant
) -> None:
    consent_to(pat)
    for n in range(6):
        consent_to(luz, recipient=f"Clinic {n}")
    secret, _token = make_token()
    read: list[str] = []
    real = crypto.decrypt

    def counting(stored: str) -> str:
        read.append(real(stored))
        return real(stored)

    with mock.patch.object(crypto, "decrypt", counting):
        assert _ids(secret, "/api/v1/participants") == {str(pat.id)}
    # The consents are matched by their keyed hashes: none of their words is decrypted, neither
    # the other clinics' nor Pat's own consent to the warehouse.
    assert not [text for text in read if text.startswith("Clinic")]
    assert WAREHOUSE not in read and EVALUATION not in read and "Harbor" not in " ".join(read)


def test_a_service_token_that_names_no_recipient_shares_nothing(
    demo: DemoWorld, pat: Participant
) -> None:
    consent_to(pat)
    secret, token = make_token()
    ApiToken.objects.filter(pk=token.pk).update(recipient="", purpose="")  # made before this
    response = get(secret, "/api/v1/participants")
    assert response.status_code == 403
    assert response.json()["error"] == "no_recipient"
    assert not Disclosure.objects.filter(participant=pat).exists()


def test_the_token_page_names_the_recipient_for_the_person_approving(demo: DemoWorld) -> None:
    _secret, token = make_token(approver=None)
    client = Client()
    client.force_login(demo.users["mia"])
    page = text_of(client.get(reverse("api_tokens:detail", args=[token.public_id])).content)
    facts = {
        e.text
        for e in elements(
            Client.get(
                client, reverse("api_tokens:detail", args=[token.public_id])
            ).content.decode(),
            "dt",
            "dd",
        )
    }
    assert {"Shares with", "State data warehouse", "Purpose", "Program evaluation"} <= facts
    assert "Approving lets State data warehouse receive participant records" in page
    assert "Program evaluation" in page
