"""Sending and reading messages; each write is one transaction with its audit event."""

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from audit.models import Action
from audit.services import Target, record_event, record_member_action, record_page_view
from inbox.jobs import NEW_MESSAGE_TEXT, wait_for
from inbox.models import Message, TextState, Thread
from inbox.selectors import (
    TextPlan,
    TextWay,
    message_by_provider_id,
    text_plan,
    texts_with_program,
    thread_messages,
)
from jobs.runner import submit
from lib.phones import for_display
from lib.sms import SendFailed, retry_wait, send_text
from lib.when import show_weekday_time
from organizations.models import Membership, Organization, Role
from participants.languages import texts_in
from participants.models import Participant
from reachout.hours import coach_back_at
from reachout.models import Signal
from reachout.services import raise_for_message, raise_for_text
from safety.selectors import crisis_lines


def notification_text(participant: Participant) -> str:
    """Never the content, never a name: only that something is waiting; in the person's
    language, not the sender's."""
    with translation.override(texts_in(participant)):
        if participant.organization_name_ok:
            return _("You have a new message in Cairn")
        return _("You have a new message")


def text_body(participant: Participant, message: Message) -> str:
    """What the text says: the message itself when it goes by text, else only that one waits."""
    return message.body if message.by_text else notification_text(participant)


def goes_by_text(participant: Participant, plan: TextPlan) -> bool:
    """A staff message goes out as a text itself (not as a "message waiting" note) when text is
    the first way the person chose, a text may go to them, and they have texted the program
    themselves: their own texts are their say-so for answers to arrive the same way."""
    return (
        plan.way in (TextWay.NOW, TextWay.WAITS)
        and participant.texts_first
        and texts_with_program(participant)
    )


def _state_for(plan: TextPlan) -> str:
    if plan.way == TextWay.STOPPED:
        return TextState.STOPPED
    if plan.way in (TextWay.NOW, TextWay.WAITS):
        return TextState.QUEUED
    return TextState.NONE


# A text the provider did not take is tried again after 1, 2, 4 and 8 minutes, then given up.
TEXT_TRIES = 5


def send_message_text(message: Message, *, attempts: int = 0) -> str:
    """Send now the text that goes with a staff message and keep its delivery state; their
    choices are read again first (a STOP may have come in since). When the provider does not
    take it, it is tried again later as a background job (the coach sees "trying again"), up
    to TEXT_TRIES times. Returns the new state."""
    participant = Participant.objects.select_related("organization").get(
        message_thread__id=message.thread_id
    )
    plan = text_plan(participant, now=timezone.now())
    state = _state_for(plan)
    if plan.way == TextWay.NOW:
        try:
            provider_id = send_text(
                to=participant.phone,
                body=text_body(participant, message),
                organization=participant.organization.slug,
            )
        except SendFailed:
            tried = attempts + 1
            sender = message.sender_id
            again = tried < TEXT_TRIES and sender is not None
            state = TextState.RETRYING if again else TextState.FAILED
            if sender is not None and again:
                wait_for(
                    organization=participant.organization,
                    requested_by_id=sender,
                    params={
                        "participant_id": str(participant.id),
                        "message_id": str(message.id),
                        "attempts": tried,
                    },
                    not_before=timezone.now() + retry_wait(tried),
                )
        else:
            state = TextState.SENT
            Message.objects.filter(pk=message.pk).update(provider_message_id=provider_id[:64])
    Message.objects.filter(pk=message.pk).update(text_state=state)
    return state


def notify(*, acting: Membership, participant: Participant, message: Message) -> TextPlan:
    """The text that goes with a staff message, as the person chose: now, at the start of their
    texting hours (a background job that checks their choices again before it sends), or not at
    all; the message keeps the text's delivery state for the coach."""
    plan = text_plan(participant, now=timezone.now())
    if plan.way == TextWay.WAITS:
        submit(
            kind=NEW_MESSAGE_TEXT,
            acting=acting,
            title=_("A text that a message is waiting"),
            params={"participant_id": str(participant.id), "message_id": str(message.id)},
            not_before=plan.waits_until,
        )
    else:
        send_message_text(message)
    return plan


