"""The "not part of your role" page speaks to the role that sees it."""

import pytest
from django.conf import settings

from portal.tests.test_spanish import main_text, spanish_pat

pytestmark = pytest.mark.django_db


def _refused(client, path: str = "/audit/") -> str:
    response = client.get(path)
    assert response.status_code == 403
    return main_text(response.content.decode())


def test_an_administrator_is_not_told_to_ask_the_administrator(demo, client_for) -> None:
    text = _refused(client_for("max"))
    assert "This page isn't part of your role" in text
    assert "As an administrator you look after accounts, teams and settings." in text
    assert "a program manager or the person's coach can do it" in text
    assert "ask your program's administrator" not in text


@pytest.mark.parametrize(
    ("username", "words"),
    [
        ("ana", "ask your supervisor"),
        ("sam", "ask your program manager"),
        ("mia", "ask your program's administrator"),
    ],
)
def test_each_staff_role_is_told_whom_to_ask(demo, client_for, username, words) -> None:
    path = "/organization/settings/" if username == "mia" else "/audit/"
    assert words in _refused(client_for(username), path)


def test_a_participant_is_pointed_back_to_their_own_pages(demo, client_for) -> None:
    text = _refused(client_for("pat"))
    assert "This part of Cairn is for the program's staff." in text
    assert "ask your coach" in text and "administrator" not in text


def test_a_spanish_speaking_participant_reads_it_in_spanish(demo) -> None:
    client = spanish_pat()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"  # saving the choice sets it
    text = _refused(client)
    assert "Esta parte de Cairn es para el personal del programa." in text
    assert "program's staff" not in text
