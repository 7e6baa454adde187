"""Whoever changes someone's sign-in, the account holder is told by their own way in (issue 18,
finding 2): a staff member at their next sign-in and on their Sign-in security page, a
participant on their portal home. Administrators never reach a participant's sign-in at all."""

import html
import re

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.html import strip_tags

from accounts.models import Notice, NoticeKind, User
from accounts.notices import leave_notice
from accounts.tests.test_portal_entry import paper_code, robin  # noqa: F401 - robin: fixture
from accounts.tests.test_portal_reset import _ask, _reset, _texted_code
from audit.models import Action, AuditEvent
from cairn.demo import DEMO_PASSWORD, DemoWorld
from lib.when import show_date
from organizations.models import Membership, Role
from participants.models import Participant
from portal.tests.test_spanish import spanish_pat

pytestmark = pytest.mark.django_db

LINK = re.compile(r'value="(http://testserver/accounts/welcome/[^"]+)"')
NEW_PASSWORD = "quiet harbor morning tide"


def text(response) -> str:
    body = response.content.decode().split("<main", 1)[-1]
    return re.sub(r"\s+", " ", html.unescape(strip_tags("<main" + body)))


def today() -> str:
    return show_date(timezone.localtime())


def _sign_in(username: str, password: str) -> tuple[Client, str]:
    client = Client()
    page = client.post(
        "/accounts/login/", {"username": username, "password": password}, follow=True
    )
    return client, text(page)


def _choose_password(link: str, password: str) -> None:
    client = Client()
    form = client.get(link, follow=True)
    done = client.post(
        form.redirect_chain[-1][0], {"new_password1": password, "new_password2": password}
    )
    assert done.status_code == 302, done.content.decode()[:500]


def test_a_staff_member_is_told_when_an_administrator_made_them_a_new_link(
    demo: DemoWorld, client_for
) -> None:
    ben = demo.users["ben"]
    made = client_for("max").post(f"/organization/people/{ben.public_id}/new-link/")
    assert "Their earlier password has stopped working." in text(made)
    link = LINK.search(made.content.decode())
    assert link
    event = AuditEvent.objects.get(action=Action.SIGN_IN_LINK)
    assert (event.actor_username, event.target_id) == ("max", str(ben.public_id))
    _choose_password(html.unescape(link.group(1)), NEW_PASSWORD)
    ben_client, first_page = _sign_in("ben", NEW_PASSWORD)
    assert f"An administrator made a new sign-in link for your account on {today()}" in first_page
    assert f"Your password was set on {today()}, through a one-time sign-in link." in first_page
    _again, second_page = _sign_in("ben", NEW_PASSWORD)
    assert "An administrator made a new sign-in link" not in second_page  # told once
    security = text(ben_client.get("/accounts/security/"))
    assert "An administrator made a new sign-in link for your account" in security
    assert "Your password was set on" in security  # and kept for a month
    assert AuditEvent.objects.filter(
        action=Action.UPDATE, actor=ben, changed_fields=["password"]
    ).exists()


