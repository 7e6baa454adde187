"""A shared phone or computer: the session ends with the browser, the idle sign-out comes after
5 minutes instead of 15 (on the page and on the server), and portal pages use the plain title."""

import time

import pytest
from django.test import Client

from accounts.middleware import LAST_SEEN_KEY
from accounts.sessions import SHARED_DEVICE_KEY
from audit.models import Action, AuditEvent
from cairn.demo import DEMO_PASSWORD, DemoWorld
from participants.models import Participant
from portal.models import PortalPreference

pytestmark = pytest.mark.django_db


def _sign_in(username: str, *, shared: bool) -> Client:
    client = Client()
    data = {"username": username, "password": DEMO_PASSWORD}
    if shared:
        data["shared_device"] = "on"
    assert client.post("/accounts/login/", data).status_code == 302
    return client


def _title(page: str) -> str:
    return page.split("<title>", 1)[1].split("</title>", 1)[0]


def _quiet_for(client: Client, seconds: float) -> None:
    session = client.session
    session[LAST_SEEN_KEY] = time.time() - seconds
    session.save()


def test_the_sign_in_page_offers_the_shared_device_choice(db) -> None:
    page = Client().get("/accounts/login/").content.decode()
    assert 'name="shared_device"' in page
    assert "This is a shared phone or computer" in page


def test_a_shared_sign_in_ends_with_the_browser_and_sooner(demo: DemoWorld, settings) -> None:
    client = _sign_in("pat", shared=True)
    assert client.session.get(SHARED_DEVICE_KEY) is True
    assert client.session.get_expire_at_browser_close()
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert not cookie["expires"] and not cookie["max-age"]
    page = client.get("/me/").content.decode()
    assert 'data-idle-timeout="300"' in page
    assert _title(page) == "Notes"  # no "Cairn", no name, on a shared screen


def test_an_ordinary_sign_in_keeps_the_usual_timing_and_title(demo: DemoWorld) -> None:
    client = _sign_in("pat", shared=False)
    page = client.get("/me/").content.decode()
    assert 'data-idle-timeout="900"' in page
    assert _title(page) == "My Cairn · Cairn"


def test_the_server_signs_out_a_shared_session_after_five_quiet_minutes(
    demo: DemoWorld,
) -> None:
    client = _sign_in("pat", shared=True)
    _quiet_for(client, 5 * 60 + 5)
    response = client.get("/me/", follow=True)
    assert response.request["PATH_INFO"] == "/accounts/login/"
    assert "signed out after 5 minutes without activity" in response.content.decode()
    assert AuditEvent.objects.filter(action=Action.SIGN_OUT, target_id="idle").exists()


def test_an_ordinary_session_stays_after_five_quiet_minutes(demo: DemoWorld) -> None:
    client = _sign_in("pat", shared=False)
    _quiet_for(client, 5 * 60 + 5)
    assert client.get("/me/").status_code == 200


def test_staff_can_mark_a_shared_computer_too(demo: DemoWorld) -> None:
    client = _sign_in("ana", shared=True)
    page = client.get("/today/").content.decode()
    assert 'data-idle-timeout="300"' in page
    _quiet_for(client, 5 * 60 + 5)
    assert client.get("/today/")["Location"].startswith("/accounts/login/")


def test_the_portal_setting_shortens_sessions_without_the_sign_in_choice(
    demo: DemoWorld,
) -> None:
    client = _sign_in("pat", shared=False)
    saved = client.post("/me/settings/", {"language": "en", "shared_device": "on"})
    assert saved.status_code == 302
    pat = Participant.objects.get(user__username="pat")
    assert PortalPreference.objects.get(participant=pat).shared_device
    page = client.get("/me/").content.decode()
    assert 'data-idle-timeout="300"' in page
    assert _title(page) == "Notes"
    assert client.session.get_expire_at_browser_close()
    _quiet_for(client, 5 * 60 + 5)
    assert client.get("/me/")["Location"].startswith("/accounts/login/")
    # The next sign-in on any device follows the setting too.
    again = _sign_in("pat", shared=False)
    assert 'data-idle-timeout="300"' in again.get("/me/").content.decode()


def test_signing_up_on_a_shared_phone_keeps_that_choice(demo: DemoWorld, client_for) -> None:
    import re

    robin = Participant.objects.create(
        organization=demo.organizations["harbor"],
        preferred_name="Robin",
        coach=demo.users["ana"],
        enrolled_on="2026-01-01",
    )
    page = (
        client_for("ana")
        .post(f"/accounts/portal-invite/{robin.id}/", {"delivery": "paper"})
        .content.decode()
    )
    code = "".join(re.search(r'class="code-big">(\w{4})-(\w{4})<', page).groups())  # type: ignore[union-attr]
    client = Client()
    client.post("/me/start/", {"code": code})
    passphrase = "quiet harbor morning tea"
    client.post(
        "/me/start/account/",
        {
            "username": "robin",
            "password1": passphrase,
            "password2": passphrase,
            "shared_device": "on",
        },
    )
    home = client.get("/me/").content.decode()
    assert _title(home) == "Notes" and 'data-idle-timeout="300"' in home
    assert PortalPreference.objects.get(participant=robin).shared_device
