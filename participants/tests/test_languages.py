"""Any language by ISO 639 code, and whether someone wants an interpreter, shown where a coach
reaches out (issue 28)."""

import importlib

from django.apps import apps
from django.utils import timezone, translation

from cairn.demo import DemoWorld
from participants.languages import find_language, language_name
from participants.models import Participant
from participants.tests.test_intake import _edit_data, _intake, _pat


def test_a_language_is_found_by_name_or_code_and_named_in_the_readers_language() -> None:
    assert find_language("Vietnamese") == "vi"
    assert find_language(" vie ") == "vi"
    assert find_language("español") == "es"
    assert find_language("ASL") == "ase"  # American Sign Language, not the code of Asilulu
    assert find_language("Chuukese") == "chk"
    assert find_language("Klingonese") is None
    assert language_name("vi", "en") == "Vietnamese"
    assert language_name("vi", "es") == "Vietnamita"
    assert language_name("Tongan-ish") == "Tongan-ish"  # typed before codes: shown as written
    with translation.override("es"):
        assert language_name("ase") == "Lengua de signos americana"


def test_intake_keeps_the_code_and_shows_the_name(demo: DemoWorld, client_for) -> None:
    client = client_for("ana")
    client.post(
        "/participants/new/",
        _intake(
            coach=demo.users["ana"].pk,
            preferred_language="Vietnamese",
            needs_interpreter="on",
        ),
    )
    robin = Participant.objects.get(preferred_name="Robin")
    assert robin.preferred_language == "vi" and robin.needs_interpreter
    assert robin.interpreter_language == ""
    page = client.get(f"/participants/{robin.id}/").content.decode()
    assert "wants an interpreter (Vietnamese)" in page
    edit = client.get(f"/participants/{robin.id}/edit/").content.decode()
    assert 'value="Vietnamese"' in edit and "<datalist" in edit


def test_an_unknown_language_is_explained_and_what_was_typed_is_kept(
    demo: DemoWorld, client_for
) -> None:
    response = client_for("ana").post(
        "/participants/new/",
        _intake(coach=demo.users["ana"].pk, preferred_language="Klingonese"),
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "We couldn\u2019t find a language called" in body or "find a language called" in body
    assert 'value="Klingonese"' in body
    assert not Participant.objects.filter(preferred_name="Robin").exists()


def test_an_interpreter_needs_a_language(demo: DemoWorld, client_for) -> None:
    pat = _pat(demo)
    client = client_for("ana")
    data = _edit_data(pat, needs_interpreter="on", preferred_language="", interpreter_language="")
    body = client.post(f"/participants/{pat.id}/edit/", data).content.decode()
    assert "Which language should the interpreter speak?" in body
    data = _edit_data(pat, needs_interpreter="on", interpreter_language="Haitian Creole")
    client.post(f"/participants/{pat.id}/edit/", data)
    pat.refresh_from_db()
    assert pat.needs_interpreter and pat.interpreter_language == "ht"


def test_today_and_the_note_editor_say_which_interpreter_to_book(
    demo: DemoWorld, client_for
) -> None:
    pat = _pat(demo)
    Participant.objects.filter(pk=pat.pk).update(
        preferred_language="so",
        needs_interpreter=True,
        next_contact_on=timezone.localdate(),
    )
    client = client_for("ana")
    assert "interpreter: Somali" in client.get("/today/").content.decode()
    editor = client.get(f"/contacts/new/{pat.id}/").content.decode()
    assert "interpreter: Somali" in editor


def test_someone_who_prefers_another_language_is_shown_so(demo: DemoWorld, client_for) -> None:
    pat = _pat(demo)
    Participant.objects.filter(pk=pat.pk).update(
        preferred_language="pt", next_contact_on=timezone.localdate()
    )
    assert "prefers Portuguese" in client_for("ana").get("/today/").content.decode()


def test_names_typed_before_codes_become_codes(demo: DemoWorld) -> None:
    pat = _pat(demo)
    Participant.objects.filter(pk=pat.pk).update(preferred_language="Spanish")
    other = Participant.objects.exclude(pk=pat.pk).first()
    assert other is not None
    Participant.objects.filter(pk=other.pk).update(preferred_language="Tongan-ish")
    migration = importlib.import_module("participants.migrations.0013_interpreter")
    migration.names_to_codes(apps, None)
    assert Participant.objects.get(pk=pat.pk).preferred_language == "es"
    assert Participant.objects.get(pk=other.pk).preferred_language == "Tongan-ish"
