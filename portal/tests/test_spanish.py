"""The portal in Spanish: the participant's chosen language is used on every portal page, the
sign-in pages offer "Español" / "English", and the committed .mo matches the .po."""

import re
from pathlib import Path

import polib
import pytest
from django.test import Client

from portal.models import PortalPreference
from portal.tests.pages import ENTRY_PAGES, pat, portal_pages, waiting_consent
from portal.tests.test_readability import VisibleText

pytestmark = pytest.mark.django_db

LOCALE = Path(__file__).resolve().parents[2] / "locale" / "es" / "LC_MESSAGES"

# Sentences a participant meets on portal pages: none may remain in English once Spanish is on.
ENGLISH_PHRASES = [
    "Help now",
    "Leave quickly",
    "My safety plan",
    "My plan",
    "My notes",
    "My record and privacy",
    "Settings",
    "Sign out",
    "Skip to main content",
    "Call 988",
    "Text 988",
    "Today's check-in",
    "My coach",
    "My goals",
    "My milestones",
    "Would you like a call",
    "If you are in danger now",
    "Suggest a change",
    "Back to my",
    "Your coach",
    "your coach",
    "Who has looked at my record",
    "My consents",
    "Mark done",
    "Send",
    "Cancel",
    "Step 1: Warning signs",
    "What matters to me",
    "Stop sharing with",
    "Save",
    "(optional)",
    "Sign it",
    "Not now",
    "I do not agree",
    "What it says",
    "Your answer",
    "Read it",
    "Download as PDF",
    "Waiting for signature",
    "Attendance",
]


def spanish_pat() -> Client:
    me = pat()
    PortalPreference.objects.update_or_create(participant=me, defaults={"language": "es"})
    client = Client()
    assert me.user is not None
    client.force_login(me.user)
    return client


def main_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return " ".join(parser.sentences())


def test_the_committed_mo_matches_the_po() -> None:
    """Compiled in memory with polib and compared entry by entry: a .po edited without running
    scripts/compile_messages.py fails here instead of showing English in production."""
    po = polib.pofile(str(LOCALE / "django.po"))
    mo = polib.mofile(str(LOCALE / "django.mo"))

    def catalogue(entries) -> dict:
        return {
            (e.msgctxt, e.msgid): (e.msgstr, tuple(sorted(e.msgstr_plural.items())))
            for e in entries
            if e.msgid
        }

    assert catalogue(mo) == catalogue(po.translated_entries())


def test_every_portal_page_is_in_spanish_for_a_spanish_speaking_participant(demo) -> None:
    client = spanish_pat()
    for label, path in portal_pages():
        response = client.get(path)
        assert response.status_code == 200, label
        page = response.content.decode()
        assert '<html lang="es">' in page, label
        assert "Ayuda ahora" in page and "Salir rápido" in page, label
        assert "Llamar al 988" in page and 'href="tel:988"' in page, label
        text = main_text(page)
        left = [p for p in ENGLISH_PHRASES if re.search(rf"\b{re.escape(p)}\b", text)]
        assert not left, f"{label}: English left in the main content: {left}"


def test_the_persons_own_words_are_not_translated(demo) -> None:
    page = spanish_pat().get("/me/").content.decode()
    assert "Hola, Pat" in page
    assert "Have a place of my own where my kids can stay over" in page


def test_staff_pages_stay_in_the_staff_members_language(demo, client_for) -> None:
    spanish_pat().get("/me/")
    page = client_for("ana").get("/today/").content.decode()
    assert '<html lang="en">' in page and "Sign out" in page


def test_saving_spanish_in_settings_switches_the_portal_and_remembers_it(demo, client_for) -> None:
    client = client_for("pat")
    response = client.post("/me/settings/", {"language": "es"}, follow=True)
    page = response.content.decode()
    assert "Guardado." in page and "Ajustes" in page
    assert client.cookies["django_language"].value == "es"
    client.post("/accounts/logout/")
    assert "Entrar en Cairn" in client.get("/accounts/login/").content.decode()


