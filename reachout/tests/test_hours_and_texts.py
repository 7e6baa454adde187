"""After hours and by text: when coaches are next at work, the reply a person gets at once
outside those hours, texts to the coach and to whoever covers, what happens when the texting
service is down, and Today's list beyond its first 50."""

import uuid
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from inbox.models import Message
from jobs import runner
from jobs.models import Job
from organizations.models import Membership, Organization
from participants.models import Participant
from reachout import hours
from reachout.alerts import ESCALATION_TEXTS
from reachout.models import (
    OnCallShift,
    ReachOutSettings,
    Signal,
    SignalText,
    Source,
    TextChoice,
    TextState,
)
from reachout.services import acknowledge

pytestmark = pytest.mark.django_db

NEW_YORK = ZoneInfo("America/New_York")
HARD_DAY_VERY_STRONG = {"item_today": "1", "item_urges": "4"}
ANA_PHONE = "+16175550100"
SAM_PHONE = "+16175550101"
BEN_PHONE = "+16175550102"


def _hours(**values: object) -> ReachOutSettings:
    settings = ReachOutSettings(organization=Organization(time_zone="America/New_York"))
    for name, value in values.items():
        setattr(settings, name, value)
    return settings


def _ny(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=NEW_YORK)


# -- when coaches are next at work ---------------------------------------------------------


def test_inside_work_hours_nobody_is_away() -> None:
    assert hours.back_at(_hours(), _ny(2026, 12, 2, 10, 0), NEW_YORK) is None  # a Wednesday
    assert hours.back_at(_hours(), _ny(2026, 12, 2, 9, 0), NEW_YORK) is None


def test_friday_evening_and_the_weekend_wait_for_monday_morning() -> None:
    monday_nine = _ny(2026, 12, 7, 9, 0)
    assert hours.back_at(_hours(), _ny(2026, 12, 4, 17, 0), NEW_YORK) == monday_nine
    assert hours.back_at(_hours(), _ny(2026, 12, 5, 13, 0), NEW_YORK) == monday_nine
    assert hours.back_at(_hours(), _ny(2026, 12, 6, 23, 59), NEW_YORK) == monday_nine


def test_early_morning_waits_for_the_same_day() -> None:
    back = hours.back_at(_hours(), _ny(2026, 12, 2, 6, 30), NEW_YORK)
    assert back == _ny(2026, 12, 2, 9, 0)


def test_the_programs_own_days_and_hours() -> None:
    weekend_team = _hours(work_days=[5, 6], work_starts=time(10), work_ends=time(14))
    back = hours.back_at(weekend_team, _ny(2026, 12, 2, 10, 0), NEW_YORK)
    assert back == _ny(2026, 12, 5, 10, 0)
    assert hours.back_at(weekend_team, _ny(2026, 12, 6, 13, 59), NEW_YORK) is None


def test_no_days_chosen_means_no_out_of_hours_reply() -> None:
    assert hours.back_at(_hours(work_days=[]), _ny(2026, 12, 5, 3, 0), NEW_YORK) is None


def test_across_the_spring_clock_change_monday_nine_is_nine_local() -> None:
    # Clocks go forward on Sunday 8 March 2026 at 2 AM: Monday 9 AM is 13:00 UTC, not 14:00.
    back = hours.back_at(_hours(), _ny(2026, 3, 6, 18, 0), NEW_YORK)
    assert back is not None and back.astimezone(UTC) == datetime(2026, 3, 9, 13, 0, tzinfo=UTC)
    # Just before work on the Monday, the next start is an hour away in real time.
    moment = datetime(2026, 3, 9, 12, 0, tzinfo=UTC)
    found = hours.back_at(_hours(), moment, NEW_YORK)
    assert found is not None and found - moment == timedelta(hours=1)


def test_across_the_autumn_clock_change() -> None:
    # Clocks go back on Sunday 1 November 2026: Monday 9 AM is 14:00 UTC.
    back = hours.back_at(_hours(), _ny(2026, 10, 30, 20, 0), NEW_YORK)
    assert back is not None and back.astimezone(UTC) == datetime(2026, 11, 2, 14, 0, tzinfo=UTC)


# -- the settings page ---------------------------------------------------------------------


def _settings_form(**changes: object) -> dict[str, object]:
    form: dict[str, object] = {
        "on_hard_day_and_urges": "on",
        "on_not_supported": "on",
        "words": "want to die",
        "acknowledge_within_minutes": "30",
        "work_days": ["0", "1", "2", "3", "4"],
        "work_starts": "08:30",
        "work_ends": "16:30",
    }
    form.update(changes)
    return form


