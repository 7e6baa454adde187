"""The organization's local crisis lines: an admin adds, corrects and retires them."""

from audit.models import Action, AuditEvent
from cairn.demo import DemoWorld
from participants.models import Participant
from safety.models import CrisisLine


def _pat(demo: DemoWorld) -> Participant:
    return Participant.objects.get(user=demo.users["pat"])


def test_admin_adds_a_local_line_and_coaches_see_it_on_plans(demo, client_for) -> None:
    max_ = client_for("max")
    response = max_.post(
        "/safety/crisis-lines/",
        {
            "name": "Harbor Youth Line",
            "phone": "617-555-0188",
            "text_number": "",
            "hours": "Weekdays 3 to 9 pm",
            "note": "For young people up to 24",
        },
        follow=True,
    )
    assert "Added Harbor Youth Line to every plan." in response.content.decode()
    line = CrisisLine.objects.get(name="Harbor Youth Line")
    assert (line.organization, line.phone) == (demo.organizations["harbor"], "+16175550188")
    page = client_for("ana").get(f"/safety/participant/{_pat(demo).id}/").content.decode()
    assert "Harbor Youth Line" in page and 'href="tel:+16175550188"' in page
    assert "Weekdays 3 to 9 pm" in page
    event = AuditEvent.objects.get(action=Action.CREATE, target_type="safety.crisisline")
    assert event.actor == demo.users["max"] and event.participant_id is None


def test_a_line_needs_a_number_and_a_bad_number_gets_a_calm_message(demo, client_for) -> None:
    max_ = client_for("max")
    page = max_.post("/safety/crisis-lines/", {"name": "No number"}).content.decode()
    assert "Give a number to call, a number to text, or both." in page
    page = max_.post("/safety/crisis-lines/", {"name": "Typo", "phone": "555"}).content.decode()
    assert "dialled as typed" in page or "look like a phone" in page
    assert 'value="Typo"' in page
    assert not CrisisLine.objects.filter(name__in=["No number", "Typo"]).exists()


def test_admin_corrects_and_retires_a_line(demo, client_for) -> None:
    max_ = client_for("max")
    line = CrisisLine.objects.get(organization=demo.organizations["harbor"])
    form = max_.get(f"/safety/crisis-lines/{line.id}/").content.decode()
    assert line.phone_display in form
    max_.post(
        f"/safety/crisis-lines/{line.id}/",
        {"name": line.name, "phone": "617-555-0100", "text_number": "", "hours": "", "note": ""},
    )
    line.refresh_from_db()
    assert (line.phone, line.text_number, line.hours) == ("+16175550100", "", "")
    updated = AuditEvent.objects.get(action=Action.UPDATE, target_type="safety.crisisline")
    assert set(updated.changed_fields) == {"phone", "text_number", "hours", "note"}
    response = max_.post("/safety/crisis-lines/", {"line": str(line.id)}, follow=True)
    assert "is retired from plans" in response.content.decode()
    line.refresh_from_db()
    assert not line.is_active
    page = client_for("ana").get(f"/safety/participant/{_pat(demo).id}/").content.decode()
    assert line.name not in page
    max_.post("/safety/crisis-lines/", {"line": str(line.id)})
    line.refresh_from_db()
    assert line.is_active


def test_another_organizations_line_is_404_for_an_admin(demo, client_for) -> None:
    line = CrisisLine.objects.get(organization=demo.organizations["riverside"])
    assert client_for("max").get(f"/safety/crisis-lines/{line.id}/").status_code == 404
    response = client_for("max").post("/safety/crisis-lines/", {"line": str(line.id)})
    assert response.status_code == 404
    line.refresh_from_db()
    assert line.is_active


def test_coaches_and_participants_cannot_open_the_crisis_lines_page(demo, client_for) -> None:
    for username in ("ana", "mia", "pat"):
        assert client_for(username).get("/safety/crisis-lines/").status_code == 403
