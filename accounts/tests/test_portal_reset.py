"""A new password without email: a code by text to the phone on file, the same answer whether or
not the name exists, single use, limited tries. Staff keep their administrator's sign-in link."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import CodePurpose, PortalCode
from audit.models import Action, AuditEvent
from cairn.demo import DEMO_PASSWORD, DemoWorld

pytestmark = pytest.mark.django_db

CODE_IN_TEXT = re.compile(r"\b([A-Z0-9]{4})-([A-Z0-9]{4})\b")
NEW_PASSWORD = "green lamp harbor walk"
SAME_ANSWER = "If that sign-in name has a phone number on file, we sent a code to it by text."


def _ask(client: Client, username: str) -> str:
    response = client.post("/me/reset/", {"username": username})
    assert response.status_code == 302 and response["Location"] == "/me/reset/code/"
    return client.get("/me/reset/code/").content.decode()


def _texted_code(text_messages: list) -> str:
    match = CODE_IN_TEXT.search(text_messages[-1].body)
    assert match
    return match.group(1) + match.group(2)


def _reset(client: Client, code: str, password: str = NEW_PASSWORD):
    return client.post(
        "/me/reset/code/", {"code": code, "password1": password, "password2": password}
    )


def test_a_participant_gets_a_code_by_text_and_sets_a_new_password(
    demo: DemoWorld, text_messages: list
) -> None:
    client = Client()
    page = _ask(client, "pat")
    assert SAME_ANSWER in page
    [message] = text_messages
    assert message.to == "+16175550142"
    assert "Harbor" not in message.body  # Pat asked to leave the organization's name out
    assert "http://testserver/me/reset/code/" in message.body
    code = _texted_code(text_messages)
    done = _reset(client, code.lower())
    assert done.status_code == 302 and done["Location"] == "/"
    assert client.get("/me/").status_code == 200  # signed in straight away
    pat = demo.users["pat"]
    pat.refresh_from_db()
    assert pat.check_password(NEW_PASSWORD)
    assert (
        Client().post("/accounts/login/", {"username": "pat", "password": NEW_PASSWORD}).status_code
        == 302
    )
    assert AuditEvent.objects.filter(
        action=Action.UPDATE, actor=pat, changed_fields=["password"]
    ).exists()
    assert AuditEvent.objects.filter(
        action=Action.CREATE, target_type="accounts.portalcode", actor=None
    ).exists()


def test_unknown_names_and_staff_get_the_same_answer_and_no_text(
    demo: DemoWorld, text_messages: list
) -> None:
    answers = [_ask(Client(), name) for name in ("nobody-by-this-name", "ana")]
    for page in answers:
        assert SAME_ANSWER in page
    assert text_messages == []
    assert not PortalCode.objects.exists()
    failed = AuditEvent.objects.filter(
        action=Action.SIGN_IN_FAILED, target_type="accounts.passwordreset"
    )
    assert failed.count() == 2
    assert "nobody" not in "".join(e.target_id + e.actor_username for e in failed)


def test_a_participant_without_a_phone_gets_the_same_answer_and_no_text(
    demo: DemoWorld, text_messages: list
) -> None:
    from participants.models import Participant

    Participant.objects.filter(user__username="pat").update(phone="")
    assert SAME_ANSWER in _ask(Client(), "pat")
    assert text_messages == []


def test_a_reset_code_works_once(demo: DemoWorld, text_messages: list) -> None:
    client = Client()
    _ask(client, "pat")
    code = _texted_code(text_messages)
    assert _reset(client, code).status_code == 302
    again = Client()
    _ask(again, "pat")  # a second request, then the old code typed again
    page = _reset(again, code).content.decode()
    assert "That code didn&#x27;t work" in page


def test_a_reset_code_expires(demo: DemoWorld, text_messages: list) -> None:
    client = Client()
    _ask(client, "pat")
    code = _texted_code(text_messages)
    PortalCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert "That code didn&#x27;t work" in _reset(client, code).content.decode()
    demo.users["pat"].refresh_from_db()
    assert demo.users["pat"].check_password(DEMO_PASSWORD)


def test_guessing_at_one_code_retires_it(demo: DemoWorld, text_messages: list, settings) -> None:
    client = Client()
    _ask(client, "pat")
    code = _texted_code(text_messages)
    for n in range(settings.CAIRN_CODE_FAILURES):
        # A different address each time: the code itself still stops being guessable.
        guess = Client(REMOTE_ADDR=f"10.0.0.{n + 1}")
        guess.cookies = client.cookies
        _reset(guess, "ABCD2345")
    stored = PortalCode.objects.get(purpose=CodePurpose.RESET)
    assert stored.failed_attempts == settings.CAIRN_CODE_FAILURES
    assert stored.retired_at is not None
    assert "That code didn&#x27;t work" in _reset(client, code).content.decode()


def test_wrong_reset_codes_pause_the_address_calmly(
    demo: DemoWorld, text_messages: list, settings
) -> None:
    client = Client()
    _ask(client, "pat")
    for _ in range(settings.CAIRN_CODE_FAILURES - 1):
        assert _reset(client, "ABCD2345").status_code == 200
    paused = _reset(client, "ABCD2345")
    assert paused.status_code == 429
    assert "This is not a problem with you." in paused.content.decode()


def test_texts_to_one_name_stop_after_a_few_whoever_asks(
    demo: DemoWorld, text_messages: list, settings
) -> None:
    """Nobody can fill a person's phone: from any number of addresses, a few texts and no
    more. Every request gets the same answer, so nobody learns anything from it either."""
    limit = settings.CAIRN_CODE_FAILURES
    for n in range(limit + 3):
        _ask(Client(REMOTE_ADDR=f"10.0.1.{n + 1}"), "pat")
    assert len(text_messages) == limit
    # Only the newest code works, and it still does.
    assert PortalCode.objects.usable().count() == 1
    client = Client(REMOTE_ADDR="10.0.1.99")
    _ask(client, "pat")
    assert _reset(client, _texted_code(text_messages)).status_code == 302


def test_asking_for_someone_elses_new_password_does_not_keep_them_out(
    demo: DemoWorld, text_messages: list, settings
) -> None:
    """The attack: from one address, ask again and again for Pat's new password, hoping to
    pause Pat's own reset. That address is paused; Pat, elsewhere, is not, and the newest code
    on Pat's phone sets the new password."""
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(settings.CAIRN_CODE_FAILURES):
        _ask(attacker, "pat")
    refused = attacker.post("/me/reset/", {"username": "pat"})
    assert refused.status_code == 429
    assert "Let's take a short break" in refused.content.decode()
    pat_phone = Client(REMOTE_ADDR="198.51.100.7")
    page = _ask(pat_phone, "pat")
    assert SAME_ANSWER in page
    assert _reset(pat_phone, _texted_code(text_messages)).status_code == 302
    demo.users["pat"].refresh_from_db()
    assert demo.users["pat"].check_password(NEW_PASSWORD)