def test_a_manager_sets_work_hours(demo, client_for) -> None:
    response = client_for("mia").post("/reach-out/settings/", _settings_form(work_days=["5"]))
    assert response.status_code == 302
    saved = ReachOutSettings.objects.get(organization__slug="harbor")
    assert saved.work_days == [5]
    assert (saved.work_starts, saved.work_ends) == (time(8, 30), time(16, 30))


def test_hours_that_end_before_they_start_are_refused_calmly(demo, client_for) -> None:
    page = client_for("mia").post(
        "/reach-out/settings/", _settings_form(work_starts="17:00", work_ends="09:00")
    )
    assert page.status_code == 200
    assert "Work hours end after they start." in page.content.decode()
    assert 'value="want to die"' in page.content.decode() or "want to die" in (
        page.content.decode()
    )
    assert not ReachOutSettings.objects.filter(organization__slug="harbor").exists()
    page = client_for("mia").post("/reach-out/settings/", _settings_form(work_days=[]))
    assert "Choose at least one day." in page.content.decode()


# -- out of hours, the person hears at once -----------------------------------------------


@pytest.fixture
def after_hours(monkeypatch) -> datetime:
    back = _ny(2026, 12, 7, 9, 0)
    monkeypatch.setattr(hours, "back_at_for", lambda settings, at: back)
    return back


def _pat() -> Participant:
    return Participant.objects.get(user__username="pat")


def test_after_hours_pat_is_told_when_ana_is_back_with_988(demo, client_for, after_hours) -> None:
    pat = client_for("pat")
    pat.post("/me/check-in/", HARD_DAY_VERY_STRONG)
    thanks = pat.get("/me/check-in/thanks/").content.decode()
    assert "is away right now and will be back Monday" in thanks
    assert "call or text 988" in thanks
    [reply] = Message.objects.filter(thread__participant=_pat(), automatic=True)
    assert reply.sender_id == _pat().coach_id and not reply.from_participant
    assert "will be back Monday" in reply.body and "988" in reply.body
    messages_page = pat.get("/me/messages/").content.decode()
    assert "Automatic reply" in messages_page and "will be back Monday" in messages_page
    # Audited as a message written for the person; the words stay out of the audit.
    event = AuditEvent.objects.filter(target_type="inbox.message", target_id=str(reply.id)).get()
    assert event.changed_fields == ["automatic", "body"]
    assert "988" not in event.words() and "will be back" not in event.words()


def test_in_work_hours_there_is_no_automatic_reply(demo, client_for) -> None:
    client_for("pat").post("/me/check-in/", HARD_DAY_VERY_STRONG)
    assert Signal.objects.filter(participant=_pat()).count() == 1
    assert not Message.objects.filter(thread__participant=_pat(), automatic=True).exists()
    thanks = client_for("pat").get("/me/check-in/thanks/").content.decode()
    assert "is away right now" not in thanks


def test_a_double_submit_after_hours_makes_one_reply(demo, client_for, after_hours) -> None:
    pat = client_for("pat")
    pat.post("/me/check-in/", HARD_DAY_VERY_STRONG)
    pat.post("/me/check-in/", HARD_DAY_VERY_STRONG)
    assert Message.objects.filter(thread__participant=_pat(), automatic=True).count() == 1


def test_a_spanish_speaker_gets_the_reply_in_spanish(demo, client_for, after_hours) -> None:
    Participant.objects.filter(pk=_pat().pk).update(preferred_language="es")
    client_for("pat").post("/me/check-in/", HARD_DAY_VERY_STRONG)
    [reply] = Message.objects.filter(thread__participant=_pat(), automatic=True)
    assert "988" in reply.body and "Respuesta automática" in reply.body


def test_the_call_page_says_when_the_coach_is_back(demo, client_for, after_hours) -> None:
    page = client_for("pat").get("/me/call/").content.decode()
    assert "will be back Monday" in page


# -- texts to staff --------------------------------------------------------------------------


def _choose_texts(username: str, phone: str, **choices: bool) -> None:
    user = Membership.objects.get(user__username=username).user
    TextChoice.objects.update_or_create(user=user, defaults={"phone": phone, **choices})