def send_message(
    *, acting: Membership, participant: Participant, body: str, as_text: bool = False
) -> Message:
    """A message from the participant to their care team, or from a coach or supervisor to them.
    The participant is told by text (or, when they text with the program, gets it by text),
    after the message is safely stored. `as_text`: a staff message meant to be read as a text
    (a resource texted from the directory) goes as the text itself whenever a text may go."""
    from_participant = acting.role == Role.PARTICIPANT
    with transaction.atomic():
        thread, _created = Thread.objects.select_for_update().get_or_create(
            participant=participant, defaults={"organization_id": participant.organization_id}
        )
        by_text, state = False, str(TextState.NONE)
        if not from_participant:
            plan = text_plan(participant, now=timezone.now())
            may_go = plan.way in (TextWay.NOW, TextWay.WAITS)
            by_text = (as_text and may_go) or goes_by_text(participant, plan)
            state = _state_for(plan)
        message = Message.objects.create(
            organization_id=participant.organization_id,
            thread=thread,
            sender=acting.user,
            from_participant=from_participant,
            body=body.strip(),
            by_text=by_text,
            text_state=state,
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
            changed_fields=["body", "by_text"] if by_text else ["body"],
        )
        if from_participant:
            raise_for_message(
                acting=acting, participant=participant, message_id=message.id, text=message.body
            )
        else:
            transaction.on_commit(
                lambda: notify(acting=acting, participant=participant, message=message)
            )
    return message


def receive_text(*, participant: Participant, body: str) -> Message:
    """A text from the person (texting's inbound webhook, or placed by staff from the unmatched
    texts) lands in their thread as from them, new for their coach. Called inside the caller's
    transaction, which also writes the audit event of the text's arrival."""
    thread, _created = Thread.objects.select_for_update().get_or_create(
        participant=participant, defaults={"organization_id": participant.organization_id}
    )
    message = Message.objects.create(
        organization_id=participant.organization_id,
        thread=thread,
        sender=participant.user,
        from_participant=True,
        by_text=True,
        body=body.strip(),
    )
    Thread.objects.filter(pk=thread.pk).update(
        last_message_at=message.created_at, unread_by_staff=F("unread_by_staff") + 1
    )
    # Words that ask for a reach-out count in a text as in a portal message: the signal is
    # raised in the person's own name when they have a portal membership, else by the system.
    member = (
        Membership.objects.active()
        .select_related("user", "organization")
        .filter(
            organization_id=participant.organization_id,
            user_id=participant.user_id,
            role=Role.PARTICIPANT,
        )
        .first()
        if participant.user_id
        else None
    )
    if member is not None:
        raise_for_message(
            acting=member, participant=participant, message_id=message.id, text=message.body
        )
    else:
        raise_for_text(participant=participant, message_id=message.id, text=message.body)
    text_back_out_of_hours(participant, message)
    return message


DELIVERY_STATES = {
    # The provider's word (Twilio's MessageStatus) → what the coach sees.
    "sent": TextState.SENT,
    "delivered": TextState.DELIVERED,
    "read": TextState.DELIVERED,
    "undelivered": TextState.FAILED,
    "failed": TextState.FAILED,
}


