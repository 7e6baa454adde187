"""SUPRT-C in the portal: voluntary, every question skippable, "prefer not to say" an answer.
Everything starts from `own_participant(request)`."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from assessments import engine, suprt
from assessments.models import SUPRT_C, Respondent
from assessments.services import record_suprt
from assessments.suprt_forms import SuprtForm
from audit.services import Target, record_page_view
from lib.once import create_once, one_time_submit
from organizations.access import acting_membership
from portal.access import own_participant, participant_required


def _language(instrument: engine.Instrument) -> str:
    language = (translation.get_language() or "en").split("-")[0]
    return language if language in instrument.languages else "en"


@participant_required
@one_time_submit
def about_my_life(request: HttpRequest) -> HttpResponse:
    participant = own_participant(request)
    if not suprt.reports_suprt(participant.organization_id):
        raise Http404  # offered only where the program reports SUPRT
    instrument = engine.instrument(SUPRT_C)
    language = _language(instrument)
    today = timezone.localdate()
    form = SuprtForm(
        request.POST if request.method == "POST" else None,
        instrument=instrument,
        language=language,
        with_date=False,
    )
    if request.method == "POST" and form.is_valid():
        answers = form.answers()
        window = suprt.standing(participant).point_for(today)
        try:
            create_once(
                request,
                create=lambda: record_suprt(
                    acting=acting_membership(request),
                    participant=participant,
                    instrument=instrument,
                    language=language,
                    administered_on=today,
                    answers=answers,
                    time_point=window.label if window else "",
                    respondent=Respondent.SELF,
                ),
                location=lambda saved: reverse("portal:home"),
            )
        except engine.InvalidAnswer:
            form.add_error(None, _("One answer did not fit. Please choose again."))
        else:
            messages.success(request, _("Thank you. Your answers are saved."))
            return redirect("portal:home")
    if request.method == "GET":
        record_page_view(
            request=request,
            target=Target(type="assessments.suprt_c_form", id=str(participant.id)),
            participant_id=participant.id,
        )
    return render(
        request,
        "portal/about_my_life.html",
        {"participant": participant, "form": form, "instrument": instrument, "language": language},
    )
