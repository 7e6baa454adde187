"""The text that waited for the person's texting hours (the note that a message is waiting, or
the message itself when they text with the program), sent when their hours open."""

from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from inbox.models import Message, TextState
from inbox.selectors import TextWay, text_plan
from jobs.models import Job
from jobs.runner import JobResult, Progress, register
from lib.sms import send_text
from organizations.models import Organization
from participants.models import Participant

NEW_MESSAGE_TEXT = "inbox.new_message_text"


def wait_for(
    *,
    organization: Organization,
    requested_by_id: int,
    params: dict[str, Any],
    not_before: datetime | None,
) -> Job:
    """The waiting text as a job of its own that starts at `not_before` (run_timers or run_jobs
    picks it up then): after new texting hours, or to try again after the provider failed."""
    return Job.objects.create(
        organization=organization,
        requested_by_id=requested_by_id,
        kind=NEW_MESSAGE_TEXT,
        title=_("A text that a message is waiting"),
        params=params,
        not_before=not_before,
    )


@register(NEW_MESSAGE_TEXT, listed=False)
def send_waiting_text(job: Job, progress: Progress) -> JobResult:
    # Their choices are read again now: a "please don't contact me", a STOP, a way taken away or
    # new hours recorded while the text waited all win over the earlier plan.
    participant = (
        Participant.objects.filter(
            organization=job.organization, pk=job.params["participant_id"], merged_into__isnull=True
        )
        .select_related("organization")
        .first()
    )
    message = (
        Message.objects.filter(organization=job.organization, pk=job.params["message_id"]).first()
        if job.params.get("message_id")
        else None
    )
    plan = text_plan(participant, now=timezone.now()) if participant else None
    if participant is None or plan is None or plan.way not in (TextWay.NOW, TextWay.WAITS):
        if message is not None:
            stopped = plan is not None and plan.way == TextWay.STOPPED
            Message.objects.filter(pk=message.pk).update(
                text_state=TextState.STOPPED if stopped else TextState.NONE
            )
        return _done(_("Not sent: their choices changed while it waited."))
    if plan.way == TextWay.WAITS:
        # New hours were recorded: wait again for their next start, as its own job.
        wait_for(
            organization=job.organization,
            requested_by_id=job.requested_by_id,
            params=job.params,
            not_before=plan.waits_until,
        )
        return _done(_("Waiting again for their new texting hours."))
    from inbox.services import notification_text, send_message_text

    if message is not None:
        sent = send_message_text(message, attempts=job.params.get("attempts", 0)) == TextState.SENT
        progress(1, 1)
        return _done(_("Sent.") if sent else _("Not sent."))
    send_text(
        to=participant.phone,
        body=notification_text(participant),
        organization=participant.organization.slug,
    )
    progress(1, 1)
    return _done(_("Sent."))


def _done(summary: str) -> JobResult:
    return JobResult(filename="", content_type="", content=b"", summary=summary)
