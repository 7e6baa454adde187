"""Recording SUPRT from the participant's record: SUPRT-A by staff from the record, SUPRT-C
answered with staff. The participant answers SUPRT-C on their own in the portal."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments import engine, suprt
from assessments.models import SUPRT_A, SUPRT_C, Language, Respondent
from assessments.services import record_suprt
from assessments.suprt_forms import SuprtForm
from audit.services import Target, record_page_view
from lib.once import create_once, one_time_submit
from organizations.access import acting_membership, member_required
from organizations.models import Role
from participants.access import participant_or_404

FORMS = {"a": SUPRT_A, "c": SUPRT_C}


@member_required(*Role.care_team())
@one_time_submit
def suprt_new(request: HttpRequest, participant_id: object, form: str) -> HttpResponse:
    participant = participant_or_404(request, participant_id)
    if form not in FORMS:
        raise Http404
    instrument = engine.instrument(FORMS[form])
    source = request.POST if request.method == "POST" else request.GET
    language = source.get("language", Language.EN)
    if language not in instrument.languages or language not in Language.values:
        language = Language.EN
    standing = suprt.standing(participant)
    window = standing.point_for(timezone.localdate())
    known = (
        suprt.prefill(participant=participant, instrument=instrument, window=window)
        if instrument.key == SUPRT_A
        else {}
    )
    bound = SuprtForm(
        request.POST if request.method == "POST" else None,
        instrument=instrument,
        language=language,
        prefill=known,
    )
    if request.method == "GET":
        record_page_view(
            request=request,
            target=Target(type="assessments.suprt_form", id=str(participant.id)),
            participant_id=participant.id,
        )
    if request.method == "POST" and bound.is_valid():
        answers = bound.answers()
        day = bound.cleaned_data["administered_on"]
        try:
            saved = create_once(
                request,
                create=lambda: record_suprt(
                    acting=acting_membership(request),
                    participant=participant,
                    instrument=instrument,
                    language=language,
                    administered_on=day,
                    answers=answers,
                    time_point=suprt.time_point_label(
                        instrument=instrument, answers=answers, standing=standing, day=day
                    ),
                    respondent=Respondent.STAFF if form == "a" else Respondent.WITH_STAFF,
                ),
                location=lambda assessment: reverse(
                    "assessments:detail", kwargs={"assessment_id": assessment.id}
                ),
            )
        except engine.InvalidAnswer:
            bound.add_error(None, _("One answer no longer fits this form. Please check it."))
        else:
            messages.success(request, _("%(form)s saved.") % {"form": instrument.short_title()})
            return redirect(saved.location)
    return render(
        request,
        "assessments/suprt_form.html",
        {
            "participant": participant,
            "form": bound,
            "instrument": instrument,
            "language": language,
            "languages": [(code, label) for code, label in Language.choices],
            "window": window,
            "prefilled": [
                instrument.item(key).short(language)  # type: ignore[union-attr]
                for key in known
            ],
        },
    )
