"""STOP, START and HELP, in English and Spanish, whatever the case or accents, as the whole text
only: STOP is recorded on the person (audited) and every text path honours it; START lifts it;
HELP answers with the program's name only when the person allowed it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from appointments.models import ReminderChoice, ReminderLead, ReminderNote, ReminderState
from appointments.reminder_services import send_due_reminders
from appointments.services import book_appointment
from audit.models import Action, AuditEvent
from cairn.demo import DemoWorld
from inbox.models import Message, TextState
from organizations.models import Membership
from participants.models import Participant
from texting.keywords import Keyword, keyword_of
from texting.models import InboundText, Match
from texting.tests.conftest import PAT_PHONE

pytestmark = pytest.mark.django_db


def _pat(demo: DemoWorld) -> Participant:
    return Participant.objects.select_related("organization").get(user=demo.users["pat"])


@pytest.mark.parametrize(
    ("body", "keyword"),
    [
        ("STOP", Keyword.STOP),
        ("stop", Keyword.STOP),
        (" Stop. ", Keyword.STOP),
        ("STOPALL", Keyword.STOP),
        ("unsubscribe", Keyword.STOP),
        ("Cancel", Keyword.STOP),
        ("end", Keyword.STOP),
        ("QUIT!", Keyword.STOP),
        ("parar", Keyword.STOP),
        ("ÁLTO", Keyword.STOP),
        ("Baja", Keyword.STOP),
        ("START", Keyword.START),
        ("unstop", Keyword.START),
        ("Yes", Keyword.START),
        ("alta", Keyword.START),
        ("Comenzár", Keyword.START),
        ("help", Keyword.HELP),
        ("INFO", Keyword.HELP),
        ("¿Ayúda?", Keyword.HELP),
        ("please stop by later", Keyword.NONE),
        ("I need help with the bus", Keyword.NONE),
        ("", Keyword.NONE),
    ],
)
def test_keywords_are_the_whole_text_whatever_the_case_or_accents(body, keyword):
    assert keyword_of(body) == keyword


@pytest.mark.parametrize("word", ["STOP", "stop", "Párar", "ALTO", "baja", "Unsubscribe"])
def test_stop_records_that_texts_are_stopped_by_the_person_and_audits_it(
    demo, client_for, text_in, word
):
    pat = _pat(demo)
    text_in(word)
    pat.refresh_from_db()
    assert pat.texts_stopped_at is not None
    assert not pat.may_text()
    events = AuditEvent.objects.filter(
        action=Action.UPDATE, target_type="participants.participant", participant_id=pat.id
    )
    assert [e.actor for e in events if "texts_stopped_at" in e.changed_fields] == [
        demo.users["pat"]
    ]
    # Mid-conversation: the word is in the thread too, and Ana sees where texts stand.
    assert Message.objects.filter(by_text=True, thread__participant=pat).exists()
    ana = client_for("ana")
    thread = ana.get(f"/inbox/{pat.id}/").content.decode()
    assert "Texts stopped by the person on" in thread
    assert "Texts stopped by the person on" in ana.get(f"/participants/{pat.id}/").content.decode()


@pytest.mark.parametrize("word", ["START", "yes", "Comenzar", "ALTA", "unstop"])
def test_start_lifts_a_stop(demo, text_in, word):
    pat = _pat(demo)
    text_in("STOP")
    text_in(word)
    pat.refresh_from_db()
    assert pat.texts_stopped_at is None and pat.may_text()


def test_help_answers_without_the_programs_name_unless_they_allowed_it(
    demo, text_in, text_messages
):
    text_in("HELP")
    assert [m.to for m in text_messages] == [PAT_PHONE]
    assert "Harbor" not in text_messages[0].body
    assert "STOP" in text_messages[0].body and "988" in text_messages[0].body
    Participant.objects.filter(user=demo.users["pat"]).update(organization_name_ok=True)
    text_messages.clear()
    text_in("info")
    assert text_messages[0].body.startswith("Harbor Recovery Community:")


def test_help_in_spanish_answers_in_spanish(demo, text_in, text_messages):
    text_in("Ayúda")
    assert "Responde STOP" in text_messages[0].body or "PARAR" in text_messages[0].body


def test_help_from_an_unknown_number_gets_the_help_text_only(demo, text_in, text_messages):
    text_in("HELP", sender="+16175550999")
    assert len(text_messages) == 1 and "Harbor" not in text_messages[0].body
    text = InboundText.objects.get()
    assert text.match == Match.UNKNOWN and text.settled_at is not None  # nothing to choose


def test_stop_from_a_shared_number_stops_texts_to_everyone_who_gave_it(demo, text_in):
    pat = _pat(demo)
    other = Participant.objects.filter(organization=pat.organization).exclude(pk=pat.pk).first()
    assert other is not None
    Participant.objects.filter(pk=other.pk).update(phone=PAT_PHONE)
    text_in("STOP")
    stopped = Participant.objects.filter(texts_stopped_at__isnull=False)
    assert set(stopped.values_list("pk", flat=True)) == {pat.pk, other.pk}
    assert InboundText.objects.get().settled_at is not None


def test_after_stop_a_reminder_is_not_sent(demo, text_in, text_messages):
    pat = _pat(demo)
    ana = Membership.objects.select_related("organization", "user").get(user__username="ana")
    Participant.objects.filter(pk=pat.pk).update(texts_from=None, texts_until=None)
    ReminderChoice.objects.update_or_create(
        participant=pat,
        defaults={
            "organization": pat.organization,
            "wanted": True,
            "lead": ReminderLead.TWO_HOURS,
            "way": "text",
            "updated_by": demo.users["ana"],
        },
    )
    appointment = book_appointment(
        acting=ana,
        participant=pat,
        starts_at=timezone.now() + timedelta(hours=3),
        duration_minutes=30,
        place="Harbor center",
    )
    reminder = appointment.reminders.get(state=ReminderState.QUEUED)
    text_in("STOP")
    text_messages.clear()
    count = send_due_reminders(now=reminder.send_at + timedelta(minutes=1))
    assert count.sent == 0 and text_messages == []
    reminder.refresh_from_db()
    assert reminder.state == ReminderState.NOT_SENT and reminder.note == ReminderNote.STOPPED


def test_after_stop_a_coach_message_sends_no_text_and_says_so(
    demo, client_for, text_in, text_messages, django_capture_on_commit_callbacks
):
    pat = _pat(demo)
    text_in("STOP")
    text_messages.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for("ana").post(
            f"/inbox/{pat.id}/", {"text": "Thinking of you."}, follow=True
        )
    assert text_messages == []
    assert "No text goes to Pat: they texted STOP." in response.content.decode()
    sent = Message.objects.filter(from_participant=False).latest("created_at")
    assert sent.text_state == TextState.STOPPED
    page = client_for("ana").get(f"/inbox/{pat.id}/").content.decode()
    assert "not sent: they texted STOP" in page
