"""Consents in my own Cairn: read and sign one my coach prepared, and my list of what was shared."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import Target, record_page_view
from consent.downloads import accounting_response
from consent.models import Consent, ConsentAnswer, ConsentStatus
from consent.services import ConsentNotWaiting, answer_consent
from organizations.access import acting_membership, visible_or_404
from portal.access import own_participant, participant_required
from portal.record.forms import SignConsentForm
from portal.record.selectors import my_disclosures


@participant_required
def consent_sign(request: HttpRequest, consent_id: object) -> HttpResponse:
    """A consent my coach prepared: what would be shared, with whom, why and until when, and my
    right to stop it. I sign it (typed or drawn), or say not now, or say I do not agree."""
    participant = own_participant(request)
    consent = visible_or_404(
        Consent.objects.filter(
            organization_id=participant.organization_id, participant=participant
        ),
        request,
        id=consent_id,
    )
    today = timezone.localdate()
    can_answer = consent.is_waiting and not (consent.expires_on and consent.expires_on < today)
    form = SignConsentForm(request.POST or None)
    if request.method == "POST":
        answer = request.POST.get("answer", "")
        if not can_answer:
            messages.info(request, _("This consent was already answered. Nothing changed."))
            return redirect("portal:consent_sign", consent_id=consent.id)
        try:
            if answer in (ConsentAnswer.NOT_NOW, ConsentAnswer.DECLINED):
                answer_consent(acting=acting_membership(request), consent=consent, answer=answer)
                messages.success(
                    request,
                    _("Okay. Nothing is shared. Your coach will see your answer.")
                    if answer == ConsentAnswer.DECLINED
                    else _(
                        "Okay, not now. Nothing is shared. You can talk about it with your coach."
                    ),
                )
                return redirect("portal:record")
            if answer == ConsentAnswer.SIGNED and form.is_valid():
                answer_consent(
                    acting=acting_membership(request),
                    consent=consent,
                    answer=ConsentAnswer.SIGNED,
                    signature=form.cleaned_data["signature"].strip() or participant.preferred_name,
                    drawing=form.cleaned_data["signature_drawing"],
                )
                messages.success(
                    request,
                    _("Signed. It starts today. You can stop it at any time on this page."),
                )
                return redirect("portal:consent_sign", consent_id=consent.id)
        except ConsentNotWaiting:
            messages.info(request, _("This consent was already answered. Nothing changed."))
            return redirect("portal:consent_sign", consent_id=consent.id)
    else:
        record_page_view(request=request, target=Target.of(consent), participant_id=participant.id)
    status = consent.status(today)
    return render(
        request,
        "portal/consent_sign.html",
        {
            "participant": participant,
            "consent": consent,
            "form": form,
            "can_answer": can_answer,
            "status": status,
            "status_label": ConsentStatus(status).label,
            "active": status == ConsentStatus.ACTIVE,
        },
    )


@participant_required
def accounting_csv(request: HttpRequest) -> HttpResponse:
    """My accounting of disclosures as a spreadsheet: every one kept, with the same columns the
    program manager downloads."""
    participant = own_participant(request)
    record_page_view(
        request=request,
        target=Target(type="consent.accounting_csv", id=str(participant.id)),
        participant_id=participant.id,
    )
    return accounting_response(my_disclosures(participant))
