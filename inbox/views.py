"""Staff side of messages: the threads of my people, new first, and one thread with a reply."""

from datetime import datetime

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import Target, record_page_view
from inbox.forms import MessageForm
from inbox.selectors import TextPlan, TextWay, text_plan, threads_for
from inbox.services import goes_by_text, open_thread, reads_for_coach, send_message
from lib.once import create_once, one_time_submit
from lib.when import show_datetime
from organizations.access import acting_membership, member_required
from organizations.models import Role
from participants.access import participant_or_404
from participants.models import Participant


def sent_words(plan: TextPlan, participant: Participant) -> str:
    """What the coach is told after sending: whether and when the person gets a text."""
    name = participant.preferred_name
    if plan.way == TextWay.NOW:
        return _("Sent. %(name)s gets a text that a message is waiting, without what it says.") % {
            "name": name
        }
    if plan.way == TextWay.WAITS and plan.waits_until is not None:
        return _(
            "Sent. The text telling %(name)s a message is waiting goes at %(when)s, "
            "the start of their texting hours."
        ) % {"name": name, "when": _when(plan.waits_until)}
    if plan.way == TextWay.STOPPED:
        return _("Sent. No text goes to %(name)s: they texted STOP.") % {"name": name}
    return _("Sent. No text goes to %(name)s, as they chose.") % {"name": name}


def _when(moment: datetime) -> str:
    # In the moment's own zone (the person's texting hours), on the organization's clock.
    with timezone.override(moment.tzinfo):
        return show_datetime(moment)


# Managers read records organization-wide, but a conversation is between a person and their
# care team: coaches and their supervisors (who can answer when the coach is away).
@member_required(*Role.care_team())
def thread_list(request: HttpRequest) -> HttpResponse:
    membership = acting_membership(request)
    threads = threads_for(user=request.user, organization=membership.organization)
    record_page_view(request=request, target=Target(type="inbox.threads", id=""))
    return render(request, "inbox/list.html", {"threads": threads})


@member_required(*Role.care_team())
@one_time_submit
def thread(request: HttpRequest, participant_id: object) -> HttpResponse:
    participant = participant_or_404(request, participant_id)
    membership = acting_membership(request)
    form = MessageForm(request.POST or None, language_check=True)
    if request.method == "POST" and form.is_valid():
        saved = create_once(
            request,
            create=lambda: send_message(
                acting=membership, participant=participant, body=form.cleaned_data["text"]
            ),
            location=lambda message: reverse(
                "inbox:thread", kwargs={"participant_id": participant.id}
            ),
        )
        messages.success(
            request, sent_words(text_plan(participant, now=timezone.now()), participant)
        )
        return redirect(saved.location)
    items = open_thread(request=request, acting=membership, participant=participant)
    plan = text_plan(participant, now=timezone.now())
    return render(
        request,
        "inbox/thread.html",
        {
            "participant": participant,
            "items": items,
            "form": form,
            "for_coach": reads_for_coach(membership, participant),
            "text_plan": plan,
            "answers_by_text": goes_by_text(participant, plan),
        },
    )