def record_delivery(
    *, organization: Organization, provider_message_id: str, status: str
) -> Message | None:
    """A provider's delivery report for a staff message's text: its state moves on (a later
    "sent" never takes "delivered" back). Returns the message, or None when no text has that id
    or the report changes nothing."""
    state = DELIVERY_STATES.get(status.strip().lower())
    message = message_by_provider_id(
        organization=organization, provider_message_id=provider_message_id
    )
    if state is None or message is None:
        return None
    if state == TextState.SENT and message.text_state in (TextState.DELIVERED, TextState.FAILED):
        return None
    if message.text_state == state:
        return None
    with transaction.atomic():
        Message.objects.filter(pk=message.pk).update(text_state=state)
        record_event(
            action=Action.UPDATE,
            actor=None,
            organization=message.organization,
            target=Target.of(message),
            participant_id=Thread.objects.values_list("participant_id", flat=True).get(
                pk=message.thread_id
            ),
            changed_fields=["text_state"],
        )
    message.text_state = state
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


def _recent_automatic_reply(thread: Thread) -> Message | None:
    recent = timezone.now() - AUTOMATIC_REPLY_EVERY
    return thread.messages.filter(automatic=True, created_at__gte=recent).order_by("-id").first()


def _automatic_reply(
    participant: Participant, thread: Thread, *, coach: User, back: datetime, by_text: bool = False
) -> Message:
    """The automatic reply in their thread: when their coach is back, and where help is now."""
    with timezone.override(participant.organization.time_zone):
        body = out_of_hours_text(participant, coach.display_name, back)
    message = Message.objects.create(
        organization_id=participant.organization_id,
        thread=thread,
        sender=coach,
        from_participant=False,
        automatic=True,
        by_text=by_text,
        body=body,
    )
    Thread.objects.filter(pk=thread.pk).update(
        last_message_at=message.created_at, unread_by_participant=F("unread_by_participant") + 1
    )
    return message


def text_back_out_of_hours(participant: Participant, their_text: Message) -> Message | None:
    """A text that arrives while the coaches are away is answered by text: when their coach is
    back and where help is now (988 and the program's crisis lines), once an evening, as their
    choices allow (their texting hours; nothing after STOP or "please don't contact me"). If a
    signal's reply is already in the thread, that reply is the one texted. Called inside the
    arrival's transaction; the text itself goes after the commit."""
    coach = participant.coach
    back = coach_back_at(participant.organization, their_text.created_at)
    if coach is None or back is None:
        return None
    thread = their_text.thread
    reply = _recent_automatic_reply(thread)
    if reply is not None and reply.by_text:
        return None  # they were texted one already this evening
    if reply is None:
        reply = _automatic_reply(participant, thread, coach=coach, back=back, by_text=True)
        changed = ["body", "automatic", "by_text"]
    else:
        Message.objects.filter(pk=reply.pk).update(by_text=True)
        changed = ["by_text"]
    plan = text_plan(participant, now=timezone.now())
    Message.objects.filter(pk=reply.pk).update(text_state=_state_for(plan))
    record_event(
        action=Action.CREATE if len(changed) > 1 else Action.UPDATE,
        actor=None,
        organization=participant.organization,
        role="",
        target=Target.of(reply),
        participant_id=participant.id,
        changed_fields=changed,
    )
    reply_id = reply.pk
    if plan.way == TextWay.NOW:
        transaction.on_commit(
            lambda: send_message_text(Message.objects.get(pk=reply_id), attempts=0)
        )
    elif plan.way == TextWay.WAITS:
        wait_for(
            organization=participant.organization,
            requested_by_id=coach.pk,
            params={"participant_id": str(participant.id), "message_id": str(reply_id)},
            not_before=plan.waits_until,
        )
    return reply


def out_of_hours_reply(acting: Membership | None, signal: Signal) -> None:
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
    thread, _created = Thread.objects.select_for_update().get_or_create(
        participant=participant, defaults={"organization_id": participant.organization_id}
    )
    if _recent_automatic_reply(thread) is not None:
        return  # one reply for an evening is enough; they have it already
    message = _automatic_reply(participant, thread, coach=coach, back=back)
    record_event(
        action=Action.CREATE,
        actor=acting.user if acting else None,
        organization=participant.organization,
        role=acting.role if acting else "",
        target=Target.of(message),
        participant_id=participant.id,
        changed_fields=["body", "automatic"],
    )
