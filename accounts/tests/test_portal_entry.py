"""Getting into the portal without email: a coach's invitation code, by text or on paper, and the
participant's own sign-up with it. Codes work once, for 72 hours, and only their hash is kept."""

import logging
import re
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.utils import timezone

from accounts.codes import ALPHABET, code_hash
from accounts.models import CodeDelivery, CodePurpose, PortalCode, User
from audit.models import Action, AuditEvent
from cairn.demo import DemoWorld
from organizations.models import Membership, Role
from participants.models import Participant

pytestmark = pytest.mark.django_db

CODE_IN_PAGE = re.compile(r'<p class="code-big">([A-Z0-9]{4})-([A-Z0-9]{4})</p>')
CODE_IN_TEXT = re.compile(r"\b([A-Z0-9]{4})-([A-Z0-9]{4})\b")
CALM_WRONG = "That code didn&#x27;t work. Please check it and try again."
PASSPHRASE = "blue kettle river song"


@pytest.fixture
def robin(demo: DemoWorld) -> Participant:
    """On ana's caseload, a phone on file, no portal sign-in yet, organization name left out."""
    return Participant.objects.create(
        organization=demo.organizations["harbor"],
        preferred_name="Robin",
        phone="+16175550123",
        coach=demo.users["ana"],
        enrolled_on="2026-01-01",
    )


def _invite(client: Client, participant: Participant, delivery: str) -> str:
    response = client.post(f"/accounts/portal-invite/{participant.id}/", {"delivery": delivery})
    assert response.status_code == 200, response.content.decode()[:500]
    return response.content.decode()


