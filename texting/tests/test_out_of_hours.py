"""A text that arrives while the coaches are away is answered by text at once: when their coach is
back and where help is now (988), once an evening, as the person's choices allow."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from audit.models import AuditEvent
from inbox.models import Message, TextState
from participants.models import Participant
from reachout import hours
from texting.tests.conftest import PAT_PHONE

pytestmark = pytest.mark.django_db

BACK = datetime(2026, 12, 7, 9, 0, tzinfo=ZoneInfo("America/New_York"))  # a Monday


@pytest.fixture
def after_hours(monkeypatch) -> datetime:
    monkeypatch.setattr(hours, "back_at_for", lambda settings, at: BACK)
    return BACK


@pytest.fixture
def pat(demo) -> Participant:
    """Pat, with no texting hours of their own, so a text may go to them at any time."""
    Participant.objects.filter(user__username="pat").update(texts_from=None, texts_until=None)
    return Participant.objects.get(user__username="pat")


def test_a_text_after_hours_is_answered_by_text_with_when_and_988(
    pat, text_in, text_messages, after_hours
) -> None:
    text_in("Rough night. Can we talk tomorrow?")
    [reply] = [m for m in text_messages if m.to == PAT_PHONE]
    assert "is away right now and will be back Monday" in reply.body
    assert "call or text 988" in reply.body
    [stored] = Message.objects.filter(thread__participant=pat, automatic=True)
    assert stored.by_text and stored.text_state == TextState.SENT
    assert stored.body == reply.body
    event = AuditEvent.objects.get(target_type="inbox.message", target_id=str(stored.id))
    assert event.participant_id == pat.id and "988" not in event.words()


def test_a_second_text_the_same_evening_gets_no_second_reply(
    pat, text_in, text_messages, after_hours
) -> None:
    text_in("Are you there?")
    text_in("Never mind, talk Monday.")
    assert len([m for m in text_messages if "will be back" in m.body]) == 1
    assert Message.objects.filter(thread__participant=pat, automatic=True).count() == 1


def test_in_work_hours_a_text_gets_no_automatic_reply(pat, text_in, text_messages) -> None:
    text_in("See you Thursday")
    assert text_messages == []
    assert not Message.objects.filter(thread__participant=pat, automatic=True).exists()


def test_after_stop_no_reply_goes_by_text(pat, text_in, text_messages, after_hours) -> None:
    text_in("STOP")
    text_in("Just one more thing")
    assert not any("will be back" in m.body for m in text_messages)
    [stored] = Message.objects.filter(thread__participant=pat, automatic=True)
    assert stored.text_state == TextState.STOPPED  # in their thread, not on their phone


def test_outside_their_texting_hours_the_reply_waits_for_them(
    pat, text_in, text_messages, after_hours
) -> None:
    from datetime import time

    from django.utils import timezone

    now = timezone.localtime().time()
    start = time((now.hour + 2) % 24)
    Participant.objects.filter(pk=pat.pk).update(
        texts_from=start, texts_until=time((start.hour + 1) % 24)
    )
    text_in("hello?")
    assert not any("will be back" in m.body for m in text_messages)
    [stored] = Message.objects.filter(thread__participant=pat, automatic=True)
    assert stored.by_text and stored.text_state == TextState.QUEUED


def test_a_crisis_word_text_after_hours_texts_the_signals_reply_once(
    pat, demo, text_in, text_messages, after_hours
) -> None:
    from reachout.models import Signal

    text_in("I want to die")
    assert Signal.objects.filter(participant=pat).count() == 1
    replies = [m for m in text_messages if "will be back" in m.body]
    assert len(replies) == 1
    assert Message.objects.filter(thread__participant=pat, automatic=True).count() == 1


def test_listed_words_from_someone_without_a_portal_account_raise_a_signal(
    demo, text_in, text_messages, after_hours, client_for
) -> None:
    from reachout.models import Reason, Signal

    person = (
        Participant.objects.filter(coach=demo.users["ana"], user__isnull=True, status="active")
        .order_by("id")
        .first()
    )
    assert person is not None
    Participant.objects.filter(pk=person.pk).update(
        phone="+16175550177",
        contact_channels=["text"],
        texts_from=None,
        texts_until=None,
        no_contact_since=None,
    )
    text_in("I think I might overdose tonight", sender="+16175550177")
    [signal] = Signal.objects.filter(participant=person)
    assert signal.reasons == [Reason.WORDS]
    event = AuditEvent.objects.get(target_type="reachout.signal", target_id=str(signal.id))
    assert event.actor_id is None and event.participant_id == person.id
    # They hear by text when their coach is back, and where help is now.
    assert [m.to for m in text_messages if "will be back" in m.body] == ["+16175550177"]
    # Sam (Ana's supervisor) sees them on "Reach out soon".
    assert person.preferred_name in client_for("sam").get("/reach-out/").content.decode()
