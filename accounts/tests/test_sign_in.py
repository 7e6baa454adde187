"""Signing in and out: calm messages, lockout, second factor, idle sign-out, first password."""

import time

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django_otp.oath import totp

from accounts.middleware import LAST_SEEN_KEY, LAST_SEEN_STEP_SECONDS
from accounts.models import AuthenticatorApp
from audit.models import Action, AuditEvent
from cairn.demo import DEMO_PASSWORD, DemoWorld
from organizations.services import invitation_path


def _sign_in(client: Client, username: str, password: str = DEMO_PASSWORD):
    return client.post("/accounts/login/", {"username": username, "password": password})


@pytest.mark.parametrize(
    ("username", "home"),
    [
        ("ana", "/today/"),
        ("ben", "/today/"),
        ("sam", "/today/"),
        ("mia", "/participants/"),
        ("max", "/organization/people/"),
        ("rio", "/today/"),
        ("pat", "/me/"),
    ],
)
def test_each_demo_account_signs_in_to_its_home(demo: DemoWorld, username: str, home: str) -> None:
    client = Client()
    response = _sign_in(client, username)
    assert response.status_code == 302
    landing = client.get(response["Location"], follow=True)
    assert landing.redirect_chain[-1][0] == home if landing.redirect_chain else True
    assert landing.status_code == 200
    assert landing.request["PATH_INFO"] == home
    event = AuditEvent.objects.filter(action=Action.SIGN_IN, actor=demo.users[username]).get()
    assert event.target_id == str(demo.users[username].public_id)


def test_wrong_password_gets_calm_message_and_keeps_username(demo: DemoWorld) -> None:
    response = _sign_in(Client(), "ana", "not-the-password")
    page = response.content.decode()
    assert response.status_code == 200
    assert "That username and password did not match" in page
    assert 'value="ana"' in page
    failed = AuditEvent.objects.filter(action=Action.SIGN_IN_FAILED).get()
    assert failed.target_id == str(demo.users["ana"].public_id)
    assert failed.organization == demo.organizations["harbor"]


def test_unknown_username_is_audited_without_storing_what_was_typed(db) -> None:
    _sign_in(Client(), "hunter2-typed-in-the-wrong-box", "x")
    failed = AuditEvent.objects.filter(action=Action.SIGN_IN_FAILED).get()
    assert failed.organization is None
    assert failed.target_id == ""
    assert "hunter2" not in failed.actor_username


def test_repeated_failures_lock_sign_in_with_calm_page(demo: DemoWorld, settings) -> None:
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, "ben", "wrong-password")
    locked = _sign_in(client, "ben")  # even the right password waits out the pause
    page = locked.content.decode()
    assert locked.status_code in {403, 429}
    assert "Sign-in is paused for a little while" in page
    assert "This is not a problem with you." in page
    assert "_auth_user_id" not in client.session


def test_wrong_passwords_for_someone_from_one_address_do_not_pause_them_elsewhere(
    demo: DemoWorld, settings
) -> None:
    """The attack: from one address, wrong passwords for Ben until his sign-in pauses. It
    pauses there only; Ben, from his own address, signs in."""
    attacker = Client(REMOTE_ADDR="203.0.113.40")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(attacker, "ben", "wrong-password")
    assert _sign_in(attacker, "ben").status_code in {403, 429}
    assert _sign_in(Client(REMOTE_ADDR="198.51.100.40"), "ben").status_code == 302


def test_one_address_trying_many_names_is_paused_and_only_that_address(
    demo: DemoWorld, settings
) -> None:
    """The attack: one address tries a few passwords on each of many names, staying under
    each name's own limit. After a number of wrong passwords in all, that address waits, even
    with a right password; everyone else signs in as usual."""
    settings.CAIRN_LOCKOUT_ADDRESS_FAILURES = 8
    sprayer = Client(REMOTE_ADDR="203.0.113.50")
    names = ["ana", "ben", "sam", "mia"]
    for n in range(settings.CAIRN_LOCKOUT_ADDRESS_FAILURES):
        wrong = _sign_in(sprayer, names[n % len(names)], f"guess-{n}")
        assert wrong.status_code == 200  # each name is still under its own limit
    paused = _sign_in(sprayer, "rio")
    assert paused.status_code == 429
    page = paused.content.decode()
    assert "paused sign-in from here for a while" in page
    assert "This is not a problem with you." in page
    assert "_auth_user_id" not in sprayer.session
    assert AuditEvent.objects.filter(
        action=Action.PERMISSION_DENIED, target_type="accounts.codethrottle", target_id="sign_in"
    ).exists()
    assert _sign_in(Client(REMOTE_ADDR="198.51.100.50"), "ana").status_code == 302


def test_sign_out_is_a_post_and_is_audited(demo: DemoWorld) -> None:
    client = Client()
    _sign_in(client, "ana")
    assert client.get("/accounts/logout/").status_code == 405
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert client.get("/today/").status_code == 302
    event = AuditEvent.objects.filter(action=Action.SIGN_OUT).get()
    assert (event.actor, event.target_id) == (demo.users["ana"], "chosen")