def test_one_address_going_through_names_is_paused_and_only_that_address(
    demo: DemoWorld, text_messages: list, settings
) -> None:
    """The attack: one address asks for seven people's new passwords (texts that cost money
    and tell people someone is trying). After a few, that address waits; other people don't."""
    names = ["pat", "robin.r", "sky", "jordan", "kit", "lee", "max.b"]
    sweeper = Client(REMOTE_ADDR="203.0.113.20")
    answers = [sweeper.post("/me/reset/", {"username": name}).status_code for name in names]
    limit = settings.CAIRN_CODE_FAILURES
    assert answers == [302] * limit + [429] * (len(names) - limit)
    assert (
        AuditEvent.objects.filter(
            action=Action.PERMISSION_DENIED,
            target_type="accounts.codethrottle",
            target_id="request",
        ).count()
        == len(names) - limit
    )
    assert (
        Client(REMOTE_ADDR="198.51.100.8").post("/me/reset/", {"username": "pat"}).status_code
        == 302
    )


def test_a_new_password_ends_a_sign_in_pause(
    demo: DemoWorld, text_messages: list, settings
) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        Client().post("/accounts/login/", {"username": "pat", "password": "wrong-password"})
    locked = Client().post("/accounts/login/", {"username": "pat", "password": DEMO_PASSWORD})
    assert locked.status_code in {403, 429}
    client = Client()
    _ask(client, "pat")
    assert _reset(client, _texted_code(text_messages)).status_code == 302
    assert (
        Client().post("/accounts/login/", {"username": "pat", "password": NEW_PASSWORD}).status_code
        == 302
    )


def test_the_code_step_needs_a_request_first(db) -> None:
    response = Client().get("/me/reset/code/")
    assert response.status_code == 302 and response["Location"] == "/me/reset/"


def test_sign_in_page_points_participants_to_codes(db) -> None:
    page = Client().get("/accounts/login/").content.decode()
    assert 'href="/me/start/"' in page and 'href="/me/reset/"' in page
    assert "administrator can give you a new sign-in link" in page
