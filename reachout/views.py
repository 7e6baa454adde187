"""A reach-out-soon signal's page (and the acknowledgement from Today), and the organization's
choices of what raises one."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import Target, record_page_view
from lib.phones import for_display
from lib.when import show_time, show_weekday_time
from organizations.access import acting_membership, member_required, visible_or_404
from organizations.models import Membership, Role
from participants.access import owned_or_404
from reachout import tables
from reachout.forms import AcknowledgeForm, ReachOutSettingsForm, ShiftForm, TextChoiceForm
from reachout.models import OnCallShift, Response, Signal, TextChoice
from reachout.selectors import (
    breakdowns,
    figures,
    on_call_signal,
    rota,
    settings_for,
    visible_signals,
    window_of,
)
from reachout.services import (
    acknowledge,
    add_shift,
    remove_shift,
    save_settings,
    save_text_choice,
)

LIST_PAGE = 50
STATES = {"open", "done", "escalated"}


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
    deidentified = request.GET.get("numbers") == "deidentified"
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
            "deidentified": deidentified,
            **_figures_shown(membership, deidentified=deidentified),
            "can_choose": membership.role in Role.program_keepers(),
            "can_text": membership.role in Role.care_team(),
        },
    )


def _figures_shown(membership: Membership, *, deidentified: bool) -> dict[str, object]:
    window = window_of(membership.organization)
    total = figures(membership, window=window)
    parts = breakdowns(membership, window=window)
    by_team = tables.table(parts["by_team"], total, deidentified=deidentified)
    return {
        "figures": total,
        "shown": by_team[-1],
        "by_team": by_team[:-1],
        "by_team_total": by_team[-1],
        "by_part_of_day": tables.table(parts["by_part_of_day"], total, deidentified=deidentified),
        "by_hour": tables.table(parts["by_hour"], total, deidentified=deidentified),
        "window_minutes": int(window.total_seconds() // 60),
    }


def _open_signal(request: HttpRequest, signal_id: object) -> tuple[Signal, bool]:
    """The signal by the participant rule, or, for the person on call, a signal of the people
    they cover that waited past the window (then the page shows what is needed to reach out,
    not the record). The second value says which."""
    membership = acting_membership(request)
    covered = on_call_signal(membership, signal_id)
    if covered is not None:
        if request.method == "GET":
            record_page_view(
                request=request, target=Target.of(covered), participant_id=covered.participant_id
            )
        return covered, True
    found = owned_or_404(
        request, Signal, id=signal_id, related=["acknowledged_by"], viewed=request.method == "GET"
    )
    return found, False


@member_required(*Role.care_team())
def signal(request: HttpRequest, signal_id: object) -> HttpResponse:
    """GET: the signal and the form; POST: record what was done (from here or from Today)."""
    found, on_call = _open_signal(request, signal_id)
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
    return render(
        request, "reachout/signal.html", {"signal": found, "form": form, "on_call": on_call}
    )


@member_required(*Role.program_keepers())
def on_call(request: HttpRequest) -> HttpResponse:
    """The next week's on-call shifts and the stretches no one covers; adding a shift."""
    acting = acting_membership(request)
    form = ShiftForm(request.POST or None, organization=acting.organization)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        shift = add_shift(
            acting=acting,
            person=data["person"],
            team=data["team"],
            starts_at=data["start"],
            ends_at=data["end"],
        )
        messages.success(
            request,
            _("%(name)s is on call from %(start)s to %(end)s.")
            % {
                "name": shift.person.display_name,
                "start": show_weekday_time(shift.starts_at),
                "end": show_weekday_time(shift.ends_at),
            },
        )
        return redirect("reachout:on_call")
    start = timezone.now().replace(second=0, microsecond=0)
    return render(request, "reachout/on_call.html", {"form": form, **rota(acting, start=start)})


@member_required(*Role.program_keepers())
def remove_shift_view(request: HttpRequest, shift_id: object) -> HttpResponse:
    acting = acting_membership(request)
    shift = visible_or_404(
        OnCallShift.objects.filter(organization=acting.organization).select_related("person"),
        request,
        id=shift_id,
    )
    if request.method == "POST":
        remove_shift(acting=acting, shift=shift)
        messages.success(request, _("The shift was removed."))
        return redirect("reachout:on_call")
    return render(request, "reachout/remove_shift.html", {"shift": shift})


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


@member_required(*Role.care_team())
def my_texts(request: HttpRequest) -> HttpResponse:
    """A coach's, supervisor's or on-call person's own choice of texts about signals."""
    acting = acting_membership(request)
    current = TextChoice.objects.filter(user=acting.user).first()
    initial = {
        "phone": for_display(current.phone) if current else "",
        "on_own_signals": current.on_own_signals if current else False,
        "on_escalations": current.on_escalations if current else False,
    }
    form = TextChoiceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        save_text_choice(acting=acting, **form.cleaned_data)
        wants = form.cleaned_data["on_own_signals"] or form.cleaned_data["on_escalations"]
        messages.success(
            request,
            _("Saved. Texts say only that someone asked to be reached, never who.")
            if wants
            else _("Saved. You will get no texts about signals."),
        )
        return redirect("reachout:texts")
    return render(request, "reachout/texts.html", {"form": form})
