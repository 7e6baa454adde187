"""Appointment reminders: the person's choice, planning each reminder inside their texting hours
(in the organization's time zone, across daylight-saving changes), and sending each exactly once.

Sending claims a batch of due reminders with one conditional UPDATE (queued → sending, with this
worker's token), so a second worker running at the same moment finds nothing left to take. Just
before each text is handed to the provider, the worker marks it handed over (`handed_at`), again
only while the claim is its own. A worker that stops mid-send (even by kill -9) leaves its claim
behind; after `stale_claim()` another worker takes again what was never handed over, and turns
the one being handed over at that moment into "not sure it was sent" for the coach: the provider
may have taken it, so it is never sent a second time. A provider failure puts the reminder back
in the queue with a growing wait.
"""

import queue
import threading
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from appointments.models import (
    Appointment,
    Reminder,
    ReminderChoice,
    ReminderLead,
    ReminderNote,
    ReminderState,
    ReminderWay,
    Status,
)
from audit.models import Action
from audit.services import NewEvent, Target, record_events, record_member_action
from groups.models import Group, GroupMember
from lib.sms import Backend, SendFailed, TextMessage, backend, retry_wait
from lib.when import clock_override, show_time, show_weekday
from organizations.models import Membership, Organization
from participants.languages import texts_in
from participants.models import Participant, texting_opens_at
from participants.selectors import ENCRYPTED_FIELDS
from participants.services import set_texting_hours

# A "two hours before" reminder booked a little after its moment still goes within this.
LATE_BOOKING_GRACE = timedelta(minutes=5)
# After a provider failure: wait 1, 2, 4 … minutes, at most an hour, and stop trying after
# this many attempts (or once the appointment has begun).
MOST_ATTEMPTS = 8
LONGEST_WAIT = timedelta(hours=1)
BATCH = 500


# --- when a reminder may go --------------------------------------------------------------------


def _wall(day_and_time: datetime, zone: ZoneInfo) -> datetime:
    """A local wall-clock moment made real: a time the spring change skips (2:30 AM) becomes
    the moment after it (3:30 AM); an hour the autumn change repeats is its first pass."""
    return day_and_time.replace(tzinfo=zone).astimezone(UTC).astimezone(zone)


def lead_moment(*, starts_at: datetime, lead: str, zone: ZoneInfo) -> datetime:
    """When a reminder is due: the day before at the same wall-clock time (a daylight-saving
    change between them keeps the clock time), or two hours before."""
    if lead == ReminderLead.DAY_BEFORE:
        local = starts_at.astimezone(zone).replace(tzinfo=None)
        return _wall(local - timedelta(days=1), zone)
    if lead == ReminderLead.TWO_HOURS:
        return starts_at.astimezone(UTC) - timedelta(hours=2)  # real hours, not wall-clock
    raise ValueError(f"a reminder is the day before or two hours before, not {lead!r}")


# --- planning ------------------------------------------------------------------------------------


def _missed(due: datetime, lead: str, now: datetime, zone: ZoneInfo) -> bool:
    """Booked after a reminder's moment: "the day before" still goes while it is that day."""
    if lead == ReminderLead.DAY_BEFORE:
        return now.astimezone(zone).date() > due.astimezone(zone).date()
    return now > due + LATE_BOOKING_GRACE


def _plans(
    appointment: Appointment, choice: ReminderChoice | None, participant: Participant, now: datetime
) -> list[Reminder]:
    if choice is None or not choice.texts or appointment.status not in Status.upcoming():
        return []
    if appointment.group_id is not None and not choice.groups:
        return []
    zone = ZoneInfo(participant.organization.time_zone)
    rows = []
    for lead in ReminderLead.each(choice.lead):
        due = lead_moment(starts_at=appointment.starts_at, lead=lead, zone=zone)
        send = texting_opens_at(
            max(due, now), opens=participant.texts_from, closes=participant.texts_until, zone=zone
        )
        if _missed(due, lead, now, zone) or send >= appointment.starts_at:
            continue  # booked too late for this one, or their hours end before it begins
        rows.append(
            Reminder(
                organization_id=appointment.organization_id,
                appointment=appointment,
                participant=participant,
                lead=lead,
                due_at=due,
                send_at=send,
            )
        )
    return rows