def _main(page: str) -> str:
    """The page's main content, without the per-request form token."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page.split("<main", 1)[1])


def paper_code(client: Client, participant: Participant) -> str:
    match = CODE_IN_PAGE.search(_invite(client, participant, CodeDelivery.PAPER))
    assert match, "the paper page shows the code"
    return match.group(1) + match.group(2)


def _sign_up(code: str, username: str = "robin.r", password: str = PASSPHRASE) -> Client:
    client = Client()
    step_one = client.post("/me/start/", {"code": code})
    assert step_one.status_code == 302 and step_one["Location"] == "/me/start/account/"
    done = client.post(
        "/me/start/account/",
        {"username": username, "password1": password, "password2": password},
    )
    assert done.status_code == 302 and done["Location"] == "/me/", done.content.decode()[:800]
    return client


# --- the coach's side ------------------------------------------------------------------------


def test_overview_offers_an_invitation_only_to_someone_without_a_sign_in(
    client_for, robin: Participant
) -> None:
    ana = client_for("ana")
    assert "/accounts/portal-invite/" in ana.get(f"/participants/{robin.id}/").content.decode()
    pat = Participant.objects.get(user__username="pat")
    assert "/accounts/portal-invite/" not in ana.get(f"/participants/{pat.id}/").content.decode()
    page = ana.get(f"/accounts/portal-invite/{pat.id}/").content.decode()
    assert "already has a sign-in" in page
    assert "Make the code" not in page
    manager = client_for("mia").get(f"/participants/{robin.id}/").content.decode()
    assert "/accounts/portal-invite/" not in manager


def test_a_text_invitation_does_not_name_the_organization(
    client_for, robin: Participant, text_messages: list
) -> None:
    page = _invite(client_for("ana"), robin, CodeDelivery.TEXT)
    assert "The code is on its way" in page
    [message] = text_messages
    assert message.to == "+16175550123"
    assert CODE_IN_TEXT.search(message.body)
    assert "http://testserver/me/start/" in message.body
    assert "Harbor" not in message.body and "Recovery" not in message.body
    assert "works once, for 3 days" in message.body


def test_a_text_invitation_names_the_organization_when_they_said_so(
    client_for, robin: Participant, text_messages: list
) -> None:
    robin.organization_name_ok = True
    robin.save()
    _invite(client_for("ana"), robin, CodeDelivery.TEXT)
    assert text_messages[0].body.startswith("Harbor Recovery Community: ")


def test_without_a_phone_the_code_can_only_be_printed(client_for, robin: Participant) -> None:
    robin.phone = ""
    robin.save()
    client = client_for("ana")
    page = client.get(f"/accounts/portal-invite/{robin.id}/").content.decode()
    assert 'value="text"' not in page and 'value="paper"' in page
    refused = client.post(f"/accounts/portal-invite/{robin.id}/", {"delivery": "text"})
    assert "Select a valid choice" in refused.content.decode()
    assert not PortalCode.objects.exists()


def test_a_failed_text_retires_the_code_and_says_so_calmly(
    client_for, robin: Participant, settings
) -> None:
    settings.CAIRN_SMS_BACKEND = "http"
    settings.CAIRN_SMS_HTTP_URL = "http://127.0.0.1:9/"  # the discard port: nothing answers
    settings.CAIRN_SMS_HTTP_TOKEN = "t"
    settings.CAIRN_SMS_HTTP_TIMEOUT_SECONDS = 1
    page = _invite(client_for("ana"), robin, CodeDelivery.TEXT)
    assert "The text could not be sent just now" in page
    assert PortalCode.objects.get().retired_at is not None


def test_a_paper_code_is_shown_once_with_the_address_and_only_its_hash_is_kept(
    client_for, robin: Participant
) -> None:
    client = client_for("ana")
    response = client.post(f"/accounts/portal-invite/{robin.id}/", {"delivery": "paper"})
    assert response["Cache-Control"] == "no-store"
    page = response.content.decode()
    match = CODE_IN_PAGE.search(page)
    assert match
    code = match.group(1) + match.group(2)
    assert set(code) <= set(ALPHABET) and len(code) == 8
    assert "http://testserver/me/start/" in page
    assert "Harbor" not in page.split('class="code-handout"', 1)[1].split("</section>", 1)[0]
    stored = PortalCode.objects.get()
    assert stored.code_hash == code_hash(code) and code not in stored.code_hash
    assert stored.purpose == CodePurpose.INVITATION and stored.delivery == CodeDelivery.PAPER
    assert timedelta(hours=71) < stored.expires_at - timezone.now() <= timedelta(hours=72)
    # Nowhere in the database, sessions included, is the code readable.
    with connection.cursor() as cursor:
        dump = []
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            dump += [str(value) for row in cursor.fetchall() for value in row]
    dump += [str(s.get_decoded()) for s in Session.objects.all()]
    text = "\n".join(dump)
    assert code not in text and f"{code[:4]}-{code[4:]}" not in text


def test_a_new_invitation_retires_the_earlier_code(client_for, robin: Participant) -> None:
    client = client_for("ana")
    first = paper_code(client, robin)
    second = paper_code(client, robin)
    assert first != second
    refused = Client().post("/me/start/", {"code": first})
    assert CALM_WRONG in refused.content.decode()
    assert _sign_up(second)


def test_an_invitation_is_audited_as_the_coach_action(client_for, robin: Participant) -> None:
    paper_code(client_for("sam"), robin)  # ana's supervisor may invite too
    event = AuditEvent.objects.filter(action=Action.CREATE, target_type="accounts.portalcode").get()
    assert event.actor_username == "sam" and event.role == Role.SUPERVISOR
    assert event.participant_id == robin.id
    assert event.target_id == str(PortalCode.objects.get().public_id)


def test_a_coach_cannot_invite_someone_outside_their_caseload(
    client_for, robin: Participant
) -> None:
    assert (
        client_for("ben")
        .post(f"/accounts/portal-invite/{robin.id}/", {"delivery": "paper"})
        .status_code
        == 404
    )
    assert not PortalCode.objects.exists()


# --- the participant's side ------------------------------------------------------------------


def test_a_person_signs_up_with_their_code_and_lands_on_their_own_cairn(
    client_for, robin: Participant
) -> None:
    code = paper_code(client_for("ana"), robin)
    client = _sign_up(code.lower()[:4] + " " + code.lower()[4:])  # forgiving of how it's typed
    home = client.get("/me/")
    assert home.status_code == 200
    page = home.content.decode()
    assert "Hi, Robin" in page and "Your sign-in name is robin.r" in page
    robin.refresh_from_db()
    user = User.objects.get(username="robin.r")
    assert robin.user == user and user.preferred_name == "Robin"
    assert user.check_password(PASSPHRASE)
    assert Membership.objects.get(user=user).role == Role.PARTICIPANT
    assert Membership.objects.get(user=user).organization == robin.organization
    assert PortalCode.objects.get().used_at is not None
    created = AuditEvent.objects.get(action=Action.CREATE, target_type="accounts.user")
    assert created.actor == user and created.participant_id == robin.id
    assert AuditEvent.objects.filter(action=Action.SIGN_IN, actor=user).exists()
    # And the ordinary sign-in works with what they chose, even if the phone capitalises it.
    for typed in ("robin.r", "Robin.r"):
        signed_in = Client().post("/accounts/login/", {"username": typed, "password": PASSPHRASE})
        assert signed_in.status_code == 302, typed


def test_a_used_code_is_refused_with_the_same_calm_words(client_for, robin: Participant) -> None:
    code = paper_code(client_for("ana"), robin)
    _sign_up(code)
    again = Client().post("/me/start/", {"code": code})
    assert again.status_code == 200
    assert CALM_WRONG in again.content.decode()
    failed = AuditEvent.objects.filter(action=Action.SIGN_IN_FAILED).get()
    assert failed.target_id == str(PortalCode.objects.get().public_id)
    assert failed.participant_id == robin.id


def test_an_expired_code_is_refused_with_the_same_calm_words(
    client_for, robin: Participant
) -> None:
    code = paper_code(client_for("ana"), robin)
    PortalCode.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    expired = Client().post("/me/start/", {"code": code}).content.decode()
    wrong = Client().post("/me/start/", {"code": "ABCD2345"}).content.decode()
    assert CALM_WRONG in expired and CALM_WRONG in wrong
    assert _main(expired) == _main(wrong).replace("ABCD2345", code)
    events = AuditEvent.objects.filter(action=Action.SIGN_IN_FAILED).order_by("seq")
    assert {e.target_type for e in events} == {"accounts.portalcode"}


def test_a_code_of_the_wrong_shape_is_explained(db) -> None:
    page = Client().post("/me/start/", {"code": "abc"}).content.decode()
    assert "The code has 8 letters and numbers" in page
    assert not AuditEvent.objects.exists()  # nothing was tried against the codes


def test_five_wrong_codes_pause_code_entry_with_calm_words(
    client_for, robin: Participant, settings
) -> None:
    code = paper_code(client_for("ana"), robin)
    guesser = Client()
    for _ in range(settings.CAIRN_CODE_FAILURES - 1):
        assert CALM_WRONG in guesser.post("/me/start/", {"code": "ABCD2345"}).content.decode()
    paused = guesser.post("/me/start/", {"code": "ABCD2346"})
    assert paused.status_code == 429
    page = paused.content.decode()
    assert "Let's take a short break" in page
    assert "This is not a problem with you." in page and "wait 15 minutes" in page
    # Even the right code waits out the pause, from the same address.
    right_too = guesser.post("/me/start/", {"code": code})
    assert right_too.status_code == 429
    assert AuditEvent.objects.filter(
        action=Action.PERMISSION_DENIED, target_type="accounts.codethrottle"
    ).exists()
    # Another address is not affected.
    assert Client(REMOTE_ADDR="10.0.0.9").post("/me/start/", {"code": code}).status_code == 302


def test_a_right_code_does_not_wipe_an_addresses_wrong_tries(
    client_for, robin: Participant, settings
) -> None:
    """Someone holding one code of their own cannot use it to go on guessing everyone else's:
    their right code is counted for nothing, and their wrong ones still add up to a pause."""
    own = paper_code(client_for("ana"), robin)
    guesser = Client(REMOTE_ADDR="203.0.113.30")
    for _ in range(settings.CAIRN_CODE_FAILURES - 1):
        assert guesser.post("/me/start/", {"code": "ABCD2345"}).status_code == 200
    assert guesser.post("/me/start/", {"code": own}).status_code == 302
    assert guesser.post("/me/start/", {"code": "ABCD2346"}).status_code == 429


def test_the_pause_ends_by_itself(client_for, robin: Participant, settings) -> None:
    from accounts.models import CodeThrottle

    code = paper_code(client_for("ana"), robin)
    guesser = Client()
    for _ in range(settings.CAIRN_CODE_FAILURES):
        guesser.post("/me/start/", {"code": "ABCD2345"})
    assert guesser.post("/me/start/", {"code": code}).status_code == 429
    CodeThrottle.objects.update(
        paused_until=timezone.now() - timedelta(seconds=1),
        window_started_at=timezone.now() - timedelta(minutes=16),
    )
    assert guesser.post("/me/start/", {"code": code}).status_code == 302


def test_a_throttle_row_never_holds_the_address(client_for, robin: Participant) -> None:
    from accounts.models import CodeThrottle

    Client(REMOTE_ADDR="203.0.113.7").post("/me/start/", {"code": "ABCD2345"})
    row = CodeThrottle.objects.get()
    assert "203.0.113.7" not in row.key and row.failures == 1


@pytest.mark.parametrize(
    ("username", "password", "message"),
    [
        ("ANA", PASSPHRASE, "Someone already has that name"),
        ("my name", PASSPHRASE, "with no spaces"),
        ("ok", PASSPHRASE, "Use 3 to 30 letters"),
        ("robin.r", "short", "too short"),
        ("robin.r", "1234567890123", "entirely numeric"),
        ("robin.r", "password123", "too common"),
    ],
)
def test_sign_up_rules_are_explained_and_nothing_is_created(
    client_for, robin: Participant, username: str, password: str, message: str
) -> None:
    code = paper_code(client_for("ana"), robin)
    client = Client()
    client.post("/me/start/", {"code": code})
    page = client.post(
        "/me/start/account/",
        {"username": username, "password1": password, "password2": password},
    ).content.decode()
    assert message in page
    assert 'role="alert"' in page
    robin.refresh_from_db()
    assert robin.user is None
    assert PortalCode.objects.get().used_at is None


def test_mismatched_passwords_are_explained(client_for, robin: Participant) -> None:
    code = paper_code(client_for("ana"), robin)
    client = Client()
    client.post("/me/start/", {"code": code})
    page = client.post(
        "/me/start/account/",
        {"username": "robin.r", "password1": PASSPHRASE, "password2": PASSPHRASE + "s"},
    ).content.decode()
    assert "The two didn&#x27;t match" in page


def test_choosing_a_name_needs_a_checked_code_first(db) -> None:
    response = Client().get("/me/start/account/")
    assert response.status_code == 302 and response["Location"] == "/me/start/"


def test_a_code_used_up_between_the_two_steps_sends_the_person_back(
    client_for, robin: Participant
) -> None:
    code = paper_code(client_for("ana"), robin)
    client = Client()
    client.post("/me/start/", {"code": code})
    PortalCode.objects.update(retired_at=timezone.now())  # e.g. the coach made a new one
    response = client.post(
        "/me/start/account/",
        {"username": "robin.r", "password1": PASSPHRASE, "password2": PASSPHRASE},
    )
    assert response["Location"] == "/me/start/"
    assert not User.objects.filter(username="robin.r").exists()


def test_signed_in_people_are_sent_home_from_the_sign_up_pages(client_for) -> None:
    for path in ("/me/start/", "/me/reset/"):
        response = client_for("pat").get(path)
        assert response.status_code == 302 and response["Location"] == "/"


def test_logs_never_hold_codes_or_passwords(
    client_for, robin: Participant, caplog: pytest.LogCaptureFixture, text_messages: list
) -> None:
    caplog.set_level(logging.DEBUG)
    client = client_for("ana")
    _invite(client, robin, CodeDelivery.TEXT)
    texted = "".join(CODE_IN_TEXT.search(text_messages[0].body).groups())  # type: ignore[union-attr]
    Client().post("/me/start/", {"code": "ABCD2345"})
    _sign_up(texted)
    Client().post("/me/reset/", {"username": "robin.r"})
    logs = caplog.text
    assert texted not in logs and f"{texted[:4]}-{texted[4:]}" not in logs
    assert PASSPHRASE not in logs and "ABCD2345" not in logs