def test_a_staff_member_with_an_address_is_emailed_when_their_sign_in_changes(
    demo: DemoWorld, client_for, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    """Whoever made the link may be the next to sign in, so the holder's own inbox hears too."""
    ben = demo.users["ben"]
    User.objects.filter(pk=ben.pk).update(email="ben@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        made = client_for("max").post(f"/organization/people/{ben.public_id}/new-link/")
    assert [m.to for m in mailoutbox] == [["ben@example.org"]]
    found = LINK.search(made.content.decode())
    assert found
    link = html.unescape(found.group(1))
    first = mailoutbox[0]
    assert first.subject == "Your Cairn sign-in changed"
    assert f"An administrator made a new sign-in link for your account on {today()}" in first.body
    assert demo.organizations["harbor"].name in first.body
    assert "/accounts/welcome/" not in first.body and link not in first.body  # no way in
    with django_capture_on_commit_callbacks(execute=True):
        _choose_password(link, NEW_PASSWORD)
    assert len(mailoutbox) == 2
    assert f"Your password was set on {today()}" in mailoutbox[1].body


def test_an_email_that_cannot_be_sent_leaves_the_change_and_the_notice(
    demo: DemoWorld, client_for, django_capture_on_commit_callbacks, settings, caplog
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 1
    ben = demo.users["ben"]
    User.objects.filter(pk=ben.pk).update(email="ben@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        made = client_for("max").post(f"/organization/people/{ben.public_id}/new-link/")
    assert "Their earlier password has stopped working." in text(made)
    assert Notice.objects.filter(user=ben, kind=NoticeKind.SIGN_IN_LINK).exists()
    assert "notice email not sent" in caplog.text
    assert "ben@example.org" not in caplog.text


def test_a_participant_is_never_emailed_about_their_sign_in(
    demo: DemoWorld, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    pat = demo.users["pat"]
    User.objects.filter(pk=pat.pk).update(email="pat@example.org")
    pat.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        for kind in (NoticeKind.PORTAL_PASSWORD_RESET, NoticeKind.PORTAL_SIGN_IN_SET_UP):
            leave_notice(user=pat, organization=demo.organizations["harbor"], kind=kind)
    assert mailoutbox == []


def test_a_staff_member_whose_sign_in_did_not_change_is_told_nothing(demo: DemoWorld) -> None:
    _client, page = _sign_in("ana", DEMO_PASSWORD)
    assert "sign-in link" not in page
    assert not Notice.objects.exists()


def test_a_participant_sees_on_their_portal_home_when_their_password_was_changed(
    demo: DemoWorld, text_messages: list
) -> None:
    client = Client()
    _ask(client, "pat")
    _reset(client, _texted_code(text_messages))
    home = text(client.get("/me/"))
    assert f"Your password was changed on {today()}, with a code sent by text." in home
    assert "please tell your coach" in home
    assert Notice.objects.get(user=demo.users["pat"]).kind == NoticeKind.PORTAL_PASSWORD_RESET


def test_a_participant_sees_when_their_sign_in_was_set_up(
    demo: DemoWorld,
    client_for,
    robin: Participant,  # noqa: F811 - the fixture imported above
) -> None:
    code = paper_code(client_for("ana"), robin)
    client = Client()
    client.post("/me/start/", {"code": code})
    client.post(
        "/me/start/account/",
        {"username": "robin.r", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    home = text(client.get("/me/"))
    assert f"Your sign-in was set up on {today()}." in home
    assert User.objects.get(username="robin.r").notices.get().kind == (
        NoticeKind.PORTAL_SIGN_IN_SET_UP
    )


def test_an_administrator_cannot_take_over_a_participants_sign_in(
    demo: DemoWorld, client_for
) -> None:
    """The attack: POST /organization/people/<pat>/new-link/, open the link, sign in as pat."""
    pat = demo.users["pat"]
    max_client = client_for("max")
    assert max_client.post(f"/organization/people/{pat.public_id}/new-link/").status_code == 404
    assert User.objects.get(pk=pat.pk).check_password(DEMO_PASSWORD)  # Pat's own still works
    assert not AuditEvent.objects.filter(action=Action.SIGN_IN_LINK).exists()
    people = max_client.get("/organization/people/", {"role": "participant"})
    assert "Pat" not in text(people)
    counted = re.search(r"(\d+) (?:person|people)", text(max_client.get("/organization/people/")))
    harbor = Membership.objects.filter(organization=demo.organizations["harbor"])
    assert counted and int(counted.group(1)) == harbor.exclude(role=Role.PARTICIPANT).count()
    assert harbor.filter(role=Role.PARTICIPANT).exists()  # there are some, uncounted


def test_a_spanish_speaking_participant_reads_it_in_spanish(demo: DemoWorld) -> None:
    leave_notice(
        user=demo.users["pat"],
        organization=demo.organizations["harbor"],
        kind=NoticeKind.PORTAL_PASSWORD_RESET,
    )
    home = text(spanish_pat().get("/me/"))
    assert "Tu entrada" in home and "Tu contraseña se cambió el" in home
    assert "your coach" not in home
