"""A reach-out-soon signal's page (and the acknowledgement from Today), and the organization's
choices of what raises one."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from audit.services import Target, record_page_view
from lib.when import show_time
from organizations.access import acting_membership, member_required
from organizations.models import Role
from participants.access import owned_or_404
from reachout.forms import AcknowledgeForm, ReachOutSettingsForm
from reachout.models import Response, Signal
from reachout.selectors import figures, visible_signals
from reachout.services import acknowledge, save_settings, settings_for

LIST_PAGE = 50
STATES = {"open", "done"}


def _already(request: HttpRequest, signal: Signal) -> None:
    who = signal.acknowledged_by
    if who is not None and who.pk == request.user.pk:
        messages.info(request, _("You had already recorded this one."))
        return
    messages.info(
        request,
        _("%(who)s already reached out at %(when)s: %(what)s.")
        % {
            "who": who.get_short_name() if who else _("Someone"),
            "when": show_time(signal.acknowledged_at) if signal.acknowledged_at else "",
            "what": Response(signal.response).label if signal.response else "",
        },
    )


@member_required(*Role.with_participant_access())
def signals(request: HttpRequest) -> HttpResponse:
    """The signals of the last 90 days the reader may see, with how quickly they were answered:
    a coach's own people, a supervisor's team, a manager's organization. Never ranked by coach."""
    membership = acting_membership(request)
    state = request.GET.get("state", "")
    state = state if state in STATES else ""
    page = Paginator(visible_signals(membership, state=state), LIST_PAGE).get_page(
        request.GET.get("page")
    )
    record_page_view(request=request, target=Target(type="reachout.list", id=str(page.number)))
    return render(
        request,
        "reachout/list.html",
        {
            "page": page,
            "state": state,
            "figures": figures(membership),
            "can_choose": membership.role in Role.program_keepers(),
        },
    )


@member_required(*Role.care_team())
def signal(request: HttpRequest, signal_id: object) -> HttpResponse:
    """GET: the signal and the form; POST: record what was done (from here or from Today)."""
    found = owned_or_404(
        request, Signal, id=signal_id, related=["acknowledged_by"], viewed=request.method == "GET"
    )
    form = AcknowledgeForm(request.POST or None)
    if request.method == "POST":
        if found.acknowledged_at is not None:
            _already(request, found)
            return redirect("today")
        if form.is_valid():
            done = acknowledge(
                acting=acting_membership(request),
                signal=found,
                response=form.cleaned_data["response"],
                note=form.cleaned_data["note"],
            )
            if done.by_me:
                messages.success(
                    request,
                    _("Recorded: %(what)s for %(name)s.")
                    % {
                        "what": Response(done.signal.response).label,
                        "name": done.signal.participant.preferred_name,
                    },
                )
            else:
                _already(request, done.signal)
            return redirect("today")
    return render(request, "reachout/signal.html", {"signal": found, "form": form})


@member_required(*Role.program_keepers())
def reach_out_settings(request: HttpRequest) -> HttpResponse:
    acting = acting_membership(request)
    current = settings_for(acting.organization)
    form = ReachOutSettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        _row, changed = save_settings(
            acting=acting,
            values={name: form.cleaned_data[name] for name in ReachOutSettingsForm.Meta.fields},
        )
        messages.success(request, _("Settings saved.") if changed else _("Nothing was changed."))
        return redirect("reachout:settings")
    return render(request, "reachout/settings.html", {"form": form})
