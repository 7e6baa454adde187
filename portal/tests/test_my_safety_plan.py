"""My safety plan in my own Cairn: read with tap-to-call, edit as its author, a stale edit shown
side by side, the wallet card, and my people in Help now."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from audit.models import Action, AuditEvent
from organizations.models import Membership, Role
from participants.models import Participant
from portal.context_processors import help_people
from safety.content import PlanContent
from safety.models import SafetyPlanVersion
from safety.services import save_safety_plan

pytestmark = pytest.mark.django_db


def _pat() -> Participant:
    return Participant.objects.get(user__username="pat")


def _current(pat: Participant) -> SafetyPlanVersion:
    return SafetyPlanVersion.objects.filter(plan__participant=pat).order_by("-number")[0]


def _form(version: int, **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "version": version,
        "warning_signs": "I stop answering texts",
        "coping": "Play guitar",
        "distraction_places": "The library",
        "safer_surroundings": "",
        "reasons": "My kids",
        "help_people-0-name": "Maria (sister)",
        "help_people-0-phone": "(617) 555-0123",
    }
    data.update(overrides)
    return data


def test_my_safety_plan_has_tap_to_call_people_988_the_card_and_an_edit_link(
    demo, client_for
) -> None:
    page = client_for("pat").get("/me/safety-plan/").content.decode()
    assert 'href="tel:+16175550123"' in page and 'href="sms:+16175550123"' in page
    assert 'href="tel:988"' in page and 'href="sms:988"' in page
    assert 'href="/me/safety-plan/card/"' in page
    assert 'href="/me/safety-plan/edit/"' in page
    assert "Last changed by Ana on" in page
    assert 'data-clear-kept="my-safety-plan"' in page


def test_i_edit_my_safety_plan_and_am_recorded_as_its_author(demo, client_for) -> None:
    pat = _pat()
    client = client_for("pat")
    form_page = client.get("/me/safety-plan/edit/").content.decode()
    assert 'data-keep-text="my-safety-plan"' in form_page  # a dropped connection keeps the draft
    assert "hx-post" not in form_page  # my own words get no language suggestions
    number = _current(pat).number
    response = client.post("/me/safety-plan/edit/", _form(number, reasons="My kids\nMusic"))
    assert response.status_code == 302 and response["Location"] == "/me/safety-plan/"
    saved = _current(pat)
    assert saved.number == number + 1
    assert saved.changed_by == pat.user and saved.changed_by_role == Role.PARTICIPANT
    assert saved.plan_content.get("reasons") == ("My kids", "Music")
    event = AuditEvent.objects.filter(target_type="safety.safetyplan", actor=pat.user).latest("seq")
    assert event.action == Action.UPDATE and "reasons" in event.changed_fields
    assert "Last changed by you on" in client.get("/me/safety-plan/").content.decode()
    # The coach sees that Pat changed it themself.
    staff = client_for("ana").get(f"/safety/participant/{pat.id}/").content.decode()
    assert "(themself)" in staff


def test_a_stale_edit_is_refused_and_shows_both_versions(demo, client_for) -> None:
    pat = _pat()
    number = _current(pat).number
    ana = Membership.objects.select_related("user", "organization").get(user__username="ana")
    save_safety_plan(
        acting=ana,
        participant=pat,
        content=PlanContent.from_values({"reasons": "Seeing my kids on Sundays"}),
        expected_number=number,
    )
    response = client_for("pat").post(
        "/me/safety-plan/edit/", _form(number, reasons="Pat typed this")
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Your plan was changed while you were writing" in page
    assert "Seeing my kids on Sundays" in page
    assert "Pat typed this</textarea>" in page
    assert f'name="version" value="{number + 1}"' in page
    assert _current(pat).number == number + 1


def test_my_wallet_card_shows_my_people_and_988(demo, client_for) -> None:
    page = client_for("pat").get("/me/safety-plan/card/").content.decode()
    assert "My wallet card" in page and "988" in page
    assert "Maria (sister)" in page
    assert AuditEvent.objects.filter(target_type="safety.card", participant_id=_pat().id).exists()


def test_help_now_lists_my_people_with_numbers(demo, client_for) -> None:
    page = client_for("pat").get("/me/").content.decode()
    bar = page.split('class="portal-bar"', 1)[1].split("</details>", 1)[0]
    assert 'href="tel:+16175550123"' in bar and "Call Maria (sister)" in bar
    assert "Call Jordan (sponsor)" in bar


def test_help_people_takes_one_query(demo, rf) -> None:
    pat = _pat()
    request = rf.get("/me/")
    request.user = pat.user
    with CaptureQueriesContext(connection) as queries:
        people = help_people(request, pat.organization_id)
    assert len(queries) == 1
    assert [p.name for p in people] == ["Maria (sister)", "Jordan (sponsor)"]


def test_a_participant_without_a_plan_writes_their_first_one(demo) -> None:
    harbor = demo.organizations["harbor"]
    user = User.objects.create(username="newcomer", preferred_name="Robin")
    Membership.objects.create(organization=harbor, user=user, role=Role.PARTICIPANT)
    robin = Participant.objects.create(
        organization=harbor, preferred_name="Robin", user=user, enrolled_on="2026-11-01"
    )
    client = Client()
    client.force_login(user)
    page = client.get("/me/safety-plan/edit/").content.decode()
    assert "Write my safety plan" in page and "Maria" not in page
    assert "Call Maria" not in client.get("/me/").content.decode()
    response = client.post("/me/safety-plan/edit/", _form(0, reasons="My dog"))
    assert response.status_code == 302
    first = _current(robin)
    assert first.number == 1 and first.changed_by == user
