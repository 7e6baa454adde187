"""Texts to staff about signals: to the coach when a signal is raised (if they chose that),
and, when nobody has answered within the window, to whoever is on call for the coach's team
and, when no text to them went out (no shift, no texts chosen, or the provider failed), to the
team's supervisor.

A text never names the person or says why: a phone can be lost. Each staff member gets at
most one text per signal (a unique row, written before the provider is asked). When the
provider is down the row says so and Today shows it; escalation itself never waits for a text:
Today moves the signal on when the window passes, whatever the texts did.
"""

import logging
import uuid
from datetime import timedelta
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from jobs.models import Job
from jobs.runner import JobResult, Progress, register, submit
from lib.sms import SendFailed, send_text
from lib.when import show_time
from organizations.models import Membership, Role
from reachout.models import OnCallShift, Signal, SignalText, TextBecause, TextChoice, TextState
from reachout.selectors import settings_for

logger = logging.getLogger(__name__)

ESCALATION_TEXTS = "reachout.escalation_texts"


def _body(signal: Signal, user: User, because: str) -> str:
    zone = ZoneInfo(signal.organization.time_zone)
    with translation.override(user.language or signal.organization.staff_language or "en"):
        with timezone.override(zone):
            when = show_time(signal.raised_at, clock=signal.organization.clock)
        if because == TextBecause.COACH:
            return _(
                "Cairn: someone you support asked to be reached (at %(when)s). "
                "Please open Today when you can."
            ) % {"when": when}
        return _(
            "Cairn: someone asked to be reached at %(when)s and has not heard back yet. "
            "Please open Today."
        ) % {"when": when}


def _text(signal: Signal, user: User, because: str) -> SignalText | None:
    """Text one staff member about one signal, once. None when they chose no texts or someone
    (another worker) already texted them about it."""
    choice = TextChoice.objects.filter(user=user).first()
    wanted = (
        choice is not None
        and bool(choice.phone)
        and (choice.on_own_signals if because == TextBecause.COACH else choice.on_escalations)
    )
    if not wanted or choice is None:
        return None
    try:
        with transaction.atomic():
            row = SignalText.objects.create(
                signal=signal, to=user, because=because, state=TextState.SENT
            )
    except IntegrityError:
        return None
    try:
        send_text(to=choice.phone, body=_body(signal, user, because))
    except (SendFailed, OSError) as error:
        # The type only: the message or the number must never reach a log.
        logger.warning("signal text not sent: %s", type(error).__name__)
        SignalText.objects.filter(pk=row.pk).update(state=TextState.FAILED)
        row.state = TextState.FAILED
    return row


def _signal(signal_id: uuid.UUID) -> Signal | None:
    return (
        Signal.objects.filter(pk=signal_id, acknowledged_at=None)
        .select_related("organization", "participant", "participant__coach")
        .first()
    )


def text_coach(signal_id: uuid.UUID) -> SignalText | None:
    """The coach's text, when they asked to be texted about their own people's signals."""
    signal = _signal(signal_id)
    if signal is None or signal.participant.coach is None:
        return None
    return _text(signal, signal.participant.coach, TextBecause.COACH)


def queue_escalation(*, acting: Membership | None, signal_id: uuid.UUID) -> Job | None:
    """A job that looks again when the window has passed; none when nobody in the program has
    asked for texts about signals that wait (Today escalates them all the same). A signal the
    system raised (no member acting) puts the job under the person's coach."""
    signal = Signal.objects.select_related("organization", "participant").get(pk=signal_id)
    wanted = TextChoice.objects.filter(
        on_escalations=True,
        user__memberships__organization_id=signal.organization_id,
        user__memberships__is_active=True,
    )
    if not wanted.exists():
        return None
    if acting is None:
        if signal.participant.coach_id is None:
            return None
        acting = (
            Membership.objects.active()
            .select_related("user", "organization")
            .filter(organization=signal.organization, user_id=signal.participant.coach_id)
            .first()
        )
        if acting is None:
            return None
    window = settings_for(signal.organization).acknowledge_within_minutes
    return submit(
        kind=ESCALATION_TEXTS,
        acting=acting,
        title=_("Texts if nobody has reached out yet"),
        params={"signal_id": str(signal_id)},
        not_before=signal.raised_at + timedelta(minutes=window, seconds=1),
    )


def _team_of(signal: Signal) -> uuid.UUID | None:
    coach = signal.participant.coach
    if coach is None:
        return None
    return (
        Membership.objects.filter(organization=signal.organization, user=coach)
        .values_list("team_id", flat=True)
        .first()
    )


def on_call_for(signal: Signal) -> list[User]:
    """The people on call now for the coach's team, or for the whole program."""
    now = timezone.now()
    team_id = _team_of(signal)
    shifts = OnCallShift.objects.filter(
        organization=signal.organization, starts_at__lte=now, ends_at__gt=now
    ).select_related("person")
    people = [s.person for s in shifts if s.team_id is None or s.team_id == team_id]
    coach_id = signal.participant.coach_id
    return list({p.pk: p for p in people if p.pk != coach_id}.values())


def supervisors_for(signal: Signal) -> list[User]:
    team_id = _team_of(signal)
    if team_id is None:
        return []
    return [
        m.user
        for m in Membership.objects.filter(
            organization=signal.organization, team_id=team_id, role=Role.SUPERVISOR, is_active=True
        ).select_related("user")
    ]


@register(ESCALATION_TEXTS, listed=False)
def send_escalation_texts(job: Job, progress: Progress) -> JobResult:
    signal = _signal(uuid.UUID(job.params["signal_id"]))
    if signal is None:
        return _done(_("Nothing to send: someone reached out in time."))
    rows = [r for user in on_call_for(signal) if (r := _text(signal, user, TextBecause.ON_CALL))]
    if not any(row.state == TextState.SENT for row in rows):
        # Nobody on call, none who chose texts, or their texts failed: the supervisor next.
        rows += [
            r
            for user in supervisors_for(signal)
            if (r := _text(signal, user, TextBecause.SUPERVISOR))
        ]
    progress(len(rows), len(rows))
    failed = sum(1 for row in rows if row.state == TextState.FAILED)
    return _done(
        _("%(sent)d sent, %(failed)d could not be sent.")
        % {"sent": len(rows) - failed, "failed": failed}
    )


def _done(summary: str) -> JobResult:
    return JobResult(filename="", content_type="", content=b"", summary=summary)
