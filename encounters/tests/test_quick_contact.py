"""A coach's quick contact (issue 20): "Save and sign" in one step, the call's outcome shown in
words on the note, and Today's "Log a contact for…" finder."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import Action, AuditEvent
from cairn.demo import DemoWorld
from encounters.models import Encounter, NoteState, ReviewState
from organizations.models import Membership
from participants.models import Participant

pytestmark = pytest.mark.django_db


def _pat(demo: DemoWorld) -> Participant:
    return Participant.objects.get(user=demo.users["pat"])


def _brief(**overrides: object) -> dict[str, object]:
    moment = timezone.localtime() - timedelta(hours=1)
    data: dict[str, object] = {
        "kind": "brief",
        "contact_type": "phone",
        "outcome": "reached",
        "day": moment.date().isoformat(),
        "start": moment.strftime("%H:%M"),
        "duration_minutes": 10,
        "summary": "Talked about the interview on Monday.",
        "submit_key": str(uuid.uuid4()),
    }
    data.update(overrides)
    return data


def _owned_by(demo: DemoWorld, coach: str) -> Participant:
    return Participant.objects.filter(coach=demo.users[coach]).order_by("name_sort")[0]


# --- Save and sign -----------------------------------------------------------------------------


def test_the_note_form_offers_save_and_sign_beside_save_draft(demo, client_for) -> None:
    page = client_for("ana").get(f"/contacts/new/{_pat(demo).id}/").content.decode()
    assert "Save draft" in page
    assert 'name="sign" value="1"' in page and "Save and sign" in page


def test_save_and_sign_saves_and_signs_in_one_step(demo, client_for) -> None:
    pat = _pat(demo)
    client = client_for("ana")
    response = client.post(f"/contacts/new/{pat.id}/", {**_brief(), "sign": "1"}, follow=True)
    note = Encounter.objects.filter(participant=pat).latest("created_at")
    assert note.state == NoteState.SIGNED and note.signed_by == demo.users["ana"]
    assert note.review_state == ReviewState.NOT_NEEDED
    assert response.redirect_chain[-1][0] == f"/contacts/{note.id}/"
    page = response.content.decode()
    assert "Saved and signed." in page and "Signed by" in page
    actions = list(
        AuditEvent.objects.filter(target_id=str(note.id))
        .order_by("id")
        .values_list("action", "changed_fields")
    )
    assert actions[0][0] == Action.CREATE
    assert (Action.UPDATE, {"state", "signed_at"}) in [(a, set(f)) for a, f in actions]


def test_a_double_submit_of_save_and_sign_makes_one_note(demo, client_for) -> None:
    pat = _pat(demo)
    client = client_for("ana")
    data = {**_brief(), "sign": "1"}
    before = Encounter.objects.filter(participant=pat).count()
    first = client.post(f"/contacts/new/{pat.id}/", data)
    second = client.post(f"/contacts/new/{pat.id}/", data)
    assert Encounter.objects.filter(participant=pat).count() == before + 1
    assert second["Location"] == first["Location"]


def test_save_and_sign_for_a_coach_with_cosign_goes_to_the_queue(demo, client_for) -> None:
    # As in the demo: Ben's notes need a co-signature.
    Membership.objects.filter(user=demo.users["ben"]).update(notes_need_cosign=True)
    person = _owned_by(demo, "ben")
    response = client_for("ben").post(
        f"/contacts/new/{person.id}/", {**_brief(), "sign": "1"}, follow=True
    )
    note = Encounter.objects.filter(participant=person).latest("created_at")
    assert note.state == NoteState.SIGNED
    assert note.review_state == ReviewState.PENDING
    assert "waits for your supervisor" in response.content.decode()
    assert "Talked about the interview on Monday." in (
        client_for("sam").get("/contacts/review/").content.decode()
    )


def test_a_note_signing_refuses_is_kept_as_a_draft_and_says_why(demo, client_for) -> None:
    pat = _pat(demo)
    response = client_for("ana").post(
        f"/contacts/new/{pat.id}/", {**_brief(summary=""), "sign": "1"}, follow=True
    )
    note = Encounter.objects.filter(participant=pat).latest("created_at")
    assert note.state == NoteState.DRAFT
    assert response.redirect_chain[-1][0] == f"/contacts/{note.id}/edit/"
    page = response.content.decode()
    assert "Saved as a draft, not signed yet: there is nothing written." in page
    assert "Save and sign" in page


def test_a_draft_is_saved_and_signed_from_its_form(demo, client_for) -> None:
    pat = _pat(demo)
    client = client_for("ana")
    client.post(f"/contacts/new/{pat.id}/", _brief(summary=""))
    draft = Encounter.objects.filter(participant=pat).latest("created_at")
    assert draft.state == NoteState.DRAFT
    edit = {**_brief(summary="Called back about the bus pass."), "version": draft.version}
    edit.pop("submit_key")
    response = client.post(f"/contacts/{draft.id}/edit/", {**edit, "sign": "1"}, follow=True)
    draft.refresh_from_db()
    assert draft.state == NoteState.SIGNED and draft.summary == "Called back about the bus pass."
    assert "Saved and signed." in response.content.decode()


def test_save_draft_still_keeps_a_draft(demo, client_for) -> None:
    pat = _pat(demo)
    client_for("ana").post(f"/contacts/new/{pat.id}/", _brief())
    assert Encounter.objects.filter(participant=pat).latest("created_at").state == NoteState.DRAFT


# --- the call's outcome, in words --------------------------------------------------------------


@pytest.mark.parametrize(
    ("outcome", "words"), [("reached", "Reached"), ("left_message", "Left a message")]
)
def test_a_calls_outcome_shows_on_the_note_and_timeline(demo, client_for, outcome, words) -> None:
    pat = _pat(demo)
    client = client_for("ana")
    client.post(f"/today/outcome/{pat.id}/", {"outcome": outcome})
    note = Encounter.objects.filter(participant=pat).latest("created_at")
    detail = client.get(f"/contacts/{note.id}/").content.decode()
    assert "<dt>Outcome</dt><dd>" + words + "</dd>" in detail
    timeline = client.get(f"/contacts/timeline/{pat.id}/").content.decode()
    row = timeline.split(f'href="/contacts/{note.id}/"')[1].split("</li>")[0]
    assert f"({words.lower()})" in row
    assert outcome not in row.replace(words.lower(), "")


# --- Today's finder ----------------------------------------------------------------------------


def test_today_has_the_finder(demo, client_for) -> None:
    page = client_for("ana").get("/today/").content.decode()
    assert 'action="/today/find/"' in page and "Log a contact for…" in page


def test_the_finder_lists_matches_on_ones_own_caseload_only(demo, client_for) -> None:
    pat = _pat(demo)
    bens = _owned_by(demo, "ben")
    Participant.objects.filter(pk=bens.pk).update(preferred_name="Patricia Zed")
    rivers = Participant.objects.filter(organization=demo.organizations["riverside"])[0]
    Participant.objects.filter(pk=rivers.pk).update(preferred_name="Patrick Rio")
    for row in Participant.objects.filter(pk__in=[bens.pk, rivers.pk]):
        row.save()  # refresh the folded search column
    page = client_for("ana").get("/today/find/", {"q": "PAT"}).content.decode()
    assert f'href="/contacts/new/{pat.id}/"' in page and "Log a contact" in page
    assert "Patricia Zed" not in page and "Patrick Rio" not in page
    assert str(bens.id) not in page and str(rivers.id) not in page
    ben_page = client_for("ben").get("/today/find/", {"q": "patricia"}).content.decode()
    assert f'href="/contacts/new/{bens.id}/"' in ben_page


def test_the_finder_ignores_accents_and_tells_two_namesakes_apart(demo, client_for) -> None:
    ana = demo.users["ana"]
    people = list(Participant.objects.filter(coach=ana).order_by("name_sort")[:2])
    for person in people:
        person.preferred_name = "Ángel"
        person.legal_name = ""
        person.pronouns = ""
        person.date_of_birth = None
        person.age_range = ""
        person.save()
    page = client_for("ana").get("/today/find/", {"q": "angel"}).content.decode()
    for person in people:
        assert f'href="/contacts/new/{person.id}/"' in page
        assert f"record ending {str(person.id).replace('-', '')[-4:]}" in page


def test_the_finder_lists_people_who_asked_not_to_be_contacted(demo, client_for) -> None:
    pat = _pat(demo)
    Participant.objects.filter(pk=pat.pk).update(no_contact_since=timezone.now())
    page = client_for("ana").get("/today/find/", {"q": pat.preferred_name}).content.decode()
    assert f'href="/contacts/new/{pat.id}/"' in page
    assert "asked not to be contacted" in page


def test_the_finder_says_when_no_one_matches_and_answers_htmx_with_the_list(
    demo, client_for
) -> None:
    client = client_for("ana")
    page = client.get("/today/find/", {"q": "Nobody-here"}).content.decode()
    assert "No one on your caseload matches" in page
    pat = _pat(demo)
    fragment = client.get(
        "/today/find/", {"q": pat.preferred_name}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "<html" not in fragment and f'href="/contacts/new/{pat.id}/"' in fragment


def test_the_finder_is_audited_without_the_typed_text(demo, client_for) -> None:
    client_for("ana").get("/today/find/", {"q": "Secretname"})
    event = AuditEvent.objects.filter(target_type="encounters.today_find").latest("id")
    assert "Secretname" not in str(event.__dict__)


def test_the_finder_is_for_coaches_and_supervisors(demo, client_for) -> None:
    assert client_for("pat").get("/today/find/", {"q": "a"}).status_code in (302, 403, 404)
    assert client_for("sam").get("/today/find/", {"q": "a"}).status_code == 200
