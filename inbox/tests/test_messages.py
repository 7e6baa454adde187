"""Secure messages: Pat and Ana write to each other; bodies are unreadable at rest; the text
notification says nothing about the content; other people's threads are not found."""

import pytest
from django.db import connection

from audit.models import Action, AuditEvent
from cairn.demo import DemoWorld
from inbox.models import Message, Thread
from participants.models import Participant

pytestmark = pytest.mark.django_db

SECRET = "The court date moved to the 14th, Malcolm can drive me"


def _pat(demo: DemoWorld) -> Participant:
    return Participant.objects.get(user=demo.users["pat"])


def test_pat_sends_a_message_and_ana_reads_it_new_first(demo, client_for) -> None:
    response = client_for("pat").post("/me/messages/", {"text": "Can we meet on Friday?"})
    assert response.status_code == 302
    thread = Thread.objects.get(participant=_pat(demo))
    assert thread.unread_by_staff == 1
    ana = client_for("ana")
    listing = ana.get("/inbox/").content.decode()
    assert "Pat" in listing and "1 new" in listing
    page = ana.get(f"/inbox/{_pat(demo).id}/").content.decode()
    assert "Can we meet on Friday?" in page
    thread.refresh_from_db()
    assert thread.unread_by_staff == 0
    assert AuditEvent.objects.filter(
        action=Action.VIEW, target_type="inbox.thread", actor=demo.users["ana"]
    ).exists()
    assert AuditEvent.objects.filter(
        action=Action.CREATE, target_type="inbox.message", actor=demo.users["pat"]
    ).exists()


def test_a_supervisor_can_reply_but_reading_leaves_it_new_for_the_coach(demo, client_for) -> None:
    client_for("pat").post("/me/messages/", {"text": "Is Ana in today?"})
    sam = client_for("sam")
    assert "Is Ana in today?" in sam.get(f"/inbox/{_pat(demo).id}/").content.decode()
    assert Thread.objects.get(participant=_pat(demo)).unread_by_staff == 1
    sam.post(f"/inbox/{_pat(demo).id}/", {"text": "Ana is out today; she is back tomorrow."})
    assert Message.objects.filter(sender=demo.users["sam"], from_participant=False).exists()


def test_coach_message_texts_pat_without_any_content(
    demo, client_for, text_messages, django_capture_on_commit_callbacks
) -> None:
    pat = _pat(demo)
    with django_capture_on_commit_callbacks(execute=True):
        client_for("ana").post(f"/inbox/{pat.id}/", {"text": SECRET})
    assert len(text_messages) == 1
    sent = text_messages[0]
    assert sent.to == pat.phone
    # Pat chose not to have the organization's name used: the discreet wording.
    assert sent.body == "You have a new message"
    assert "Malcolm" not in sent.body and "Cairn" not in sent.body


def test_the_notification_names_cairn_when_pat_allows_it(
    demo, client_for, text_messages, django_capture_on_commit_callbacks
) -> None:
    pat = _pat(demo)
    Participant.objects.filter(pk=pat.pk).update(organization_name_ok=True)
    with django_capture_on_commit_callbacks(execute=True):
        client_for("ana").post(f"/inbox/{pat.id}/", {"text": "See you soon."})
    assert [m.body for m in text_messages] == ["You have a new message in Cairn"]


def test_no_text_when_text_is_not_a_chosen_way_to_reach_pat(
    demo, client_for, text_messages, django_capture_on_commit_callbacks
) -> None:
    pat = _pat(demo)
    Participant.objects.filter(pk=pat.pk).update(contact_channels=["call"])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        client_for("ana").post(f"/inbox/{pat.id}/", {"text": "See you soon."})
    assert len(callbacks) == 1 and text_messages == []
    assert Message.objects.latest("created_at").body == "See you soon."


def test_message_bodies_are_unreadable_at_rest(demo, client_for) -> None:
    client_for("pat").post("/me/messages/", {"text": SECRET})
    assert Message.objects.filter(from_participant=True).latest("created_at").body == SECRET
    with connection.cursor() as cursor:
        cursor.execute("SELECT body FROM inbox_message")
        stored = "\n".join(row[0] for row in cursor.fetchall())
    assert "Malcolm" not in stored and "court date" not in stored


def test_pat_reading_clears_new_and_the_home_card_shows_the_latest(demo, client_for) -> None:
    pat = client_for("pat")
    home = pat.get("/me/").content.decode()
    assert "You have 1 new message." in home
    assert "Proud of the steps you are taking." in home
    page = pat.get("/me/messages/").content.decode()
    assert "An answer can take a day or two" in page and "988" in page
    assert Thread.objects.get(participant=_pat(demo)).unread_by_participant == 0
    assert "new message" not in pat.get("/me/").content.decode()


def test_other_coaches_cannot_open_pats_thread(demo, client_for) -> None:
    pat = _pat(demo)
    assert client_for("ben").get(f"/inbox/{pat.id}/").status_code == 404
    assert client_for("rio").get(f"/inbox/{pat.id}/").status_code == 404
    assert client_for("mia").get(f"/inbox/{pat.id}/").status_code == 403
    before = Message.objects.count()
    assert client_for("ben").post(f"/inbox/{pat.id}/", {"text": "hi"}).status_code == 404
    assert Message.objects.count() == before
    assert "Pat" not in client_for("ben").get("/inbox/").content.decode().split("<main", 1)[1]


def test_an_empty_message_is_refused_calmly(demo, client_for) -> None:
    before = Message.objects.count()
    page = client_for("pat").post("/me/messages/", {"text": "   "})
    assert page.status_code == 200 and 'role="alert"' in page.content.decode()
    assert Message.objects.count() == before


def test_the_text_is_in_the_persons_language_not_the_coachs(
    demo, client_for, text_messages, django_capture_on_commit_callbacks
) -> None:
    pat = _pat(demo)
    Participant.objects.filter(pk=pat.pk).update(preferred_language="es")
    with django_capture_on_commit_callbacks(execute=True):
        client_for("ana").post(f"/inbox/{pat.id}/", {"text": "See you soon."})
    assert [m.body for m in text_messages] == ["Tienes un mensaje nuevo"]
    # A Spanish-speaking coach writing to an English-speaking person texts in English.
    from accounts.models import User

    Participant.objects.filter(pk=pat.pk).update(preferred_language="en")
    User.objects.filter(username="ana").update(language="es")
    text_messages.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client_for("ana").post(f"/inbox/{pat.id}/", {"text": "Hasta pronto."})
    assert [m.body for m in text_messages] == ["You have a new message"]
