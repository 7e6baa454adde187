"""Consents on a participant's record, disclosures through the one service, the accounting."""

import csv
import json

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import Action
from audit.services import Target, record_member_action, record_page_view
from consent.forms import ConsentForm, DisclosureForm, RevokeForm
from consent.models import Consent, Disclosure
from consent.record import full_record, readable_rows
from consent.services import DisclosureRefused, disclose, record_consent, revoke_consent
from lib.access import acting_membership, member_required, visible_or_404
from organizations.models import Role
from participants.access import participant_or_404
from participants.models import Participant

STAFF = (Role.COACH, Role.SUPERVISOR, Role.MANAGER)
WRITERS = (Role.COACH, Role.SUPERVISOR)


@member_required(*STAFF)
def participant_consents(request: HttpRequest, participant_id: object) -> HttpResponse:
    participant = participant_or_404(request, participant_id)
    record_page_view(
        request=request,
        target=Target(type="consent.list", id=str(participant.id)),
        participant_id=participant.id,
    )
    today = timezone.localdate()
    consents = [(c, c.status(today)) for c in Consent.objects.filter(participant=participant)]
    return render(
        request,
        "consent/participant.html",
        {
            "participant": participant,
            "consents": consents,
            "disclosures": Disclosure.objects.filter(participant=participant).select_related(
                "disclosed_by", "consent"
            ),
        },
    )


@member_required(*WRITERS)
def consent_new(request: HttpRequest, participant_id: object) -> HttpResponse:
    participant = participant_or_404(request, participant_id)
    membership = acting_membership(request)
    form = ConsentForm(
        request.POST or None,
        initial={
            "disclosing_party": membership.organization.name,
            "signed_on": timezone.localdate(),
            "signature_method": "typed",
        },
    )
    if request.method == "POST" and form.is_valid():
        record_consent(acting=membership, participant=participant, values=form.cleaned_data)
        messages.success(request, _("Consent recorded."))
        return redirect("consent:participant", participant_id=participant.id)
    return render(request, "consent/form.html", {"form": form, "participant": participant})


@member_required(*WRITERS)
def consent_revoke(request: HttpRequest, consent_id: object) -> HttpResponse:
    membership = acting_membership(request)
    visible = Participant.objects.visible_to(request.user, membership.organization)
    consent = visible_or_404(
        Consent.objects.filter(
            organization=membership.organization, participant__in=visible.values("id")
        ).select_related("participant"),
        request,
        id=consent_id,
    )
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        revoke_consent(acting=membership, consent=consent, note=form.cleaned_data["note"])
        messages.success(request, _("Consent revoked. Nothing more will be shared under it."))
        return redirect("consent:participant", participant_id=consent.participant_id)
    return render(request, "consent/revoke.html", {"form": form, "consent": consent})


@member_required(*STAFF)
def disclosure_new(request: HttpRequest, participant_id: object) -> HttpResponse:
    participant = participant_or_404(request, participant_id)
    form = DisclosureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            document = disclose(
                acting=acting_membership(request),
                participant=participant,
                recipient=data["recipient"],
                purpose=data["purpose"],
                categories=list(data["categories"]),
                legal_basis=data["legal_basis"],
                basis_reason=data["basis_reason"],
            )
        except DisclosureRefused as refused:
            form.add_error(None, str(refused))
        else:
            response = HttpResponse(document.html, content_type="text/html; charset=utf-8")
            response["Content-Disposition"] = (
                f'attachment; filename="disclosure-{document.disclosure.id}.html"'
            )
            return response
    return render(request, "consent/disclose.html", {"form": form, "participant": participant})


@member_required(*STAFF)
def accounting_csv(request: HttpRequest, participant_id: object) -> HttpResponse:
    """The accounting of disclosures as a spreadsheet (no disclosed content, only the facts)."""
    participant = participant_or_404(request, participant_id)
    record_page_view(
        request=request,
        target=Target(type="consent.accounting_csv", id=str(participant.id)),
        participant_id=participant.id,
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="accounting-of-disclosures.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [
            "disclosed_at",
            "recipient",
            "purpose",
            "information",
            "basis",
            "basis_reason",
            "consent_signed_on",
            "disclosed_by",
            "document_sha256",
        ]
    )
    for d in Disclosure.objects.filter(participant=participant).select_related(
        "disclosed_by", "consent"
    ):
        writer.writerow(
            [
                d.disclosed_at.isoformat(),
                d.recipient,
                d.purpose,
                "; ".join(d.categories),
                d.legal_basis,
                d.basis_reason,
                d.consent.signed_on.isoformat() if d.consent else "",
                d.disclosed_by.get_username(),
                d.document_sha256,
            ]
        )
    return response


@member_required(*STAFF)
def participant_record(request: HttpRequest, participant_id: object, fmt: str) -> HttpResponse:
    """The person's complete record, for them: readable (HTML, printable) or as JSON."""
    participant = participant_or_404(request, participant_id)
    record = full_record(participant)
    record_member_action(
        acting=acting_membership(request),
        action=Action.EXPORT,
        target=Target(type="consent.participant_record", id=fmt),
        participant_id=participant.id,
        changed_fields=["full_record"],
    )
    if fmt == "json":
        response = HttpResponse(
            json.dumps(record, indent=1, ensure_ascii=False),
            content_type="application/json; charset=utf-8",
        )
    else:
        response = render(
            request,
            "consent/record.html",
            {
                "participant": participant,
                "record": record,
                "about_rows": readable_rows(record["about_you"]),
            },
        )
    response["Content-Disposition"] = f'attachment; filename="my-cairn-record.{fmt}"'
    return response