def drop_reminders(appointment_ids: list[object], *, person: Participant | None = None) -> int:
    """The waiting reminders of these appointments (to `person` only, if given) are not needed
    any more."""
    waiting = Reminder.objects.filter(appointment__in=appointment_ids, state=ReminderState.QUEUED)
    if person is not None:
        waiting = waiting.filter(participant=person)
    return waiting.update(state=ReminderState.CANCELLED, note=ReminderNote.NONE)


def _recipients(appointments: list[Appointment]) -> list[tuple[Appointment, uuid.UUID]]:
    """Each appointment with whom its reminders go to: its person, or each member of its group
    (one query for all the groups)."""
    groups = {a.group_id for a in appointments if a.group_id is not None}
    members: dict[object, list[uuid.UUID]] = {}
    for group_id, participant_id in GroupMember.objects.filter(group_id__in=groups).values_list(
        "group_id", "participant_id"
    ):
        members.setdefault(group_id, []).append(participant_id)
    pairs: list[tuple[Appointment, uuid.UUID]] = []
    for appointment in appointments:
        if appointment.participant_id is not None:
            pairs.append((appointment, appointment.participant_id))
        elif appointment.group_id is not None:
            pairs += [(appointment, member) for member in members.get(appointment.group_id, [])]
    return pairs


def schedule_reminders(
    appointments: Iterable[Appointment],
    *,
    now: datetime | None = None,
    person: Participant | None = None,
) -> int:
    """(Re)plan the text reminders of these appointments as each person chose (the appointment's
    person, or every member of the group that meets; only `person` when given): waiting ones are
    replaced, sent ones stay. Called inside the booking, moving or cancelling transaction, and
    when a choice or a group's members change."""
    now = now or timezone.now()
    rows = list(appointments)
    if not rows:
        return 0
    drop_reminders([a.pk for a in rows], person=person)
    pairs = [
        (appointment, who)
        for appointment, who in _recipients(rows)
        if person is None or who == person.pk
    ]
    people = {
        p.pk: p
        for p in Participant.objects.filter(pk__in={who for _a, who in pairs}).select_related(
            "organization"
        )
    }
    choices = {
        c.participant_id: c for c in ReminderChoice.objects.filter(participant__in=list(people))
    }
    planned: list[Reminder] = []
    for appointment, who in pairs:
        if who in people:
            planned += _plans(appointment, choices.get(who), people[who], now)
    Reminder.objects.bulk_create(planned)
    return len(planned)


def _upcoming_of(participant: Participant) -> list[Appointment]:
    """Their own upcoming appointments and their groups' upcoming sessions."""
    return list(
        Appointment.objects.filter(
            Q(participant=participant) | Q(group__memberships__participant=participant),
            organization_id=participant.organization_id,
            starts_at__gt=timezone.now(),
            status__in=Status.upcoming(),
        ).distinct()
    )


def group_members_changed(*, group: Group, participant: Participant) -> None:
    """Someone joined or left a group: their reminders of its upcoming sessions are planned by
    their choice, or dropped (registered with `groups.extensions`)."""
    sessions = Appointment.objects.filter(
        organization_id=group.organization_id,
        group=group,
        starts_at__gt=timezone.now(),
        status__in=Status.upcoming(),
    )
    schedule_reminders(sessions, person=participant)


@dataclass(frozen=True)
class TextingHours:
    opens: time | None
    closes: time | None