def test_idle_session_is_signed_out_with_explanation(demo: DemoWorld, settings) -> None:
    client = Client()
    _sign_in(client, "ana")
    session = client.session
    session[LAST_SEEN_KEY] = time.time() - settings.CAIRN_IDLE_TIMEOUT_MINUTES * 60 - 5
    session.save()
    response = client.get("/participants/", follow=True)
    assert response.request["PATH_INFO"] == "/accounts/login/"
    assert "signed out after 15 minutes without activity" in response.content.decode()
    event = AuditEvent.objects.filter(action=Action.SIGN_OUT).get()
    assert event.target_id == "idle"


def test_activity_keeps_the_session(demo: DemoWorld, settings) -> None:
    client = Client()
    _sign_in(client, "ana")
    session = client.session
    session[LAST_SEEN_KEY] = time.time() - settings.CAIRN_IDLE_TIMEOUT_MINUTES * 60 + 30
    session.save()
    assert client.post("/accounts/keepalive/").json() == {"signed_in": True}
    assert client.get("/today/").status_code == 200


def test_pages_carry_the_idle_warning_timing(demo: DemoWorld, client_for) -> None:
    page = client_for("ana").get("/today/").content.decode()
    assert 'data-idle-timeout="900"' in page
    assert 'id="idle-warning"' in page


def test_staff_must_enrol_second_factor_when_required(demo: DemoWorld, settings) -> None:
    settings.CAIRN_REQUIRE_2FA = True
    client = Client()
    response = _sign_in(client, "mia")
    landing = client.get(response["Location"])
    assert landing.status_code == 302
    assert landing["Location"].startswith("/accounts/two-factor/setup/")
    setup = client.get(landing["Location"])
    assert "Set up two-step sign-in" in setup.content.decode()
    assert "<svg" in setup.content.decode()
    device = AuthenticatorApp.objects.get(user=demo.users["mia"])
    wrong = client.post(
        "/accounts/two-factor/setup/", {"token": "000000", "next": "/participants/"}
    )
    assert "That code did not match" in wrong.content.decode()
    device.refresh_from_db()
    device.throttle_reset()  # the wrong try starts django-otp's back-off; a person waits it out
    code = f"{totp(device.bin_key):06d}"
    done = client.post("/accounts/two-factor/setup/", {"token": code, "next": "/participants/"})
    assert done.status_code == 302 and done["Location"] == "/participants/"
    assert client.get("/participants/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEvent.objects.filter(
        action=Action.UPDATE, changed_fields=["two_factor"], actor=demo.users["mia"]
    ).exists()


def test_enrolled_staff_verify_code_at_next_sign_in(demo: DemoWorld) -> None:
    device = AuthenticatorApp.objects.create(user=demo.users["sam"], name="phone", confirmed=True)
    client = Client()
    _sign_in(client, "sam")
    gate = client.get("/today/")
    assert gate["Location"].startswith("/accounts/two-factor/verify/")
    assert client.get("/participants/").status_code == 302
    done = client.post(
        "/accounts/two-factor/verify/", {"token": f"{totp(device.bin_key):06d}", "next": "/today/"}
    )
    assert done["Location"] == "/today/"
    assert client.get("/today/").status_code == 200


def test_participants_are_not_asked_for_a_second_factor(demo: DemoWorld, settings) -> None:
    settings.CAIRN_REQUIRE_2FA = True
    client = Client()
    _sign_in(client, "pat")
    assert client.get("/me/").status_code == 200


def test_invitation_link_lets_person_choose_password_once(demo: DemoWorld) -> None:
    user = demo.users["ben"]
    user.set_unusable_password()
    user.save()
    client = Client()
    landing = client.get(invitation_path(user=user), follow=True)
    assert "choose your password" in landing.content.decode()
    form_url = landing.redirect_chain[-1][0]
    short = client.post(form_url, {"new_password1": "short", "new_password2": "short"})
    assert "too short" in short.content.decode()
    new = "river stones walk home"
    done = client.post(form_url, {"new_password1": new, "new_password2": new}, follow=True)
    assert "Your password is set" in done.content.decode()
    assert _sign_in(Client(), "ben", new).status_code == 302
    reused = Client().get(invitation_path(user=user), follow=True)
    assert reused.status_code == 200


def test_activity_is_written_to_the_session_at_most_every_few_seconds(
    demo: DemoWorld, settings
) -> None:
    client = Client()
    _sign_in(client, "ana")
    client.get("/today/")
    seen = client.session[LAST_SEEN_KEY]
    stored = Session.objects.get(session_key=client.session.session_key).session_data
    client.get("/today/")
    assert client.session[LAST_SEEN_KEY] == seen
    assert Session.objects.get(session_key=client.session.session_key).session_data == stored

    session = client.session
    session[LAST_SEEN_KEY] = time.time() - LAST_SEEN_STEP_SECONDS - 1
    session.save()
    client.get("/today/")
    assert client.session[LAST_SEEN_KEY] > time.time() - 5
