"""The new-message text honours the person's choices: no text at all for "please don't contact
me", and outside their texting hours it waits (a job for the next start), never sent early."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from cairn.demo import DemoWorld
from jobs import runner
from jobs.models import Job, JobState
from participants.models import ContactChannel, Participant

pytestmark = pytest.mark.django_db


def _pat(demo: DemoWorld) -> Participant:
    return Participant.objects.get(user=demo.users["pat"])


def _hours_around(pat: Participant, start_in: timedelta, end_in: timedelta) -> None:
    now = timezone.now().astimezone(ZoneInfo(pat.organization.time_zone))
    Participant.objects.filter(pk=pat.pk).update(
        texts_from=(now + start_in).time().replace(second=0, microsecond=0),
        texts_until=(now + end_in).time().replace(second=0, microsecond=0),
    )


def _text_waiting_for_hours(pat: Participant, client_for, capture_on_commit) -> Job:
    """Ana writes to Pat two hours before their texting hours open: the text waits as a job."""
    _hours_around(pat, timedelta(hours=2), timedelta(hours=3))
    with capture_on_commit(execute=True):
        client_for("ana").post(f"/inbox/{pat.id}/", {"text": "See you Friday."})
    return Job.objects.get(kind="inbox.new_message_text")


def test_no_text_for_someone_who_asked_not_to_be_contacted(
    demo, client_for, text_messages, django_capture_on_commit_callbacks
) -> None:
    pat = _pat(demo)
    Participant.objects.filter(pk=pat.pk).update(
        contact_channels=[ContactChannel.NONE], no_contact_since=timezone.now()
    )
    ana = client_for("ana")
    thread = ana.get(f"/inbox/{pat.id}/").content.decode()
    assert "Pat asked not to be contacted: no text is sent." in thread
    with django_capture_on_commit_callbacks(execute=True):
        response = ana.post(f"/inbox/{pat.id}/", {"text": "Thinking of you."}, follow=True)
    assert text_messages == []
    assert not Job.objects.filter(kind="inbox.new_message_text").exists()
    assert "Sent. No text goes to Pat, as they chose." in response.content.decode()


def test_a_text_outside_their_hours_waits_and_is_not_sent(
    demo, client_for, text_messages, django_capture_on_commit_callbacks
) -> None:
    pat = _pat(demo)
    _hours_around(pat, timedelta(hours=2), timedelta(hours=3))
    ana = client_for("ana")
    assert "that text waits until" in ana.get(f"/inbox/{pat.id}/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = ana.post(f"/inbox/{pat.id}/", {"text": "See you Friday."}, follow=True)
    assert text_messages == []
    waiting = Job.objects.get(kind="inbox.new_message_text")
    assert waiting.state == JobState.QUEUED
    assert waiting.not_before is not None and waiting.not_before > timezone.now()
    assert "the start of their texting hours" in response.content.decode()
    # Not before its time, whoever asks: the worker does not see it, and it cannot be claimed.
    assert runner.next_queued() is None
    assert runner.run(waiting.id) is False
    assert text_messages == []
    # It is not one of Ana's downloads.
    assert "A text that a message is waiting" not in ana.get("/jobs/").content.decode()


def test_the_waiting_text_goes_once_their_hours_open(
    demo, client_for, text_messages, django_capture_on_commit_callbacks
) -> None:
    pat = _pat(demo)
    waiting = _text_waiting_for_hours(pat, client_for, django_capture_on_commit_callbacks)
    # Their hours have come: the worker takes the job and checks their choices again.
    _hours_around(pat, timedelta(hours=-1), timedelta(hours=1))
    Job.objects.filter(pk=waiting.pk).update(not_before=timezone.now() - timedelta(minutes=1))
    assert runner.next_queued() == waiting.id
    assert runner.run(waiting.id) is True
    assert [m.body for m in text_messages] == ["You have a new message"]


def test_a_waiting_text_is_dropped_if_they_ask_not_to_be_contacted_meanwhile(
    demo, client_for, text_messages, django_capture_on_commit_callbacks
) -> None:
    pat = _pat(demo)
    waiting = _text_waiting_for_hours(pat, client_for, django_capture_on_commit_callbacks)
    Participant.objects.filter(pk=pat.pk).update(
        contact_channels=[ContactChannel.NONE], no_contact_since=timezone.now()
    )
    Job.objects.filter(pk=waiting.pk).update(not_before=timezone.now() - timedelta(minutes=1))
    runner.run(waiting.id)
    assert text_messages == []
    waiting.refresh_from_db()
    assert waiting.state == JobState.DONE and waiting.summary.startswith("Not sent")


NY = ZoneInfo("America/New_York")


@pytest.mark.parametrize(
    ("clock", "start", "end", "opens"),
    [
        (time(12, 0), time(18, 0), time(21, 0), datetime(2026, 12, 4, 18, 0, tzinfo=NY)),
        (time(19, 0), time(18, 0), time(21, 0), None),
        (time(22, 0), time(18, 0), time(21, 0), datetime(2026, 12, 5, 18, 0, tzinfo=NY)),
        (time(23, 30), time(22, 0), time(7, 0), None),  # a window across midnight
        (time(8, 0), time(22, 0), time(7, 0), datetime(2026, 12, 4, 22, 0, tzinfo=NY)),
    ],
)
def test_the_next_text_window(clock, start, end, opens) -> None:
    zone = NY
    person = Participant(texts_from=start, texts_until=end)
    now = datetime.combine(date(2026, 12, 4), clock, tzinfo=zone).astimezone(UTC)
    got = person.next_text_window(now, zone)
    assert got == opens
