"""Sending and reading messages; each write is one transaction with its audit event."""

from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from audit.models import Action
from audit.services import Target, record_member_action, record_page_view
from inbox.jobs import NEW_MESSAGE_TEXT
from inbox.models import Message, Thread
from inbox.selectors import TextPlan, TextWay, text_plan, thread_messages
from jobs.runner import submit
from lib.phones import for_display
from lib.sms import send_text
from lib.when import show_weekday_time
from organizations.models import Membership, Role
from participants.languages import texts_in
from participants.models import Participant
from reachout.hours import coach_back_at
from reachout.models import Signal
from reachout.services import raise_for_message
from safety.selectors import crisis_lines


def notification_text(participant: Participant) -> str:
    """Never the content, never a name: only that something is waiting; in the person's
    language, not the sender's."""
    with translation.override(texts_in(participant)):
        if participant.organization_name_ok:
            return _("You have a new message in Cairn")
        return _("You have a new message")


def notify(*, acting: Membership, participant: Participant) -> TextPlan:
    """Tell the person a message is waiting, as they chose: now, at the start of their texting
    hours (a background job that checks their choices again before it sends), or not at all."""
    plan = text_plan(participant, now=timezone.now())
    if plan.way == TextWay.NOW:
        send_text(to=participant.phone, body=notification_text(participant))
    elif plan.way == TextWay.WAITS:
        submit(
            kind=NEW_MESSAGE_TEXT,
            acting=acting,
            title=_("A text that a message is waiting"),
            params={"participant_id": str(participant.id)},
            not_before=plan.waits_until,
        )
    return plan


def send_message(*, acting: Membership, participant: Participant, body: str) -> Message:
    """A message from the participant to their care team, or from a coach or supervisor to them.
    The participant is told by text, after the message is safely stored."""
    from_participant = acting.role == Role.PARTICIPANT
    with transaction.atomic():
        thread, _created = Thread.objects.select_for_update().get_or_create(
            participant=participant, defaults={"organization_id": participant.organization_id}
        )
        message = Message.objects.create(
            organization_id=participant.organization_id,
            thread=thread,
            sender=acting.user,
            from_participant=from_participant,
            body=body.strip(),
        )
        counter = "unread_by_staff" if from_participant else "unread_by_participant"
        Thread.objects.filter(pk=thread.pk).update(
            last_message_at=message.created_at, **{counter: F(counter) + 1}
        )
        record_member_action(
            acting=acting,
            action=Action.CREATE,
            target=Target.of(message),
            participant_id=participant.id,
            changed_fields=["body"],
        )
        if from_participant:
            raise_for_message(
                acting=acting, participant=participant, message_id=message.id, text=message.body
            )
        else:
            transaction.on_commit(lambda: notify(acting=acting, participant=participant))
    return message


def reads_for_coach(acting: Membership, participant: Participant) -> bool:
    """A supervisor can read and answer a thread without taking 'new' away from the coach."""
    return acting.user_id in (participant.coach_id, participant.secondary_coach_id)


def mark_read(*, acting: Membership, participant: Participant) -> int:
    """The reader has now seen the other side's messages; returns how many were new."""
    if acting.role == Role.PARTICIPANT:
        other_side_sent, counter = False, "unread_by_participant"
    elif reads_for_coach(acting, participant):
        other_side_sent, counter = True, "unread_by_staff"
    else:
        return 0
    with transaction.atomic():
        marked = Message.objects.filter(
            thread__participant=participant, from_participant=other_side_sent, read_at__isnull=True
        ).update(read_at=timezone.now())
        if marked:
            Thread.objects.filter(participant=participant).update(**{counter: 0})
    return marked


def open_thread(
    *, request: HttpRequest, acting: Membership, participant: Participant
) -> list[Message]:
    """Show one thread to its reader: the page view is audited, the messages are read and the
    other side's marked as seen (the coach's thread page and the participant's messages page)."""
    record_page_view(
        request=request,
        target=Target(type="inbox.thread", id=str(participant.id)),
        participant_id=participant.id,
    )
    items = thread_messages(participant)
    mark_read(acting=acting, participant=participant)
    return items


# At most one automatic reply in this long: a second check-in or message the same evening does
# not get the same reply again.
AUTOMATIC_REPLY_EVERY = timedelta(hours=16)


def out_of_hours_text(participant: Participant, coach_name: str, back: object) -> str:
    """The automatic reply: when the coach is back, 988, and the program's own lines; in the
    person's language."""
    with translation.override(texts_in(participant)):
        lines = "; ".join(
            f"{line.name}: {for_display(line.phone or line.text_number)}"
            for line in crisis_lines(participant.organization)
            if line.phone or line.text_number
        )
        text = _(
            "Automatic reply: thank you for reaching out. %(coach)s is away right now and will "
            "be back %(when)s. If you need to talk to someone now, call or text 988: it "
            "answers any time, for free."
        ) % {
            "coach": coach_name,
            "when": show_weekday_time(back, clock=participant.organization.clock),  # type: ignore[arg-type]
        }
        if lines:
            text += " " + _("Other lines that can help: %(lines)s.") % {"lines": lines}
        return str(text)


def out_of_hours_reply(acting: Membership, signal: Signal) -> None:
    """A signal raised outside work hours: the person gets a reply in their thread at once,
    saying when their coach is back and where help is now (called inside the signal's
    transaction, `reachout.services.register_on_raised`)."""
    participant = signal.participant
    coach = participant.coach
    if coach is None:
        return
    back = coach_back_at(participant.organization, signal.raised_at)
    if back is None:
        return
    with timezone.override(participant.organization.time_zone):
        body = out_of_hours_text(participant, coach.display_name, back)
    thread, _created = Thread.objects.select_for_update().get_or_create(
        participant=participant, defaults={"organization_id": participant.organization_id}
    )
    recent = timezone.now() - AUTOMATIC_REPLY_EVERY
    if thread.messages.filter(automatic=True, created_at__gte=recent).exists():
        return  # one reply for an evening is enough; they have it already
    message = Message.objects.create(
        organization_id=participant.organization_id,
        thread=thread,
        sender=coach,
        from_participant=False,
        automatic=True,
        body=body,
    )
    Thread.objects.filter(pk=thread.pk).update(
        last_message_at=message.created_at, unread_by_participant=F("unread_by_participant") + 1
    )
    record_member_action(
        acting=acting,
        action=Action.CREATE,
        target=Target.of(message),
        participant_id=participant.id,
        changed_fields=["body", "automatic"],
    )