def save_reminder_choice(
    *,
    acting: Membership,
    participant: Participant,
    wanted: bool,
    lead: str,
    way: str,
    groups: bool = True,
    hours: TextingHours | None = None,
) -> ReminderChoice:
    """Record the person's reminder choice (and, from their portal, their texting hours), then
    plan their upcoming appointments' reminders again by it."""
    if lead not in ReminderLead.values or way not in ReminderWay.values:
        raise ValueError("unknown reminder choice")
    with transaction.atomic():
        choice, created = ReminderChoice.objects.select_for_update().get_or_create(
            participant=participant,
            defaults={
                "organization_id": participant.organization_id,
                "wanted": wanted,
                "lead": lead,
                "way": way,
                "groups": groups,
                "updated_by": acting.user,
            },
        )
        values = {"wanted": wanted, "lead": lead, "way": way, "groups": groups}
        changed = list(values)
        if not created:
            changed = [name for name, value in values.items() if getattr(choice, name) != value]
            for name, value in values.items():
                setattr(choice, name, value)
            choice.updated_by = acting.user
            choice.save(update_fields=[*values, "updated_by", "updated_at"])
        if hours is not None:
            set_texting_hours(
                acting=acting,
                participant=participant,
                texts_from=hours.opens,
                texts_until=hours.closes,
            )
        if changed:
            record_member_action(
                acting=acting,
                action=Action.CREATE if created else Action.UPDATE,
                target=Target(type="appointments.reminderchoice", id=str(choice.pk)),
                participant_id=participant.id,
                changed_fields=changed,
            )
        schedule_reminders(_upcoming_of(participant), person=participant)
    return choice


# --- what a reminder says --------------------------------------------------------------------


def reminder_text(participant: Participant, appointment: Appointment) -> str:
    """No more than they agreed to: the day and time, the organization only when they said it
    may be named; never their name, the place, or anything written about the appointment. In
    their language, on their organization's clock and in its time zone."""
    organization = participant.organization
    with (
        translation.override(texts_in(participant)),
        timezone.override(organization.time_zone),
        clock_override(organization.clock),
    ):
        when = {
            "day": show_weekday(appointment.starts_at),
            "time": show_time(appointment.starts_at),
        }
        if appointment.group_id is not None:
            if participant.organization_name_ok:
                return _(
                    "Reminder from %(organization)s: your group meets %(day)s at %(time)s."
                ) % {"organization": organization.name, **when}
            return _("Reminder: your group meets %(day)s at %(time)s.") % when
        if participant.organization_name_ok:
            return _(
                "Reminder from %(organization)s: you have an appointment %(day)s at %(time)s."
            ) % {"organization": organization.name, **when}
        return _("Reminder: you have an appointment %(day)s at %(time)s.") % when


# --- sending ---------------------------------------------------------------------------------


@dataclass
class SendCount:
    sent: int = 0
    waiting: int = 0
    not_sent: int = 0

    def __iadd__(self, other: "SendCount") -> "SendCount":
        self.sent += other.sent
        self.waiting += other.waiting
        self.not_sent += other.not_sent
        return self


def stale_claim() -> timedelta:
    """A claim older than this belongs to a worker that stopped (CAIRN_REMINDER_STALE_CLAIM_SECONDS,
    five minutes unless set)."""
    return timedelta(seconds=settings.CAIRN_REMINDER_STALE_CLAIM_SECONDS)


def _claimable(now: datetime) -> Q:
    return Q(state=ReminderState.QUEUED, send_at__lte=now) | Q(
        state=ReminderState.SENDING, claimed_at__lt=now - stale_claim(), handed_at__isnull=True
    )


def mark_interrupted(*, now: datetime) -> int:
    """Reminders a stopped worker was handing to the provider when it stopped: the provider may
    have taken them, so they are never sent again; the coach sees "not sure it was sent"."""
    return Reminder.objects.filter(
        state=ReminderState.SENDING,
        claimed_at__lt=now - stale_claim(),
        handed_at__isnull=False,
    ).update(state=ReminderState.UNSURE, note=ReminderNote.INTERRUPTED, claim=None)


