"""Today: the coach's day, and recording how a due call went without leaving it."""

from datetime import timedelta

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from audit.services import Target, record_page_view
from encounters.forms import OutcomeForm
from encounters.selectors import LONG_LIST, coach_day
from encounters.services import record_call_outcome
from encounters.team_selectors import team_glance
from encounters.today_rows import one_row, today_rows
from lib.once import create_once, one_time_submit
from organizations.access import acting_membership, member_required
from organizations.models import Role
from participants.access import participant_or_404
from participants.selectors import FINDER_LIMIT, find_on_caseload


@member_required(*Role.care_team())
def today(request: HttpRequest) -> HttpResponse:
    membership = acting_membership(request)
    # The signed-in user object carries its cached memberships: the sections reuse it.
    membership.user = request.user  # type: ignore[assignment]  # signed in: member_required
    # Long overdue and quiet lists show their first people; "Show all" asks for one in full.
    show = request.GET.get("show")
    day = coach_day(
        membership=membership,
        today=timezone.localdate(),
        overdue_shown=None if show == "overdue" else LONG_LIST,
        quiet_shown=None if show == "quiet" else LONG_LIST,
    )
    # A supervisor's Today leads with their team, coach by coach.
    team = team_glance(membership=membership, today=timezone.localdate())
    record_page_view(request=request, target=Target(type="encounters.today", id=""))
    return render(
        request, "encounters/today.html", {"day": day, "rows": today_rows(day), "team": team}
    )


@require_http_methods(["GET", "POST"])
@member_required(*Role.care_team())
@one_time_submit
def today_outcome(request: HttpRequest, participant_id: object) -> HttpResponse:
    """How a due call went. Today lists the people and fetches this form for one row on demand
    (htmx swaps the row; without JavaScript the link opens it as a page); the answer is recorded
    in place."""
    participant = participant_or_404(request, participant_id)
    htmx = bool(request.headers.get("HX-Request"))
    # htmx swaps in the partial Today lists its people with, for this one person.
    row = {"p": participant, "show_form": True, "swapped": True}
    if request.method == "GET":
        form = OutcomeForm()
        record_page_view(
            request=request,
            target=Target(type="encounters.today_outcome", id=str(participant.id)),
            participant_id=participant.id,
        )
        if htmx:
            return render(
                request,
                "encounters/_today_rows.html",
                {**row, "rows": [one_row(participant)], "outcome_form": form, "opened": True},
            )
        return render(request, "encounters/outcome.html", {"p": participant, "outcome_form": form})
    form = OutcomeForm(request.POST)
    result = None
    if form.is_valid():
        next_on = form.cleaned_data["next_contact_on"] or timezone.localdate() + timedelta(days=1)
        result = create_once(
            request,
            create=lambda: record_call_outcome(
                acting=acting_membership(request),
                participant=participant,
                outcome=form.cleaned_data["outcome"],
                next_contact_on=next_on,
            ),
            location=lambda outcome: reverse("today"),
            target=lambda outcome: outcome.encounter.id,
        ).obj
        participant.refresh_from_db()
    if htmx:
        return render(
            request,
            "encounters/_today_rows.html",
            {
                **row,
                "rows": [one_row(participant)],
                "outcome_form": form,
                "result": result,
                "show_form": result is None,
            },
        )
    if result is None:
        messages.error(request, _("Please pick how the call went and a day that is not past."))
    elif result.next_contact_on is None:
        messages.warning(
            request,
            _("Saved for %(name)s. No next contact is planned: they asked not to be contacted.")
            % {"name": participant},
        )
    else:
        messages.success(request, _("Saved for %(name)s.") % {"name": participant})
    return redirect("today")


@member_required(*Role.care_team())
def today_find(request: HttpRequest) -> HttpResponse:
    """Today's "Log a contact for…": the people on one's caseload whose name matches, each a link
    to a brief check-in. A plain GET form, like the caseload search; htmx fills the list in on
    Today itself."""
    membership = acting_membership(request)
    query = request.GET.get("q", "").strip()[:100]
    people = find_on_caseload(user=request.user, organization=membership.organization, text=query)
    record_page_view(request=request, target=Target(type="encounters.today_find", id=""))
    context = {"q": query, "people": people, "limit": FINDER_LIMIT}
    if request.headers.get("HX-Request"):
        return render(request, "encounters/_finder_results.html", context)
    return render(request, "encounters/find.html", context)
