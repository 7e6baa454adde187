"""A participant's naloxone kits and overdoses, post-overdose outreach from Today, and the
program's figures by month."""

from datetime import date

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from audit.services import Target, record_page_view
from lib.once import create_once, one_time_submit
from organizations.access import acting_membership, member_required
from organizations.models import Role
from overdose.forms import KitForm, OutreachPlanForm, OverdoseForm
from overdose.models import OverdoseEvent, ReportedBy, outreach_steps
from overdose.selectors import (
    MEASURES,
    Month,
    figures_by_month,
    outreach_plan,
    participant_history,
    rows_behind,
)
from overdose.services import (
    EVENT_FIELDS,
    mark_outreach_done,
    record_kits,
    record_overdose,
    save_outreach_plan,
)
from participants.access import owned_or_404, participant_or_404
from participants.models import Participant
from reports.suppression import suppress_table


def _page(
    request: HttpRequest,
    participant: Participant,
    *,
    kit_form: KitForm | None = None,
    event_form: OverdoseForm | None = None,
    status: int = 200,
) -> HttpResponse:
    record_page_view(request=request, target=Target.of(participant), participant_id=participant.id)
    today = timezone.localdate()
    return render(
        request,
        "overdose/participant.html",
        {
            "participant": participant,
            "can_write": acting_membership(request).role in Role.care_team(),
            "kit_form": kit_form or KitForm(initial={"given_on": today}),
            "event_form": event_form or OverdoseForm(initial={"happened_on": today}),
            **participant_history(participant),
        },
        status=status,
    )


def _here(participant: Participant) -> str:
    return reverse("overdose:participant", args=[participant.id])


@member_required(*Role.with_participant_access())
def participant(request: HttpRequest, participant_id: object) -> HttpResponse:
    return _page(request, participant_or_404(request, participant_id))


@require_POST
@member_required(*Role.care_team())
@one_time_submit
def kit(request: HttpRequest, participant_id: object) -> HttpResponse:
    person = participant_or_404(request, participant_id)
    form = KitForm(request.POST)
    if not form.is_valid():
        return _page(request, person, kit_form=form, status=400)
    data = form.cleaned_data
    saved = create_once(
        request,
        create=lambda: record_kits(
            acting=acting_membership(request),
            participant=person,
            given_on=data["given_on"],
            kits=data["kits"],
            training_given=data["training_given"],
        ),
        location=lambda _row: _here(person),
    )
    messages.success(
        request,
        ngettext(
            "Recorded %(kits)s naloxone kit given to %(name)s.",
            "Recorded %(kits)s naloxone kits given to %(name)s.",
            saved.obj.kits,
        )
        % {"kits": saved.obj.kits, "name": person.preferred_name},
    )
    return redirect(saved.location)


@require_POST
@member_required(*Role.care_team())
@one_time_submit
def event(request: HttpRequest, participant_id: object) -> HttpResponse:
    person = participant_or_404(request, participant_id)
    form = OverdoseForm(request.POST)
    if not form.is_valid():
        return _page(request, person, event_form=form, status=400)
    values = {name: form.cleaned_data[name] for name in EVENT_FIELDS}
    saved = create_once(
        request,
        create=lambda: record_overdose(
            acting=acting_membership(request),
            participant=person,
            values=values,
            reported_by=ReportedBy.STAFF,
        ),
        location=lambda _row: _here(person),
    )
    if saved.obj.outreach_due_at is not None:
        messages.success(
            request,
            _("Recorded. Reaching out to %(name)s is now on Today, within 72 hours.")
            % {"name": person.preferred_name},
        )
    else:
        messages.success(request, _("Recorded."))
    return redirect(saved.location)


@require_POST
@member_required(*Role.care_team())
def outreach_done(request: HttpRequest, event_id: object) -> HttpResponse:
    found = owned_or_404(request, OverdoseEvent, id=event_id)
    if mark_outreach_done(acting=acting_membership(request), event=found):
        messages.success(
            request,
            _("Thank you. Outreach to %(name)s is recorded as done.")
            % {"name": found.participant.preferred_name},
        )
    return redirect("today")


