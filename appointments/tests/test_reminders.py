"""Appointment reminders: when they go (time zones, texting hours, both 2026 US clock changes),
planned again on a move and dropped on a cancel, sent exactly once by two workers or after one
stopped, retried after a provider failure, and never more than the person agreed to."""

import io
import threading
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from appointments import demo as appointments_demo
from appointments.models import (
    Appointment,
    Reminder,
    ReminderChoice,
    ReminderLead,
    ReminderNote,
    ReminderState,
    ReminderWay,
)
from appointments.reminder_services import (
    TextingHours,
    _plans,
    claim_due,
    lead_moment,
    save_reminder_choice,
    send_due_reminders,
    send_one,
    stale_claim,
)
from appointments.services import (
    book_appointment,
    cancel_appointment,
    local_start,
    move_appointment,
)
from audit.models import AuditEvent
from cairn.demo import DemoWorld
from lib import sms
from organizations.models import Membership
from participants.models import ContactChannel, Participant, texting_opens_at

NEW_YORK = ZoneInfo("America/New_York")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")
NINE, EIGHT_PM = time(9), time(20)


def _utc(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


# --- when: pure rules --------------------------------------------------------------------------


def test_the_day_before_keeps_the_clock_time_across_the_spring_change() -> None:
    # Sunday 8 March 2026, 10 AM in New York; clocks went forward at 2 AM that night.
    starts = datetime(2026, 3, 8, 10, tzinfo=NEW_YORK)
    due = lead_moment(starts_at=starts, lead=ReminderLead.DAY_BEFORE, zone=NEW_YORK)
    assert due == _utc(2026, 3, 7, 15)  # Saturday 10 AM EST
    assert starts.astimezone(UTC) - due == timedelta(hours=23)  # the night lost an hour
    assert due.astimezone(NEW_YORK).hour == 10


def test_the_day_before_keeps_the_clock_time_across_the_autumn_change() -> None:
    # Sunday 1 November 2026, 10 AM: the day before is Saturday 10 AM, 25 hours earlier.
    starts = datetime(2026, 11, 1, 10, tzinfo=NEW_YORK)
    due = lead_moment(starts_at=starts, lead=ReminderLead.DAY_BEFORE, zone=NEW_YORK)
    assert due == _utc(2026, 10, 31, 14)
    assert starts.astimezone(UTC) - due == timedelta(hours=25)


def test_two_hours_before_is_two_real_hours_even_over_the_spring_change() -> None:
    starts = datetime(2026, 3, 8, 3, 30, tzinfo=NEW_YORK)  # 07:30 UTC, just after the change
    due = lead_moment(starts_at=starts, lead=ReminderLead.TWO_HOURS, zone=NEW_YORK)
    assert due == _utc(2026, 3, 8, 5, 30)


def test_a_reminder_due_in_quiet_hours_waits_overnight_into_the_spring_change() -> None:
    # Saturday 7 March, 10 PM EST: outside 9 AM to 8 PM; the next start is Sunday 9 AM EDT.
    moment = datetime(2026, 3, 7, 22, tzinfo=NEW_YORK)
    allowed = texting_opens_at(moment, opens=NINE, closes=EIGHT_PM, zone=NEW_YORK)
    assert allowed == _utc(2026, 3, 8, 13)
    assert allowed.astimezone(NEW_YORK).hour == 9


def test_a_reminder_due_in_quiet_hours_waits_overnight_into_the_autumn_change() -> None:
    moment = datetime(2026, 10, 31, 21, 30, tzinfo=NEW_YORK)  # EDT
    allowed = texting_opens_at(moment, opens=NINE, closes=EIGHT_PM, zone=NEW_YORK)
    assert allowed == _utc(2026, 11, 1, 14)  # 9 AM EST


def test_hours_that_open_in_the_skipped_spring_hour_open_just_after_it() -> None:
    moment = datetime(2026, 3, 8, 1, tzinfo=NEW_YORK)
    allowed = texting_opens_at(moment, opens=time(2, 30), closes=EIGHT_PM, zone=NEW_YORK)
    assert allowed == datetime(2026, 3, 8, 3, 30, tzinfo=NEW_YORK)


def test_the_same_moment_is_inside_hours_in_new_york_and_outside_in_los_angeles() -> None:
    moment = _utc(2026, 6, 1, 14)  # 10 AM in New York, 7 AM in Los Angeles
    assert texting_opens_at(moment, opens=NINE, closes=EIGHT_PM, zone=NEW_YORK) == moment
    assert texting_opens_at(moment, opens=NINE, closes=EIGHT_PM, zone=LOS_ANGELES) == _utc(
        2026, 6, 1, 16
    )


def test_evening_hours_that_wrap_midnight() -> None:
    late = datetime(2026, 6, 1, 1, tzinfo=NEW_YORK)
    assert texting_opens_at(late, opens=time(20), closes=time(2), zone=NEW_YORK) == late
    noon = datetime(2026, 6, 1, 12, tzinfo=NEW_YORK)
    assert texting_opens_at(noon, opens=time(20), closes=time(2), zone=NEW_YORK) == datetime(
        2026, 6, 1, 20, tzinfo=NEW_YORK
    )


def test_no_hours_means_any_time() -> None:
    moment = _utc(2026, 6, 1, 3)
    assert texting_opens_at(moment, opens=None, closes=None, zone=NEW_YORK) == moment


# --- planning and sending with the demo --------------------------------------------------------


@pytest.fixture
def ana(demo: DemoWorld) -> Membership:
    return Membership.objects.select_related("organization", "user").get(user__username="ana")


@pytest.fixture
def pat(demo: DemoWorld, ana: Membership) -> Participant:
    """Pat wants a text the day before, between 6 and 9 PM (as in the demo's tour)."""
    pat = Participant.objects.select_related("organization").get(user__username="pat")
    save_reminder_choice(
        acting=ana,
        participant=pat,
        wanted=True,
        lead=ReminderLead.DAY_BEFORE,
        way=ReminderWay.TEXT,
        hours=TextingHours(opens=time(18), closes=time(21)),
    )
    return pat


def _in_days(days: int, hour: int = 11) -> datetime:
    return local_start(
        organization_zone=timezone.get_current_timezone_name(),
        day=timezone.localdate() + timedelta(days=days),
        at=time(hour),
    )


def _book(ana: Membership, pat: Participant, days: int = 3) -> Appointment:
    return book_appointment(
        acting=ana,
        participant=pat,
        starts_at=_in_days(days),
        duration_minutes=45,
        place="Harbor center, room 2",
    )


def _waiting(appointment: Appointment) -> list[Reminder]:
    return list(appointment.reminders.filter(state=ReminderState.QUEUED))


def test_the_demo_gives_pat_a_text_reminder_the_day_before_in_their_evening_hours(
    demo: DemoWorld,
) -> None:
    today = timezone.localdate()
    monday = today + timedelta(days=7 - today.weekday())  # its Thursday is days away
    appointments_demo.seed(demo.organizations["harbor"], anchor=monday)
    reminder = Reminder.objects.get(appointment__participant__user__username="pat")
    zone = ZoneInfo(timezone.get_current_timezone_name())
    assert reminder.lead == ReminderLead.DAY_BEFORE
    assert reminder.send_at.astimezone(zone).time() == time(18)
    assert reminder.appointment.starts_at - reminder.send_at < timedelta(days=1)


def test_booking_plans_the_reminder_inside_their_texting_hours(
    ana: Membership, pat: Participant
) -> None:
    appointment = _book(ana, pat)
    [reminder] = _waiting(appointment)
    local = reminder.send_at.astimezone(ZoneInfo(pat.organization.time_zone))
    # Due the day before at 11 AM; Pat's texts go from 6 to 9 PM.
    assert local.date() == timezone.localdate() + timedelta(days=2)
    assert local.time() == time(18)


def test_booked_late_on_the_day_before_the_reminder_still_goes_that_evening(
    ana: Membership, pat: Participant
) -> None:
    zone = ZoneInfo(pat.organization.time_zone)
    starts = datetime(2026, 12, 10, 11, tzinfo=zone).astimezone(UTC)
    appointment = Appointment(
        organization=pat.organization, participant=pat, starts_at=starts, status="booked"
    )
    choice = ReminderChoice.objects.get(participant=pat)
    afternoon = datetime(2026, 12, 9, 15, tzinfo=zone)
    [plan] = _plans(appointment, choice, pat, afternoon)
    assert plan.send_at == datetime(2026, 12, 9, 18, tzinfo=zone)
    assert _plans(appointment, choice, pat, datetime(2026, 12, 9, 21, 30, tzinfo=zone)) == []


def test_both_leads_make_two_reminders(ana: Membership, pat: Participant) -> None:
    save_reminder_choice(
        acting=ana, participant=pat, wanted=True, lead=ReminderLead.BOTH, way=ReminderWay.TEXT
    )
    Participant.objects.filter(pk=pat.pk).update(texts_from=None, texts_until=None)
    appointment = _book(ana, pat)
    assert sorted(r.lead for r in _waiting(appointment)) == ["day_before", "two_hours"]


def test_moving_plans_the_reminder_again_and_cancelling_drops_it(
    ana: Membership, pat: Participant
) -> None:
    appointment = _book(ana, pat)
    [before] = _waiting(appointment)
    move_appointment(
        acting=ana,
        appointment=appointment,
        starts_at=_in_days(5),
        duration_minutes=45,
        expected_version=appointment.version,
    )
    before.refresh_from_db()
    assert before.state == ReminderState.CANCELLED
    [after] = _waiting(appointment)
    assert after.send_at - before.send_at == timedelta(days=2)
    appointment.refresh_from_db()
    cancel_appointment(
        acting=ana,
        appointment=appointment,
        cancelled_by="participant",
        reason="",
        expected_version=appointment.version,
    )
    assert _waiting(appointment) == []
    assert send_due_reminders(now=after.send_at).sent == 0
    assert sms.outbox == []


def test_a_due_reminder_is_sent_once_with_no_name_place_or_organization(
    ana: Membership, pat: Participant
) -> None:
    appointment = _book(ana, pat)
    [reminder] = _waiting(appointment)
    assert send_due_reminders(now=reminder.send_at - timedelta(minutes=1)).sent == 0
    assert send_due_reminders(now=reminder.send_at).sent == 1
    assert send_due_reminders(now=reminder.send_at + timedelta(minutes=1)).sent == 0
    [message] = sms.outbox
    assert message.to == pat.phone
    assert message.body.startswith("Reminder: you have an appointment ")
    assert message.body.endswith(" at 11:00 AM.")
    for secret in ("Pat", "Harbor", "room 2"):
        assert secret not in message.body
    reminder.refresh_from_db()
    assert reminder.state == ReminderState.SENT and reminder.sent_at is not None
    assert AuditEvent.objects.filter(
        target_type="appointments.reminder", target_id=str(reminder.id), participant_id=pat.id
    ).exists()


def test_the_organization_is_named_only_when_they_said_it_may_be(
    ana: Membership, pat: Participant
) -> None:
    Participant.objects.filter(pk=pat.pk).update(organization_name_ok=True)
    appointment = _book(ana, pat)
    [reminder] = _waiting(appointment)
    send_due_reminders(now=reminder.send_at)
    [message] = sms.outbox
    assert message.body.startswith("Reminder from Harbor Recovery Community: you have an")


def test_two_workers_claiming_at_once_take_each_reminder_once(
    ana: Membership, pat: Participant
) -> None:
    appointment = _book(ana, pat)
    [reminder] = _waiting(appointment)
    now = reminder.send_at
    first_token, first = claim_due(now=now)
    _token, second = claim_due(now=now)
    assert [r.id for r in first] == [reminder.id] and second == []
    assert send_one(first[0], first_token, now=now, to=sms.MemoryBackend()) == "sent"
    assert len(sms.outbox) == 1
    # Named for its organization, so its delivery reports go to that organization's address.
    assert sms.outbox[0].organization == "harbor"


def test_a_claim_left_by_a_stopped_worker_is_taken_again_and_sent_once(
    ana: Membership, pat: Participant
) -> None:
    appointment = _book(ana, pat)
    [reminder] = _waiting(appointment)
    now = reminder.send_at
    stopped_token, _claimed = claim_due(now=now)  # this worker is killed before it sends
    assert claim_due(now=now + stale_claim() - timedelta(seconds=1))[1] == []
    assert send_due_reminders(now=now + stale_claim() + timedelta(seconds=1)).sent == 1
    # The stopped worker's late answer cannot write over the finished one.
    stale = Reminder.objects.get(pk=reminder.pk)
    assert (
        Reminder.objects.filter(id=stale.id, claim=stopped_token).update(state=ReminderState.QUEUED)
        == 0
    )
    assert send_due_reminders(now=now + timedelta(hours=1)).sent == 0
    assert len(sms.outbox) == 1


def test_a_provider_failure_keeps_it_queued_shows_not_sent_yet_and_retries(
    ana: Membership, pat: Participant, monkeypatch: pytest.MonkeyPatch, demo: DemoWorld
) -> None:
    appointment = _book(ana, pat)
    [reminder] = _waiting(appointment)

    def provider_down(self: object, message: sms.TextMessage) -> None:
        raise sms.SendFailed("provider answered 500")

    with monkeypatch.context() as patch:
        patch.setattr(sms.MemoryBackend, "send", provider_down)
        count = send_due_reminders(now=reminder.send_at)
    assert (count.sent, count.waiting) == (0, 1)
    reminder.refresh_from_db()
    assert reminder.state == ReminderState.QUEUED
    assert reminder.note == ReminderNote.PROVIDER and reminder.attempts == 1
    assert reminder.send_at > reminder.due_at
    client = Client()
    client.force_login(demo.users["ana"])
    page = client.get(f"/appointments/{appointment.id}/").content.decode()
    assert "not sent yet" in page
    assert send_due_reminders(now=reminder.send_at).sent == 1
    assert send_due_reminders(now=reminder.send_at + timedelta(hours=1)).sent == 0
    assert len(sms.outbox) == 1


def test_please_dont_contact_me_means_no_text(ana: Membership, pat: Participant) -> None:
    appointment = _book(ana, pat)
    [reminder] = _waiting(appointment)
    Participant.objects.filter(pk=pat.pk).update(contact_channels=[ContactChannel.NONE])
    assert send_due_reminders(now=reminder.send_at).not_sent == 1
    reminder.refresh_from_db()
    assert (reminder.state, reminder.note) == (ReminderState.NOT_SENT, ReminderNote.NO_CONTACT)
    assert sms.outbox == []


def test_no_text_channel_means_no_text(ana: Membership, pat: Participant) -> None:
    appointment = _book(ana, pat)
    [reminder] = _waiting(appointment)
    Participant.objects.filter(pk=pat.pk).update(contact_channels=[ContactChannel.CALL])
    send_due_reminders(now=reminder.send_at)
    reminder.refresh_from_db()
    assert reminder.note == ReminderNote.NO_TEXT
    assert sms.outbox == []


def test_hours_changed_while_it_waited_move_it_to_their_next_start(
    ana: Membership, pat: Participant
) -> None:
    appointment = _book(ana, pat)
    [reminder] = _waiting(appointment)
    Participant.objects.filter(pk=pat.pk).update(texts_from=time(19), texts_until=time(21))
    assert send_due_reminders(now=reminder.send_at).waiting == 1
    reminder.refresh_from_db()
    assert reminder.state == ReminderState.QUEUED
    assert reminder.send_at.astimezone(ZoneInfo(pat.organization.time_zone)).time() == time(19)
    assert sms.outbox == []


def test_the_participant_chooses_portal_only_and_the_waiting_text_is_dropped(
    ana: Membership, pat: Participant, demo: DemoWorld
) -> None:
    appointment = _book(ana, pat)
    client = Client()
    client.force_login(demo.users["pat"])
    page = client.get("/me/appointments/reminders/")
    assert page.status_code == 200
    answer = client.post(
        "/me/appointments/reminders/",
        {
            "wanted": "yes",
            "lead": "two_hours",
            "way": "portal",
            "texts_from": "09:00",
            "texts_until": "20:00",
        },
    )
    assert answer.status_code == 302
    choice = ReminderChoice.objects.get(participant=pat)
    assert (choice.lead, choice.way) == ("two_hours", "portal")
    pat.refresh_from_db()
    assert (pat.texts_from, pat.texts_until) == (NINE, EIGHT_PM)
    assert _waiting(appointment) == []
    listing = client.get("/me/appointments/").content.decode()
    assert "Reminders here in your portal only" in listing


def test_the_coach_records_the_choice_and_the_reminder_is_planned(
    ana: Membership, pat: Participant, demo: DemoWorld
) -> None:
    ReminderChoice.objects.filter(participant=pat).delete()
    appointment = _book(ana, pat)
    assert _waiting(appointment) == []  # not chosen yet: no texts
    client = Client()
    client.force_login(demo.users["ana"])
    assert client.get(f"/appointments/reminders/{pat.id}/").status_code == 200
    answer = client.post(
        f"/appointments/reminders/{pat.id}/",
        {"wanted": "yes", "lead": "day_before", "way": "text"},
    )
    assert answer.status_code == 302
    assert len(_waiting(appointment)) == 1
    page = client.get(f"/appointments/{appointment.id}/").content.decode()
    assert "a text planned for" in page


@pytest.mark.django_db(transaction=True)
def test_two_workers_in_threads_at_once_share_the_due_reminders_without_overlap(
    demo: DemoWorld,
) -> None:
    ana = Membership.objects.select_related("organization", "user").get(user__username="ana")
    pat = Participant.objects.get(user__username="pat")
    appointment = _book(ana, pat)
    now = timezone.now()
    Reminder.objects.bulk_create(
        Reminder(
            organization=ana.organization,
            appointment=appointment,
            participant=pat,
            lead=ReminderLead.TWO_HOURS,
            due_at=now,
            send_at=now,
        )
        for _ in range(120)
    )
    taken: dict[str, list[object]] = {"a": [], "b": []}
    start = threading.Barrier(2)

    def worker(name: str) -> None:
        try:
            start.wait()
            while claimed := claim_due(now=now, limit=10)[1]:
                taken[name] += [r.id for r in claimed]
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(name,)) for name in taken]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert set(taken["a"]).isdisjoint(taken["b"])
    assert len(taken["a"]) + len(taken["b"]) == 120


