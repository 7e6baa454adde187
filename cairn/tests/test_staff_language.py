"""Staff pages in the staff member's language: their own choice, else the organization's; the
participant's portal keeps the participant's own choice whatever the staff default."""

import pytest

from accounts.models import User
from audit.models import Action, AuditEvent
from organizations.models import Organization
from portal.models import PortalPreference
from portal.tests.pages import pat

pytestmark = pytest.mark.django_db


def test_ana_chooses_spanish_and_her_pages_follow(demo, client_for) -> None:
    ana = client_for("ana")
    page = ana.get("/accounts/security/").content.decode()
    assert "Language of your pages" in page and 'lang="es"' in page
    response = ana.post("/accounts/language/", {"language": "es"})
    assert response.status_code == 302
    assert User.objects.get(username="ana").language == "es"
    assert (
        "Sus páginas estarán en el idioma que eligió."
        in ana.get("/accounts/security/").content.decode()
    )
    today = ana.get("/today/").content.decode()
    assert '<html lang="es"' in today
    assert ">Hoy<" in today and ">Participantes<" in today
    assert AuditEvent.objects.filter(action=Action.UPDATE, target_type="accounts.user").exists()
    # Ben's pages stay in the organization's language.
    assert '<html lang="en"' in client_for("ben").get("/today/").content.decode()


def test_the_organization_chooses_the_default_and_pat_keeps_his_own(demo, client_for) -> None:
    Organization.objects.filter(slug="harbor").update(staff_language="es")
    assert ">Hoy<" in client_for("ben").get("/today/").content.decode()
    User.objects.filter(username="ben").update(language="en")
    assert ">Today<" in client_for("ben").get("/today/").content.decode()
    assert '<html lang="en"' in client_for("pat").get("/me/").content.decode()


def test_an_unknown_language_is_refused_calmly(demo, client_for) -> None:
    ana = client_for("ana")
    ana.post("/accounts/language/", {"language": "xx"})
    assert User.objects.get(username="ana").language == ""
    assert "That language is not available." in ana.get("/accounts/security/").content.decode()


def test_an_organization_that_says_tu_gets_tu_on_staff_pages(demo, client_for) -> None:
    """ "Español (tú)": the sentences that address the reader say tú; everything else is the
    same Spanish (the variant's catalogue holds only what changes and falls back to "es")."""
    Organization.objects.filter(slug="harbor").update(staff_language="es-x-tu")
    today = client_for("ben").get("/today/").content.decode()
    assert '<html lang="es">' in today
    assert "Parte del nombre o del teléfono de alguien que acompañas." in today
    assert ">Hoy<" in today and "usted acompaña" not in today
    # The usted organization next door is unaffected.
    User.objects.filter(username="ana").update(language="es")
    usted = client_for("ana").get("/today/").content.decode()
    assert "Parte del nombre o del teléfono de alguien que usted acompaña." in usted
    page = client_for("ben").get("/accounts/security/").content.decode()
    assert 'value="es-x-tu"' in page and "Español (tú)" in page


def test_a_sentence_staff_and_participants_share_says_usted_to_staff_and_tu_to_participants(
    demo, client_for
) -> None:
    User.objects.filter(username="ana").update(language="es")
    PortalPreference.objects.update_or_create(participant=pat(), defaults={"language": "es"})
    # The same form-error heading on a staff form and on the portal's message form.
    staff = client_for("ana").post(f"/inbox/{pat().id}/", {"body": ""}).content.decode()
    portal = client_for("pat").post("/me/messages/", {"body": ""}).content.decode()
    assert "Revisa el formulario" in portal and '<html lang="es">' in portal
    assert "Revise el formulario" not in portal
    editor = client_for("ana").get(f"/contacts/new/{pat().id}/").content.decode()
    assert "Su navegador puede mostrar la fecha a su manera" in editor
    assert "Tu navegador" not in editor
    assert "Revise el formulario" in staff and "Revisa el formulario" not in staff


def test_the_default_service_types_read_in_the_readers_language(demo, client_for) -> None:
    from encounters.services import ensure_service_types

    ensure_service_types(Organization.objects.get(slug="harbor"))
    User.objects.filter(username="ana").update(language="es")
    editor = client_for("ana").get(f"/contacts/new/{pat().id}/?kind=full").content.decode()
    assert "Acompañamiento en la recuperación" in editor and ">Recovery coaching<" not in editor
    # Stored as written: the organization's own names and the English defaults are data.
    assert (
        "Recovery coaching"
        in client_for("sam").get(f"/contacts/new/{pat().id}/?kind=full").content.decode()
    )