# The table's columns, in order, by the name of the rows behind each (`MEASURES`).
COLUMNS = ("kits", "naloxone_used", "overdoses", "reversals", "helped_others", "deaths")


def shown_months(months: list[Month], *, deidentified: bool) -> list[list[str]]:
    """Each month's counts, and a last row for the 12 months; de-identified, counts from 1 to
    10 are hidden, with others where a column's total would give them away (a row's counts
    measure different things, so only the columns add up)."""
    rows = [
        [m.kits_given, m.naloxone_used, m.overdoses, m.reversals, m.helped_others, m.deaths]
        for m in months
    ]
    if not rows:
        return []
    if deidentified:
        return [[str(cell) for cell in row] for row in suppress_table(rows, row_totals=False)]
    totals = [sum(column) for column in zip(*rows, strict=True)]
    return [[str(n) for n in row] for row in [*rows, totals]]


@member_required(*Role.oversight())
def figures(request: HttpRequest) -> HttpResponse:
    membership = acting_membership(request)
    deidentified = request.GET.get("numbers") == "deidentified"
    record_page_view(request=request, target=Target(type="overdose.figures", id="months"))
    months = figures_by_month(membership, today=timezone.localdate())
    cells = shown_months(months, deidentified=deidentified)
    return render(
        request,
        "overdose/figures.html",
        {
            "rows": [
                (month, list(zip(row, COLUMNS, strict=True)))
                for month, row in zip(months, cells, strict=False)
            ],
            "totals": cells[-1] if cells else [],
            "deidentified": deidentified,
            "can_plan": membership.role in Role.program_keepers(),
        },
    )


MEASURE_TITLES = {
    "kits": _lazy("Kits given"),
    "naloxone_used": _lazy("Naloxone used"),
    "overdoses": _lazy("Overdoses"),
    "reversals": _lazy("Reversals"),
    "helped_others": _lazy("Reversed by a participant for someone else"),
    "deaths": _lazy("Deaths"),
}


@member_required(*Role.oversight())
def rows(request: HttpRequest) -> HttpResponse:
    """The kits or overdoses behind one figure of the table, each person linking to their
    page: only in the exact view, and only those the reader may see."""
    membership = acting_membership(request)
    # Without a choice: this month's kits (the first column of the table).
    measure = request.GET.get("measure", "kits")
    try:
        month = date.fromisoformat(
            request.GET.get("month", f"{timezone.localdate():%Y-%m}") + "-01"
        )
    except ValueError:
        raise Http404 from None
    if measure not in MEASURES:
        raise Http404
    page = Paginator(rows_behind(membership, measure=measure, month=month), 50).get_page(
        request.GET.get("page")
    )
    record_page_view(request=request, target=Target(type="overdose.rows", id=measure))
    return render(
        request,
        "overdose/rows.html",
        {
            "title": MEASURE_TITLES[measure],
            "month": month,
            "page": page,
            "kits": measure == "kits",
            "query": f"measure={measure}&month={month:%Y-%m}",
        },
    )


@member_required(*Role.program_keepers())
def plan_settings(request: HttpRequest) -> HttpResponse:
    """The program's post-overdose outreach: how soon, and its steps."""
    acting = acting_membership(request)
    current = outreach_plan(acting.organization)
    form = OutreachPlanForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        _row, changed = save_outreach_plan(
            acting=acting,
            values={name: form.cleaned_data[name] for name in OutreachPlanForm.Meta.fields},
        )
        messages.success(
            request, _("Outreach plan saved.") if changed else _("Nothing was changed.")
        )
        return redirect("overdose:plan")
    return render(
        request,
        "overdose/plan.html",
        {"form": form, "default_steps": outreach_steps("")},
    )