def test_the_command_sends_what_is_due_and_the_demo_can_look_ahead(
    ana: Membership, pat: Participant
) -> None:
    appointment = _book(ana, pat)
    [reminder] = _waiting(appointment)
    out = io.StringIO()
    call_command("send_reminders", stdout=out)
    assert "Reminders sent: 0;" in out.getvalue()
    local = timezone.localtime(reminder.send_at).replace(tzinfo=None)
    call_command("send_reminders", as_if=local.isoformat(sep=" "), stdout=out)
    assert "Reminders sent: 1;" in out.getvalue()
    assert len(sms.outbox) == 1


def test_a_reminder_a_stopped_worker_was_handing_over_is_never_sent_again_and_shows_unsure(
    ana: Membership, pat: Participant, demo: DemoWorld
) -> None:
    appointment = _book(ana, pat)
    [reminder] = _waiting(appointment)
    now = reminder.send_at
    stopped_token, _claimed = claim_due(now=now)
    # The stopped worker had marked it handed over: the provider may have taken it.
    Reminder.objects.filter(pk=reminder.pk, claim=stopped_token).update(handed_at=now)
    later = now + stale_claim() + timedelta(seconds=1)
    count = send_due_reminders(now=later)
    assert (count.sent, count.waiting, count.not_sent) == (0, 0, 0)
    reminder.refresh_from_db()
    assert (reminder.state, reminder.note) == (ReminderState.UNSURE, ReminderNote.INTERRUPTED)
    assert send_due_reminders(now=later + timedelta(hours=1)).sent == 0
    assert sms.outbox == []
    client = Client()
    client.force_login(demo.users["ana"])
    page = client.get(f"/appointments/{appointment.id}/").content.decode()
    assert "Not sure it was sent" in page
    assert "it is not sent again, so it cannot go twice" in page


