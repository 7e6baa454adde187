"""The portal frame: the participant's own record only, Help now and Leave quickly everywhere."""

import pytest
from django.test import Client

from accounts.models import User
from audit.models import Action, AuditEvent
from organizations.models import Membership, Role
from participants.models import Participant
from portal.models import PortalPreference

pytestmark = pytest.mark.django_db


def test_home_shows_my_coach_goals_and_milestones(demo, client_for) -> None:
    page = client_for("pat").get("/me/").content.decode()
    assert "Hi, Pat" in page
    assert "Ana" in page
    assert "Have a place of my own where my kids can stay over" in page
    assert "Dinner with my kids at Dee" in page


def test_every_portal_page_has_help_now_and_leave_quickly(demo, client_for) -> None:
    client = client_for("pat")
    for path in ("/me/", "/me/settings/", "/me/safety-plan/"):
        page = client.get(path).content.decode()
        assert 'href="tel:988"' in page and 'href="sms:988"' in page, path
        assert "Leave quickly" in page and "data-quick-exit" in page, path
        assert 'href="/me/safety-plan/"' in page, path


def test_staff_do_not_get_the_portal_frame(demo, client_for) -> None:
    page = client_for("ana").get("/today/").content.decode()
    assert "Leave quickly" not in page


def test_safety_plan_in_one_tap_shows_my_plan_and_988(demo, client_for) -> None:
    page = client_for("pat").get("/me/safety-plan/").content.decode()
    assert "My safety plan" in page
    assert "Call 988" in page
    pat = Participant.objects.get(user__username="pat")
    assert AuditEvent.objects.filter(
        action=Action.VIEW, target_type="safety.plan", participant_id=pat.id
    ).exists()


def test_discreet_title_hides_cairn_and_names(demo, client_for) -> None:
    client = client_for("pat")
    response = client.post(
        "/me/settings/", {"language": "en", "discreet_title": "on", "shared_device": ""}
    )
    assert response.status_code == 302
    page = client.get("/me/").content.decode()
    title = page.split("<title>", 1)[1].split("</title>", 1)[0]
    assert title == "Notes"
    pat = Participant.objects.get(user__username="pat")
    assert PortalPreference.objects.get(participant=pat).discreet_title
    assert AuditEvent.objects.filter(target_type="portal.preference").exists()


def test_a_participant_without_a_record_gets_not_found(demo) -> None:
    harbor = demo.organizations["harbor"]
    stray = User.objects.create(username="stray")
    Membership.objects.create(organization=harbor, user=stray, role=Role.PARTICIPANT)
    client = Client()
    client.force_login(stray)
    assert client.get("/me/").status_code == 404
