"""The participant's home and settings pages; other portal pages live beside it by topic."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.selectors import PORTAL_KINDS, recent_notices
from audit.services import Target, record_page_view
from organizations.access import acting_membership
from portal.access import own_participant, participant_required
from portal.forms import PreferenceForm
from portal.language import activate as activate_language
from portal.language import remember
from portal.selectors import home_page
from portal.services import save_preferences
from safety.content import shown_steps
from safety.selectors import crisis_lines, current_plan


@participant_required
def home(request: HttpRequest) -> HttpResponse:
    participant = own_participant(request)
    record_page_view(request=request, target=Target.of(participant), participant_id=participant.id)
    context = home_page(participant=participant, today=timezone.localdate())
    # Told here, where they land, whoever changed it: a new sign-in or password this month.
    context["sign_in_changes"] = recent_notices(
        user=request.user,  # type: ignore[arg-type]
        kinds=PORTAL_KINDS,
    )
    return render(request, "portal/home.html", context)


@participant_required
def settings(request: HttpRequest) -> HttpResponse:
    participant = own_participant(request)
    current = getattr(participant, "portal_preference", None)
    form = PreferenceForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        saved = save_preferences(
            acting=acting_membership(request), participant=participant, values=form.cleaned_data
        )
        # The confirmation and every page after it are in the language just chosen.
        activate_language(request, saved.language)
        messages.success(request, _("Saved."))
        return remember(redirect("portal:settings"), saved.language)
    return render(request, "portal/settings.html", {"form": form, "participant": participant})


@participant_required
def safety_plan(request: HttpRequest) -> HttpResponse:
    """My safety plan, one tap from every portal page; 988 is always on it."""
    participant = own_participant(request)
    current = current_plan(participant)
    record_page_view(
        request=request,
        target=Target(type="safety.plan", id=str(participant.id)),
        participant_id=participant.id,
    )
    return render(
        request,
        "portal/safety_plan.html",
        {
            "participant": participant,
            "current": current,
            "steps": shown_steps(current.content),
            "crisis_lines": crisis_lines(participant.organization),
        },
    )