def test_ana_chooses_texts_on_her_own_page(demo, client_for) -> None:
    ana = client_for("ana")
    page = ana.post(
        "/reach-out/texts/", {"phone": "617 555 0100", "on_own_signals": "on", "on_escalations": ""}
    )
    assert page.status_code == 302
    choice = TextChoice.objects.get(user__username="ana")
    assert (choice.phone, choice.on_own_signals, choice.on_escalations) == (
        ANA_PHONE,
        True,
        False,
    )
    event = AuditEvent.objects.filter(target_type="reachout.textchoice").latest("seq")
    assert "phone" in event.changed_fields and ANA_PHONE not in str(event.__dict__)
    shown = ana.get("/reach-out/texts/").content.decode()
    assert "617" in shown and "checked" in shown


def test_asking_for_texts_without_a_number_keeps_the_choice(demo, client_for) -> None:
    page = client_for("ana").post(
        "/reach-out/texts/", {"phone": "", "on_own_signals": "on", "on_escalations": ""}
    )
    assert "Add the number to text, or choose no texts." in page.content.decode()
    assert "checked" in page.content.decode()
    bad = client_for("ana").post("/reach-out/texts/", {"phone": "12", "on_own_signals": "on"})
    assert 'value="12"' in bad.content.decode()
    assert not TextChoice.objects.filter(user__username="ana").exists()


def test_managers_and_people_in_recovery_have_no_texts_page(demo, client_for) -> None:
    assert client_for("mia").get("/reach-out/texts/").status_code in (403, 404)
    assert client_for("pat").get("/reach-out/texts/").status_code in (302, 403, 404)


def test_ana_is_texted_without_a_name(
    demo, client_for, text_messages, django_capture_on_commit_callbacks
) -> None:
    _choose_texts("ana", ANA_PHONE, on_own_signals=True)
    with django_capture_on_commit_callbacks(execute=True):
        client_for("pat").post("/me/check-in/", HARD_DAY_VERY_STRONG)
    [text] = text_messages
    assert text.to == ANA_PHONE
    assert "asked to be reached" in text.body
    assert "Pat" not in text.body and "urge" not in text.body.lower()
    [row] = SignalText.objects.all()
    assert row.state == TextState.SENT and row.to.username == "ana"


