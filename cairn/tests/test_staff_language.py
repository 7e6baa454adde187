"""Staff pages in the staff member's language: their own choice, else the organization's; the
participant's portal keeps the participant's own choice whatever the staff default."""

import pytest

from accounts.models import User
from audit.models import Action, AuditEvent
from organizations.models import Organization

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