def claim_due(*, now: datetime, limit: int = BATCH) -> tuple[uuid.UUID, list[Reminder]]:
    """Take up to `limit` due reminders for this worker: one conditional UPDATE, so a reminder
    another worker took in between (its state or claim time changed) is not taken again. Each
    group reminder comes with whether its person is still in the group (`still_in_group`),
    answered in the same query."""
    token = uuid.uuid4()
    mark_interrupted(now=now)
    ids = list(
        Reminder.objects.filter(_claimable(now))
        .order_by("send_at")
        .values_list("id", flat=True)[:limit]
    )
    if not ids:
        return token, []
    Reminder.objects.filter(_claimable(now), id__in=ids).update(
        state=ReminderState.SENDING, claim=token, claimed_at=now
    )
    claimed: list[Reminder] = list(
        Reminder.objects.filter(id__in=ids, claim=token, state=ReminderState.SENDING)
        .select_related(
            "appointment",
            "participant__organization",
            "participant__portal_preference",
        )
        .annotate(
            still_in_group=Exists(
                GroupMember.objects.filter(
                    group_id=OuterRef("appointment__group_id"),
                    participant_id=OuterRef("participant_id"),
                )
            )
        )
        # A reminder never says the place or anything written about the person: not decrypted.
        .defer(
            "appointment__place",
            "appointment__cancel_reason",
            *(f"participant__{name}" for name in ENCRYPTED_FIELDS),
        )
        .order_by("send_at")
    )
    return token, claimed


def _finish(reminder: Reminder, token: uuid.UUID, **values: object) -> bool:
    """Write the outcome only while the claim is still ours."""
    return bool(
        Reminder.objects.filter(id=reminder.id, claim=token, state=ReminderState.SENDING).update(
            **values
        )
    )


def _not_taken(reminder: Reminder, token: uuid.UUID, *, now: datetime, zone: ZoneInfo) -> str:
    """The provider did not take it: back in the queue after a growing wait (inside their
    hours), or not sent once the tries are used up or the appointment would have begun."""
    participant = reminder.participant
    assert participant is not None
    attempts = reminder.attempts + 1
    retry_at = texting_opens_at(
        now + retry_wait(attempts, longest=LONGEST_WAIT),
        opens=participant.texts_from,
        closes=participant.texts_until,
        zone=zone,
    )
    if attempts >= MOST_ATTEMPTS or retry_at >= reminder.appointment.starts_at:
        _finish(
            reminder,
            token,
            state=ReminderState.NOT_SENT,
            note=ReminderNote.GAVE_UP,
            attempts=attempts,
            claim=None,
            handed_at=None,
        )
        return ReminderState.NOT_SENT
    _finish(
        reminder,
        token,
        state=ReminderState.QUEUED,
        note=ReminderNote.PROVIDER,
        attempts=attempts,
        send_at=retry_at,
        claim=None,
        handed_at=None,
    )
    return ReminderState.QUEUED


def send_one(reminder: Reminder, token: uuid.UUID, *, now: datetime, to: Backend) -> str:
    """Send one claimed reminder, or say why not; returns its new state. Their choices are
    read as they are now: a "please don't contact me" or new hours since it was planned win."""
    appointment = reminder.appointment
    participant = reminder.participant
    left_group = (
        participant is not None
        and appointment.group_id is not None
        and not getattr(reminder, "still_in_group", False)
    )
    if participant is None or left_group or appointment.status not in Status.upcoming():
        _finish(reminder, token, state=ReminderState.CANCELLED, claim=None)
        return ReminderState.CANCELLED
    reason = ""
    if participant.wants_no_contact:
        reason = ReminderNote.NO_CONTACT
    elif participant.texts_stopped_at is not None:
        reason = ReminderNote.STOPPED
    elif not participant.may_text():
        reason = ReminderNote.NO_TEXT
    elif now >= appointment.starts_at:
        reason = ReminderNote.TOO_LATE
    if reason:
        _finish(reminder, token, state=ReminderState.NOT_SENT, note=reason, claim=None)
        return ReminderState.NOT_SENT
    zone = ZoneInfo(participant.organization.time_zone)
    allowed = texting_opens_at(
        now, opens=participant.texts_from, closes=participant.texts_until, zone=zone
    )
    if allowed > now:
        if allowed >= appointment.starts_at:
            _finish(
                reminder,
                token,
                state=ReminderState.NOT_SENT,
                note=ReminderNote.TOO_LATE,
                claim=None,
            )
            return ReminderState.NOT_SENT
        _finish(reminder, token, state=ReminderState.QUEUED, send_at=allowed, claim=None)
        return ReminderState.QUEUED
    body = reminder_text(participant, appointment)
    handed_at = timezone.now()
    if not Reminder.objects.filter(
        id=reminder.id, claim=token, state=ReminderState.SENDING, handed_at__isnull=True
    ).update(handed_at=handed_at):
        return ReminderState.SENDING  # no longer ours: another worker took the claim
    try:
        to.send(
            TextMessage(to=participant.phone, body=body, organization=participant.organization.slug)
        )
    except SendFailed:
        return _not_taken(reminder, token, now=now, zone=zone)
    outcome = {
        "state": ReminderState.SENT,
        "note": ReminderNote.NONE,
        "attempts": reminder.attempts + 1,
        "sent_at": timezone.now(),
    }
    if not _finish(reminder, token, **outcome):
        # This worker was slow enough for another to think it stopped and mark the text "not
        # sure": it did go, once.
        Reminder.objects.filter(
            id=reminder.id, state=ReminderState.UNSURE, handed_at=handed_at
        ).update(**outcome)
    return ReminderState.SENT


