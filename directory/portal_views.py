"""My resources, in the portal: what a coach shared, to save, hide, or say it helped."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from audit.services import Target, record_page_view
from directory.models import SharedResource
from directory.selectors import shared_with
from directory.services import Choice, answer_share
from organizations.access import acting_membership, visible_or_404
from portal.access import own_participant, participant_required


@participant_required
def my_resources(request: HttpRequest) -> HttpResponse:
    participant = own_participant(request)
    if request.method == "POST":
        choice = request.POST.get("choice", "")
        share = visible_or_404(
            SharedResource.objects.filter(participant=participant),
            request,
            id=request.POST.get("share") or None,
        )
        if choice in Choice.ALL:
            answer_share(acting=acting_membership(request), share=share, choice=choice)
            messages.success(
                request,
                {
                    Choice.SAVE: _("Saved. It stays at the top of your list."),
                    Choice.HIDE: _("Hidden. Your coach can share it again if you ask."),
                    Choice.HELPED: _("Thank you. Your coach will see that it helped."),
                }[choice],
            )
        return redirect("portal:resources")
    shares = shared_with(participant, include_hidden=False)
    shares.sort(key=lambda s: s.state != "saved")
    record_page_view(
        request=request,
        target=Target(type="portal.resources", id=str(participant.id)),
        participant_id=participant.id,
    )
    return render(
        request, "portal/my_resources.html", {"participant": participant, "shares": shares}
    )
