"""Texts that come back: only Twilio-signed webhooks are heard, a replay changes nothing, a text
lands in the thread of the one person who gave the number, and shared or unknown numbers wait
for staff to choose (never a guess), scoped to the organization."""

import logging

import pytest
from django.db import connection
from django.test import Client

from audit.models import Action, AuditEvent
from cairn.demo import DemoWorld
from inbox.models import Message, Thread
from participants.models import Participant
from texting.models import MAX_TEXT_CHARS, InboundText, Match
from texting.tests.conftest import INCOMING, PAT_PHONE, signed_post

pytestmark = pytest.mark.django_db

SECRET = "Running late, my ride to the clinic fell through"


def _pat(demo: DemoWorld) -> Participant:
    return Participant.objects.get(user=demo.users["pat"])


def test_a_signed_text_from_pat_lands_in_pats_thread_new_for_ana(demo, client_for, text_in):
    unread = Thread.objects.get(participant=_pat(demo)).unread_by_staff
    response = text_in(SECRET)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/xml")
    assert response.content.decode().endswith("<Response></Response>")
    pat = _pat(demo)
    message = Message.objects.get(by_text=True)
    assert message.from_participant and message.by_text and message.body == SECRET
    assert message.sender == demo.users["pat"]
    assert Thread.objects.get(participant=pat).unread_by_staff == unread + 1
    page = client_for("ana").get(f"/inbox/{pat.id}/").content.decode()
    assert SECRET in page and "by text" in page
    text = InboundText.objects.get()
    assert text.match == Match.ONE and text.participant == pat and text.body == ""
    assert AuditEvent.objects.filter(
        action=Action.CREATE, target_type="texting.inboundtext", participant_id=pat.id
    ).exists()


def test_the_text_is_unreadable_at_rest(demo, text_in):
    text_in(SECRET)
    with connection.cursor() as cursor:
        cursor.execute("SELECT body FROM inbox_message")
        stored = "\n".join(row[0] for row in cursor.fetchall())
    assert "clinic" not in stored


@pytest.mark.parametrize("signature", ["", "forged-signature", "wrong-token"])
def test_an_unsigned_or_forged_webhook_is_refused_and_audited_without_its_body(
    demo, signature, caplog
):
    fields = {"MessageSid": "SM1", "From": PAT_PHONE, "Body": SECRET, "NumMedia": "0"}
    caplog.set_level(logging.DEBUG)
    if signature == "wrong-token":
        response = signed_post(INCOMING, fields, token="not-the-token")
    else:
        headers = {"HTTP_X_TWILIO_SIGNATURE": signature} if signature else {}
        response = Client().post(INCOMING, fields, **headers)
    assert response.status_code == 403
    assert not InboundText.objects.exists() and not Message.objects.filter(by_text=True).exists()
    refused = AuditEvent.objects.filter(action=Action.PERMISSION_DENIED, target_type="url")
    assert refused.filter(target_id="texting:twilio_incoming").count() == 1
    assert "clinic" not in caplog.text


def test_without_an_auth_token_every_webhook_is_refused(demo, text_in, settings):
    settings.CAIRN_SMS_TWILIO_AUTH_TOKEN = ""
    assert text_in(SECRET).status_code == 403
    assert not InboundText.objects.exists()


def test_a_replayed_text_is_stored_and_placed_once(demo, text_in):
    unread = Thread.objects.get(participant=_pat(demo)).unread_by_staff
    assert text_in(SECRET, sid="SMreplayed").status_code == 200
    assert text_in(SECRET, sid="SMreplayed").status_code == 200
    assert InboundText.objects.count() == 1
    assert Message.objects.filter(by_text=True).count() == 1
    assert Thread.objects.get(participant=_pat(demo)).unread_by_staff == unread + 1


def test_a_get_is_not_allowed(demo):
    assert Client().get(INCOMING).status_code == 405


def test_an_unknown_organization_is_not_found_even_when_signed(demo):
    fields = {"MessageSid": "SM9", "From": PAT_PHONE, "Body": "hi", "NumMedia": "0"}
    assert signed_post("/texts/twilio/nowhere/incoming/", fields).status_code == 404