def _audit_sent(sent: list[Reminder]) -> None:
    """Each text sent is on the person's record of who reached them, sent by the system."""
    by_organization: dict[int, tuple[Organization, list[NewEvent]]] = {}
    for reminder in sent:
        participant = reminder.participant
        assert participant is not None
        _organization, events = by_organization.setdefault(
            reminder.organization_id, (participant.organization, [])
        )
        events.append(
            NewEvent(
                action=Action.CREATE,
                actor_id=None,
                actor_username="",
                role="",
                target_type="appointments.reminder",
                target_id=str(reminder.id),
                participant_id=participant.id,
                changed_fields=["sent_at"],
            )
        )
    for organization, events in by_organization.values():
        record_events(organization=organization, events=events)


def _send_batch(
    claimed: list[Reminder], token: uuid.UUID, *, now: datetime, to: Backend, senders: int
) -> list[tuple[Reminder, str]]:
    """Send a claimed batch, `senders` texts at a time: each thread takes the next reminder and
    goes through `send_one` whole (its own hand-over mark, call and outcome), so a stop still
    leaves at most one text per thread unsure, and waiting on the provider overlaps."""
    if senders <= 1 or len(claimed) <= 1:
        return [(reminder, send_one(reminder, token, now=now, to=to)) for reminder in claimed]
    waiting: queue.SimpleQueue[Reminder] = queue.SimpleQueue()
    for reminder in claimed:
        waiting.put(reminder)
    done: list[tuple[Reminder, str]] = []
    failures: list[BaseException] = []

    def work() -> None:
        try:
            while failures == []:
                try:
                    reminder = waiting.get_nowait()
                except queue.Empty:
                    return
                done.append((reminder, send_one(reminder, token, now=now, to=to)))
        except BaseException as error:  # noqa: BLE001 - raised again in the calling thread
            failures.append(error)
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=work) for _ in range(min(senders, len(claimed)))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise failures[0]
    return done


def send_due_reminders(
    *,
    now: datetime | None = None,
    to: Backend | None = None,
    limit: int = BATCH,
    senders: int | None = None,
) -> SendCount:
    """One pass of the sender (`manage.py send_reminders`, every minute): claim what is due,
    batch by batch, and send each, CAIRN_REMINDER_SENDERS at a time unless `senders` says."""
    provider = to or backend()
    at_once = senders if senders is not None else settings.CAIRN_REMINDER_SENDERS
    count = SendCount()
    while True:
        moment = now or timezone.now()
        token, claimed = claim_due(now=moment, limit=limit)
        if not claimed:
            return count
        sent = []
        for reminder, state in _send_batch(
            claimed, token, now=moment, to=provider, senders=at_once
        ):
            if state == ReminderState.SENT:
                count.sent += 1
                sent.append(reminder)
            elif state == ReminderState.QUEUED:
                count.waiting += 1
            elif state == ReminderState.SENDING:
                continue  # another worker has it now
            else:
                count.not_sent += 1
        _audit_sent(sent)
        if len(claimed) < limit:
            return count