def test_the_sign_in_pages_offer_spanish_by_a_plain_link(demo) -> None:
    client = Client()
    for _label, path in ENTRY_PAGES:
        page = client.get(path).content.decode()
        assert f'href="/me/language/es/?next={path}"' in page, path
    response = client.get("/me/language/es/?next=/me/start/")
    assert response.status_code == 302 and response["Location"] == "/me/start/"
    page = client.get("/me/start/").content.decode()
    assert "Crea tu entrada" in page and 'lang="en">English</a>' in page
    assert "¿Necesitas hablar con alguien ahora?" in page


def test_the_language_link_goes_back_only_to_this_site(demo) -> None:
    response = Client().get("/me/language/es/?next=https://example.org/")
    assert response["Location"] == "/"
    response = Client().get("/me/language/xx/?next=/me/start/")
    assert "django_language" not in response.cookies


def test_a_missing_page_says_so_in_spanish(demo) -> None:
    response = spanish_pat().get("/me/plan/goal/00000000-0000-0000-0000-000000000000/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "No encontramos esa página" in page and "Salir rápido" in page


def test_form_errors_are_in_spanish(demo) -> None:
    note = dict(portal_pages())["a note"]
    response = spanish_pat().post(f"{note}correction/", {"wrong": "", "right": ""})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Revisa el formulario, por favor" in page
    assert "Please check the form" not in page


def test_signing_a_consent_in_spanish_says_each_step_in_spanish(demo) -> None:
    client = spanish_pat()
    consent = waiting_consent(pat())
    home = main_text(client.get("/me/").content.decode())
    assert "Tu coach te pidió que mires un consentimiento" in home
    assert f"Leer: compartir con {consent.recipient}" in home
    path = f"/me/record/consents/{consent.id}/"
    page = main_text(client.get(path).content.decode())
    assert f"¿Compartir con {consent.recipient}?" in page
    assert "Asistencia (fechas y tipos de contacto)" in page and "Cómo contactarte" in page
    assert "¿Cómo quieres firmar?" in page and "Escribir mi nombre" in page
    response = client.post(
        path,
        {"answer": "signed", "signature_method": "typed", "signature": "Pat", "understood": "on"},
        follow=True,
    )
    page = main_text(response.content.decode())
    assert "Firmado. Empieza hoy." in page, page
    assert "Ya está en uso." in page and "Dejar de compartir con" in page
    response = client.post(path, {"answer": "not_now"}, follow=True)
    assert "Este consentimiento ya tiene respuesta. No cambió nada." in response.content.decode()


def test_saying_not_now_in_spanish_is_answered_in_spanish(demo) -> None:
    client = spanish_pat()
    consent = waiting_consent(pat())
    path = f"/me/record/consents/{consent.id}/"
    response = client.post(path, {"answer": "not_now"}, follow=True)
    assert "Está bien, ahora no. No se comparte nada." in response.content.decode()
    page = main_text(client.get(path).content.decode())
    assert "dijiste que ahora no" in page and "Firmarlo" not in page


def test_my_pdf_copy_is_in_spanish_when_i_read_spanish(demo, settings) -> None:
    settings.CAIRN_PDF_COMPRESS = False
    settings.CAIRN_PDF_FONT_DIR = "/nonexistent"  # the core font: text is readable in the bytes
    body = spanish_pat().get("/me/record/copy.pdf").content
    assert body.startswith(b"%PDF")
    text = body.decode("latin-1")
    for spanish in (
        "Qué es esto",
        "Esta es una copia de lo que",
        "No tiene borradores",
        "Guárdala en un lugar seguro",
        "Página 1 de",
        "Expediente de Cairn de Pat",
        "Contactos y notas",
        "Nombre que usas",
        "Escrita por",
        "Hubo contacto",  # stored codes are shown as words in the reader's language
        "Coach principal",
        "Señales de alerta",
    ):
        assert spanish in text, spanish
    for english in (
        "What this is",
        "Drafts are not in it",
        "Page 1 of",
        "Contacts and notes",
        "(reached)",
        "(primary)",
    ):
        assert english not in text, english


def test_the_staff_pdf_stays_in_the_staff_members_language(demo, client_for, settings) -> None:
    settings.CAIRN_PDF_COMPRESS = False
    settings.CAIRN_PDF_FONT_DIR = "/nonexistent"
    spanish_pat().get("/me/")
    body = client_for("ana").get(f"/consent/participant/{pat().id}/record.pdf").content
    assert b"What this is" in body and "Qué es esto".encode("latin-1") not in body
