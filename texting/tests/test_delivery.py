"""Answers go back by text: once Pat texts the program and text is their first way, Ana's answer
goes as a text itself (inside their texting hours, else queued), with a delivery state Ana sees,
moved on by Twilio's signed delivery reports for this organization only."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from cairn.demo import DemoWorld
from inbox.jobs import NEW_MESSAGE_TEXT
from inbox.models import Message, TextState
from inbox.services import TEXT_TRIES
from jobs import runner
from jobs.models import Job, JobState
from lib import sms
from lib.sms_twilio import status_callback
from participants.models import ContactChannel, Participant
from texting.tests.conftest import PAT_PHONE, STATUS, signed_post

pytestmark = pytest.mark.django_db

ANSWER = "Sorry to hear that. Can we meet at 3 instead?"


def _pat(demo: DemoWorld) -> Participant:
    return Participant.objects.get(user=demo.users["pat"])


def _answer(client_for, pat, capture) -> Message:
    with capture(execute=True):
        client_for("ana").post(f"/inbox/{pat.id}/", {"text": ANSWER})
    return Message.objects.filter(from_participant=False).latest("created_at")


def test_after_pat_texts_in_anas_answer_goes_back_as_a_text(
    demo, client_for, text_in, text_messages, django_capture_on_commit_callbacks
):
    pat = _pat(demo)
    text_in("Running late, can we move it?")
    before = client_for("ana").get(f"/inbox/{pat.id}/").content.decode()
    assert "your answer goes to them as a text" in before
    message = _answer(client_for, pat, django_capture_on_commit_callbacks)
    assert [(m.to, m.body) for m in text_messages] == [(PAT_PHONE, ANSWER)]
    assert message.by_text and message.text_state == TextState.SENT
    assert message.provider_message_id.startswith("memory-")
    page = client_for("ana").get(f"/inbox/{pat.id}/").content.decode()
    assert "Sent as a text: sent" in page


def test_without_a_text_from_them_only_the_content_free_note_goes(
    demo, client_for, text_messages, django_capture_on_commit_callbacks
):
    message = _answer(client_for, _pat(demo), django_capture_on_commit_callbacks)
    assert [m.body for m in text_messages] == ["You have a new message"]
    assert not message.by_text and message.text_state == TextState.SENT


def test_when_text_is_not_their_first_way_the_answer_does_not_go_by_text(
    demo, client_for, text_in, text_messages, django_capture_on_commit_callbacks
):
    pat = _pat(demo)
    Participant.objects.filter(pk=pat.pk).update(
        contact_channels=[ContactChannel.CALL, ContactChannel.TEXT]
    )
    text_in("Call me later?")
    message = _answer(client_for, pat, django_capture_on_commit_callbacks)
    assert [m.body for m in text_messages] == ["You have a new message"]
    assert not message.by_text


def test_outside_their_texting_hours_the_answer_is_queued_for_the_next_opening(
    demo, client_for, text_in, text_messages, django_capture_on_commit_callbacks
):
    pat = _pat(demo)
    text_in("Are you there?")
    now = timezone.now().astimezone(ZoneInfo(pat.organization.time_zone))
    Participant.objects.filter(pk=pat.pk).update(
        texts_from=(now + timedelta(hours=2)).time().replace(second=0, microsecond=0),
        texts_until=(now + timedelta(hours=3)).time().replace(second=0, microsecond=0),
    )
    message = _answer(client_for, pat, django_capture_on_commit_callbacks)
    assert text_messages == []
    assert message.by_text and message.text_state == TextState.QUEUED
    job = Job.objects.get(kind="inbox.new_message_text")
    assert job.params["message_id"] == str(message.id)
    assert job.not_before is not None and job.not_before > timezone.now()
    assert "waiting for their texting hours" in (
        client_for("ana").get(f"/inbox/{pat.id}/").content.decode()
    )


def test_a_provider_failure_shows_as_not_sent(
    demo, client_for, text_in, monkeypatch, django_capture_on_commit_callbacks
):
    pat = _pat(demo)
    text_in("hello")

    def provider_down(self, message):
        raise sms.SendFailed("provider answered 500")

    monkeypatch.setattr(sms.MemoryBackend, "send", provider_down)
    message = _answer(client_for, pat, django_capture_on_commit_callbacks)
    assert message.text_state == TextState.RETRYING
    page = client_for("ana").get(f"/inbox/{pat.id}/").content.decode()
    assert "not sent yet: the text service did not take it; trying again" in page
    # Tried again after 1, 2, 4 and 8 minutes (each a job that waits), then given up.
    for tried in range(1, TEXT_TRIES):
        job = Job.objects.get(kind=NEW_MESSAGE_TEXT, state=JobState.QUEUED)
        assert job.params["attempts"] == tried
        assert job.not_before is not None
        wait = job.not_before - job.created_at
        assert abs(wait - timedelta(minutes=2 ** (tried - 1))) < timedelta(seconds=5)
        Job.objects.filter(pk=job.pk).update(not_before=timezone.now())
        assert runner.run(job.id)
    message.refresh_from_db()
    assert message.text_state == TextState.FAILED
    assert not Job.objects.filter(kind=NEW_MESSAGE_TEXT, state=JobState.QUEUED).exists()


def test_a_text_the_provider_did_not_take_goes_once_it_is_back(
    demo, client_for, text_in, text_messages, monkeypatch, django_capture_on_commit_callbacks
):
    pat = _pat(demo)
    text_in("hello")

    def provider_down(self, message):
        raise sms.SendFailed("timed out")

    with monkeypatch.context() as down:
        down.setattr(sms.MemoryBackend, "send", provider_down)
        message = _answer(client_for, pat, django_capture_on_commit_callbacks)
    assert message.text_state == TextState.RETRYING and text_messages == []
    job = Job.objects.get(kind=NEW_MESSAGE_TEXT, state=JobState.QUEUED)
    Job.objects.filter(pk=job.pk).update(not_before=timezone.now())
    assert runner.run(job.id)
    message.refresh_from_db()
    assert message.text_state == TextState.SENT
    assert [m.body for m in text_messages] == [ANSWER]  # once


def _report(sid: str, status: str, path: str = STATUS):
    return signed_post(path, {"MessageSid": sid, "MessageStatus": status, "To": PAT_PHONE})


@pytest.mark.parametrize(
    ("status", "state"),
    [
        ("delivered", TextState.DELIVERED),
        ("read", TextState.DELIVERED),
        ("undelivered", TextState.FAILED),
        ("failed", TextState.FAILED),
    ],
)
def test_signed_delivery_reports_move_the_state_on(
    demo, client_for, text_in, django_capture_on_commit_callbacks, status, state
):
    pat = _pat(demo)
    text_in("hello")
    message = _answer(client_for, pat, django_capture_on_commit_callbacks)
    response = _report(message.provider_message_id, status)
    assert response.status_code == 200
    message.refresh_from_db()
    assert message.text_state == state
    # A late "sent" never takes the outcome back.
    _report(message.provider_message_id, "sent")
    message.refresh_from_db()
    assert message.text_state == state


def test_a_forged_delivery_report_is_refused(
    demo, client_for, text_in, django_capture_on_commit_callbacks
):
    pat = _pat(demo)
    text_in("hello")
    message = _answer(client_for, pat, django_capture_on_commit_callbacks)
    fields = {"MessageSid": message.provider_message_id, "MessageStatus": "failed"}
    response = signed_post(STATUS, fields, token="someone-else")
    assert response.status_code == 403
    message.refresh_from_db()
    assert message.text_state == TextState.SENT


def test_another_organizations_report_changes_nothing(
    demo, client_for, text_in, django_capture_on_commit_callbacks
):
    pat = _pat(demo)
    text_in("hello")
    message = _answer(client_for, pat, django_capture_on_commit_callbacks)
    response = _report(message.provider_message_id, "failed", "/texts/twilio/riverside/status/")
    assert response.status_code == 200
    message.refresh_from_db()
    assert message.text_state == TextState.SENT


def test_the_answer_names_its_own_organizations_report_address_and_a_report_there_counts(
    demo, client_for, text_in, text_messages, django_capture_on_commit_callbacks, settings
):
    settings.CAIRN_SMS_WEBHOOK_BASE_URL = "http://testserver/"
    pat = _pat(demo)
    text_in("hello")
    message = _answer(client_for, pat, django_capture_on_commit_callbacks)
    [sent] = text_messages
    address = status_callback(sent.organization)
    assert address == "http://testserver/texts/twilio/harbor/status/"
    response = _report(
        message.provider_message_id, "delivered", address.removeprefix("http://testserver")
    )
    assert response.status_code == 200
    message.refresh_from_db()
    assert message.text_state == TextState.DELIVERED