def test_a_slow_worker_whose_claim_was_taken_sends_nothing_it_no_longer_holds(
    ana: Membership, pat: Participant
) -> None:
    appointment = _book(ana, pat)
    [reminder] = _waiting(appointment)
    now = reminder.send_at
    slow_token, [slow_copy] = claim_due(now=now)
    # Another worker thinks the slow one stopped, takes the claim and sends the text.
    assert send_due_reminders(now=now + stale_claim() + timedelta(seconds=1)).sent == 1
    # The slow worker gets to it at last: it is no longer its own, so nothing goes.
    assert send_one(slow_copy, slow_token, now=now, to=sms.MemoryBackend()) == "sending"
    assert len(sms.outbox) == 1
    reminder.refresh_from_db()
    assert reminder.state == ReminderState.SENT


def test_a_slow_worker_that_was_taken_for_stopped_mid_send_records_its_text_as_sent(
    ana: Membership, pat: Participant
) -> None:
    appointment = _book(ana, pat)
    [reminder] = _waiting(appointment)
    now = reminder.send_at
    slow_token, [slow_copy] = claim_due(now=now)

    class SlowProvider:
        def send(self, message: sms.TextMessage) -> str:
            # While the provider takes it, another worker thinks this one stopped.
            send_due_reminders(now=now + stale_claim() + timedelta(seconds=1))
            return sms.MemoryBackend().send(message)

    assert send_one(slow_copy, slow_token, now=now, to=SlowProvider()) == "sent"
    reminder.refresh_from_db()
    assert reminder.state == ReminderState.SENT and reminder.sent_at is not None
    assert len(sms.outbox) == 1
