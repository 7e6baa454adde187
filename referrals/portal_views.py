"""My referrals, in the portal: where the coach referred me and what happened, in plain words."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from audit.services import Target, record_page_view
from portal.access import own_participant, participant_required
from referrals.selectors import referrals_of


@participant_required
def my_referrals(request: HttpRequest) -> HttpResponse:
    participant = own_participant(request)
    referrals = referrals_of(participant)
    record_page_view(
        request=request,
        target=Target(type="portal.referrals", id=str(participant.id)),
        participant_id=participant.id,
    )
    return render(
        request, "referrals/my_referrals.html", {"participant": participant, "referrals": referrals}
    )