def test_a_shared_number_waits_for_ana_to_choose_and_never_guesses(demo, client_for, text_in):
    pat = _pat(demo)
    other = (
        Participant.objects.filter(organization=pat.organization, coach=demo.users["ana"])
        .exclude(pk=pat.pk)
        .first()
    )
    assert other is not None
    Participant.objects.filter(pk=other.pk).update(phone=PAT_PHONE)
    text_in(SECRET)
    text = InboundText.objects.get()
    assert text.match == Match.SHARED and text.participant is None
    assert not Message.objects.filter(by_text=True).exists()
    ana = client_for("ana")
    assert "Text received" in ana.get("/texts/waiting/").content.decode()
    page = ana.get(f"/texts/waiting/{text.id}/").content.decode()
    assert SECRET in page and pat.preferred_name in page and other.preferred_name in page
    assert client_for("rio").get(f"/texts/waiting/{text.id}/").status_code == 404
    assert client_for("ben").get(f"/texts/waiting/{text.id}/").status_code == 404
    response = ana.post(f"/texts/waiting/{text.id}/", {"choice": str(pat.id)})
    assert response.status_code == 302
    message = Message.objects.get(by_text=True)
    assert message.thread.participant == pat and message.body == SECRET
    text.refresh_from_db()
    assert text.match == Match.CHOSEN and text.settled_by == demo.users["ana"] and text.body == ""
    assert AuditEvent.objects.filter(
        action=Action.UPDATE, target_type="texting.inboundtext", actor=demo.users["ana"]
    ).exists()
    assert ana.get(f"/texts/waiting/{text.id}/").status_code == 404


def test_an_unknown_number_is_kept_for_managers_only_and_gets_no_reply(
    demo, client_for, text_in, text_messages
):
    text_in("Is this the recovery center?", sender="+16175550999")
    text = InboundText.objects.get()
    assert text.match == Match.UNKNOWN and not Message.objects.filter(by_text=True).exists()
    assert text_messages == []
    assert AuditEvent.objects.filter(
        action=Action.CREATE, target_type="texting.inboundtext", target_id=str(text.id)
    ).exists()
    mia = client_for("mia")
    assert "Text received" in mia.get("/texts/waiting/").content.decode()
    assert "Is this the recovery center?" in mia.get(f"/texts/waiting/{text.id}/").content.decode()
    assert client_for("ana").get(f"/texts/waiting/{text.id}/").status_code == 404
    assert "Text received" not in client_for("ana").get("/texts/waiting/").content.decode()
    assert client_for("rio").get(f"/texts/waiting/{text.id}/").status_code == 404
    mia.post(f"/texts/waiting/{text.id}/", {"choice": "aside"})
    text.refresh_from_db()
    assert text.settled_at is not None and text.body == ""


def test_a_long_text_is_kept_calmly_to_its_first_characters(demo, text_in):
    text_in("a" * (MAX_TEXT_CHARS + 500))
    message = Message.objects.get(by_text=True)
    assert message.body.startswith("a" * MAX_TEXT_CHARS)
    assert "a" * (MAX_TEXT_CHARS + 1) not in message.body
    assert "its first 1,600 characters are kept" in message.body
    assert InboundText.objects.get().truncated


def test_a_picture_is_not_fetched_and_the_coach_is_told_to_ask_another_way(demo, text_in):
    text_in("", media=1)
    message = Message.objects.get(by_text=True)
    assert "A picture or file was sent by text; ask them to share it another way." in message.body
    assert InboundText.objects.get().media_count == 1


def test_a_coachs_list_of_texts_to_place_reads_the_same_at_four_times_the_texts(
    demo, client_for, text_in
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    pat = _pat(demo)
    other = (
        Participant.objects.filter(organization=pat.organization, coach=demo.users["ana"])
        .exclude(pk=pat.pk)
        .first()
    )
    assert other is not None
    Participant.objects.filter(pk=other.pk).update(phone=PAT_PHONE)
    ana = client_for("ana")

    def statements() -> int:
        ana.get("/texts/waiting/")
        with CaptureQueriesContext(connection) as queries:
            page = ana.get("/texts/waiting/")
        assert page.status_code == 200
        return len([q for q in queries if "SAVEPOINT" not in q["sql"]])

    text_in("one")
    once = statements()
    for n in range(3):
        text_in(f"more {n}")
    assert statements() == once
    assert InboundText.objects.filter(match=Match.SHARED, settled_at__isnull=True).count() == 4


def test_the_demo_can_send_a_text_through_the_signed_webhook(demo, monkeypatch):
    from django.core.management import call_command

    monkeypatch.setenv("CAIRN_DEMO", "1")
    call_command("text_in", PAT_PHONE, "See you Thursday")
    message = Message.objects.get(by_text=True)
    assert message.thread.participant == _pat(demo) and message.body == "See you Thursday"