def test_no_text_for_a_coach_who_did_not_ask(
    demo, client_for, text_messages, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        client_for("pat").post("/me/check-in/", HARD_DAY_VERY_STRONG)
    assert text_messages == [] and not SignalText.objects.exists()
    # Nobody asked for texts about signals that wait: no job is queued for them.
    assert not Job.objects.filter(kind=ESCALATION_TEXTS).exists()


def test_the_escalation_texts_wait_for_the_window_as_a_job(
    demo, client_for, text_messages, django_capture_on_commit_callbacks
) -> None:
    _choose_texts("sam", SAM_PHONE, on_escalations=True)
    with django_capture_on_commit_callbacks(execute=True):
        client_for("pat").post("/me/check-in/", HARD_DAY_VERY_STRONG)
    assert text_messages == []  # nothing yet: the window has not passed
    job = Job.objects.get(kind=ESCALATION_TEXTS)
    signal = Signal.objects.get(participant=_pat())
    assert job.not_before is not None and job.not_before > signal.raised_at + timedelta(minutes=29)


def test_when_texting_is_down_today_says_so_and_nothing_is_lost(
    demo, client_for, settings, django_capture_on_commit_callbacks
) -> None:
    settings.CAIRN_SMS_BACKEND = "http"
    settings.CAIRN_SMS_HTTP_URL = ""  # the provider cannot be reached
    _choose_texts("ana", ANA_PHONE, on_own_signals=True)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for("pat").post("/me/check-in/", HARD_DAY_VERY_STRONG)
    assert response.status_code == 302  # the check-in itself is saved and thanked
    [row] = SignalText.objects.all()
    assert row.state == TextState.FAILED
    today = client_for("ana").get("/today/").content.decode()
    section = today.split('id="reach-out-heading"')[1].split("</section>")[0]
    assert "Pat" in section and "could not be sent" in section


def _late_signal(minutes: int = 45) -> Signal:
    pat = _pat()
    return Signal.objects.create(
        organization=pat.organization,
        participant=pat,
        source=Source.CHECK_IN,
        source_id=uuid.uuid4(),
        reasons=["not_supported"],
        raised_at=timezone.now() - timedelta(minutes=minutes),
    )


def _run_escalation(signal: Signal) -> Job:
    person = signal.participant.user
    assert person is not None
    job = Job.objects.create(
        organization=signal.organization,
        requested_by=person,
        kind=ESCALATION_TEXTS,
        title="texts",
        params={"signal_id": str(signal.id)},
        not_before=timezone.now() - timedelta(seconds=1),
    )
    runner.run(job.id)
    job.refresh_from_db()
    return job


def test_nobody_answered_in_time_and_nobody_is_on_call_so_sam_is_texted(
    demo, text_messages
) -> None:
    _choose_texts("sam", SAM_PHONE, on_escalations=True)
    signal = _late_signal()
    _run_escalation(signal)
    assert [t.to for t in text_messages] == [SAM_PHONE]
    assert "has not heard back yet" in text_messages[0].body
    assert SignalText.objects.get().because == "supervisor"
    # Run again (a second worker, a restart): nobody is texted twice.
    _run_escalation(signal)
    assert len(text_messages) == 1


def _ben_on_call_and_both_choose_texts() -> None:
    """Sam and Ben both asked for texts about signals that wait; Ben is on call now."""
    _choose_texts("sam", SAM_PHONE, on_escalations=True)
    _choose_texts("ben", BEN_PHONE, on_escalations=True)
    mia = Membership.objects.get(user__username="mia")
    now = timezone.now()
    OnCallShift.objects.create(
        organization=mia.organization,
        person=Membership.objects.get(user__username="ben").user,
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(hours=8),
        created_by=mia.user,
    )


def test_the_person_on_call_is_texted_instead_of_the_supervisor(demo, text_messages) -> None:
    _ben_on_call_and_both_choose_texts()
    _run_escalation(_late_signal())
    assert [t.to for t in text_messages] == [BEN_PHONE]


def test_a_signal_answered_in_time_sends_no_escalation(demo, text_messages) -> None:
    _choose_texts("sam", SAM_PHONE, on_escalations=True)
    signal = _late_signal()
    acknowledge(
        acting=Membership.objects.get(user__username="ana"), signal=signal, response="reached"
    )
    job = _run_escalation(signal)
    assert text_messages == [] and "in time" in job.summary


# -- Today beyond 50 -------------------------------------------------------------------------


def test_today_shows_the_oldest_fifty_and_says_how_many_more(demo, client_for) -> None:
    pat = _pat()
    now = timezone.now()
    Signal.objects.bulk_create(
        Signal(
            organization=pat.organization,
            participant=pat,
            source=Source.MESSAGE,
            source_id=uuid.uuid4(),
            reasons=["words"],
            raised_at=now - timedelta(minutes=n),
        )
        for n in range(55)
    )
    page = client_for("ana").get("/today/").content.decode()
    section = page.split('id="reach-out-heading"')[1].split("</section>")[0]
    assert section.count('name="response"') // 4 == 50
    assert "5 more are waiting." in section
    assert "?state=open" in section
    assert "55" in page.split('id="reach-out-heading"')[0]  # the summary strip counts them all


def test_when_the_text_to_the_person_on_call_fails_the_supervisor_is_texted_too(
    demo, settings, text_messages, monkeypatch
) -> None:
    _ben_on_call_and_both_choose_texts()
    from lib import sms

    real_send = sms.MemoryBackend.send

    def ben_unreachable(self, message) -> None:
        if message.to == BEN_PHONE:
            raise sms.SendFailed("provider answered 503")
        real_send(self, message)

    monkeypatch.setattr(sms.MemoryBackend, "send", ben_unreachable)
    _run_escalation(_late_signal())
    states = dict(SignalText.objects.values_list("to__username", "state"))
    assert states == {"ben": TextState.FAILED, "sam": TextState.SENT}
    assert [t.to for t in text_messages] == [SAM_PHONE]


def test_a_failing_reply_never_costs_the_check_in_or_the_signal(
    demo, client_for, monkeypatch
) -> None:
    from reachout import services

    def broken(acting, signal) -> None:
        Message.objects.create()  # fails: no thread, no sender
        raise AssertionError("not reached")

    monkeypatch.setattr(services, "_ON_RAISED", [broken])
    response = client_for("pat").post("/me/check-in/", HARD_DAY_VERY_STRONG)
    assert response.status_code == 302
    assert Signal.objects.filter(participant=_pat()).count() == 1
    assert 'id="reach-out-heading"' in client_for("ana").get("/today/").content.decode()
