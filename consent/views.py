"""Consents on a participant's record, disclosures through the one service, the accounting."""

import base64

from django.contrib import messages
from django.db.models import Exists, OuterRef
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import Target, record_page_view
from consent.downloads import accounting_response, send_record_copy
from consent.forms import ConsentForm, DisclosureForm, HoldForm, RetentionForm, RevokeForm
from consent.models import Consent, ConsentScan, Disclosure, LegalHold
from consent.record import full_record
from consent.retention import (
    StalePolicy,
    active_hold,
    cutoff,
    expired_records,
    held_count,
    next_purge_preview,
    place_hold,
    policy_for,
    release_hold,
    set_retention,
)
from consent.services import (
    DisclosedDocument,
    DisclosureRefused,
    disclose,
    disclosed_document_again,
    record_consent,
    revoke_consent,
)
from lib.models import SubmitKey
from lib.once import already_saved, create_once, one_time_submit
from organizations.access import acting_membership, member_required
from organizations.models import Role
from participants.access import owned_or_404, participant_or_404
from participants.models import Participant


@member_required(*Role.with_participant_access())
def participant_consents(request: HttpRequest, participant_id: object) -> HttpResponse:
    participant = participant_or_404(request, participant_id)
    record_page_view(
        request=request,
        target=Target(type="consent.list", id=str(participant.id)),
        participant_id=participant.id,
    )
    today = timezone.localdate()
    scanned = Exists(ConsentScan.objects.filter(consent=OuterRef("pk")))
    consents = [
        (c, c.status(today))
        for c in Consent.objects.filter(participant=participant).annotate(has_scan=scanned)
    ]
    return render(
        request,
        "consent/participant.html",
        {
            "participant": participant,
            "consents": consents,
            "disclosures": Disclosure.objects.filter(participant=participant).select_related(
                "disclosed_by", "consent"
            ),
            "hold": active_hold(participant),
        },
    )


def _consents_url(participant: Participant) -> str:
    return reverse("consent:participant", kwargs={"participant_id": participant.id})


@member_required(*Role.care_team())
@one_time_submit
def consent_new(request: HttpRequest, participant_id: object) -> HttpResponse:
    participant = participant_or_404(request, participant_id)
    membership = acting_membership(request)
    form = ConsentForm(
        request.POST or None,
        request.FILES or None,
        participant=participant,
        initial={
            "disclosing_party": membership.organization.name,
            "signed_on": timezone.localdate(),
            "signature_method": "typed",
        },
    )
    if request.method == "POST" and form.is_valid():
        consent = create_once(
            request,
            create=lambda: record_consent(
                acting=membership,
                participant=participant,
                values=form.consent_values(),
                scan=form.scan_file(),
            ),
            location=lambda recorded: _consents_url(participant),
        ).obj
        if consent.is_waiting:
            messages.success(
                request,
                _(
                    "Sent to %(name)s to read and sign in Cairn. Nothing is shared under it until "
                    "they sign."
                )
                % {"name": participant.preferred_name},
            )
        else:
            messages.success(request, _("Consent recorded."))
        return redirect("consent:participant", participant_id=participant.id)
    return render(request, "consent/form.html", {"form": form, "participant": participant})


@member_required(*Role.care_team())
def consent_revoke(request: HttpRequest, consent_id: object) -> HttpResponse:
    membership = acting_membership(request)
    consent = owned_or_404(request, Consent, id=consent_id)
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        revoke_consent(acting=membership, consent=consent, note=form.cleaned_data["note"])
        messages.success(request, _("Consent revoked. Nothing more will be shared under it."))
        return redirect("consent:participant", participant_id=consent.participant_id)
    record_page_view(
        request=request, target=Target.of(consent), participant_id=consent.participant_id
    )
    return render(request, "consent/revoke.html", {"form": form, "consent": consent})


def _document_response(document: DisclosedDocument) -> HttpResponse:
    response = HttpResponse(document.html, content_type="text/html; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="disclosure-{document.disclosure.id}.html"'
    )
    return response


def _disclosure_again(request: HttpRequest, earlier: SubmitKey) -> HttpResponse:
    """A disclosure form sent twice: the first answer was the document, which the person may
    never have received, so they get that same document again; the accounting has one entry."""
    membership = acting_membership(request)
    disclosure = (
        Disclosure.objects.visible_to(request.user, membership.organization)
        .filter(disclosed_by_id=request.user.pk, id=earlier.target_id)
        .select_related("participant", "consent")
        .first()
    )
    document = (
        disclosed_document_again(acting=membership, disclosure=disclosure)
        if disclosure is not None
        else None
    )
    if document is None:
        return already_saved(request, earlier)
    return _document_response(document)


@member_required(*Role.with_participant_access())
@one_time_submit(answer=_disclosure_again)
def disclosure_new(request: HttpRequest, participant_id: object) -> HttpResponse:
    participant = participant_or_404(request, participant_id)
    form = DisclosureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            document = create_once(
                request,
                create=lambda: disclose(
                    acting=acting_membership(request),
                    participant=participant,
                    recipient=data["recipient"],
                    purpose=data["purpose"],
                    categories=list(data["categories"]),
                    legal_basis=data["legal_basis"],
                    basis_reason=data["basis_reason"],
                ),
                location=lambda done: _consents_url(participant),
                target=lambda done: done.disclosure.id,
            ).obj
        except DisclosureRefused as refused:
            form.add_error(None, str(refused))
        else:
            return _document_response(document)
    return render(request, "consent/disclose.html", {"form": form, "participant": participant})


@member_required(*Role.with_participant_access())
def accounting_csv(request: HttpRequest, participant_id: object) -> HttpResponse:
    """The accounting of disclosures as a spreadsheet (no disclosed content, only the facts)."""
    participant = participant_or_404(request, participant_id)
    record_page_view(
        request=request,
        target=Target(type="consent.accounting_csv", id=str(participant.id)),
        participant_id=participant.id,
    )
    return accounting_response(Disclosure.objects.filter(participant=participant))


@member_required(*Role.with_participant_access())
def participant_record(request: HttpRequest, participant_id: object, fmt: str) -> HttpResponse:
    """The person's complete record, for them: readable (HTML, printable) or as JSON."""
    participant = participant_or_404(request, participant_id)
    return send_record_copy(
        request, participant=participant, record=full_record(participant), fmt=fmt
    )


@member_required(Role.MANAGER)
@one_time_submit
def legal_hold(request: HttpRequest, participant_id: object) -> HttpResponse:
    """A manager places or releases a legal hold: a held record is never purged."""
    participant = participant_or_404(request, participant_id)
    membership = acting_membership(request)
    hold = active_hold(participant)
    form = HoldForm(request.POST or None)
    if request.method == "POST":
        if hold is not None and request.POST.get("action") == "release":
            release_hold(acting=membership, hold=hold)
            messages.success(request, _("Hold released. The usual retention period applies."))
            return redirect("consent:participant", participant_id=participant.id)
        if hold is None and form.is_valid():
            create_once(
                request,
                create=lambda: place_hold(
                    acting=membership, participant=participant, reason=form.cleaned_data["reason"]
                ),
                location=lambda placed: _consents_url(participant),
            )
            messages.success(request, _("Legal hold placed. This record will not be purged."))
            return redirect("consent:participant", participant_id=participant.id)
    record_page_view(
        request=request,
        target=Target(type="consent.legalhold", id=str(participant.id)),
        participant_id=participant.id,
    )
    return render(
        request,
        "consent/hold.html",
        {
            "participant": participant,
            "hold": hold,
            "form": form,
            "history": LegalHold.objects.filter(participant=participant).select_related(
                "placed_by", "released_by"
            ),
        },
    )


@member_required(Role.ADMIN)
def retention(request: HttpRequest) -> HttpResponse:
    membership = acting_membership(request)
    organization = membership.organization
    policy = policy_for(organization)
    form = RetentionForm(
        request.POST or None,
        initial={"keep_closed_years": policy.keep_closed_years, "version": policy.version},
    )
    if request.method == "POST" and form.is_valid():
        try:
            set_retention(
                acting=membership,
                keep_closed_years=form.cleaned_data["keep_closed_years"],
                expected_version=form.cleaned_data.get("version") or 0,
            )
        except StalePolicy as stale:
            messages.error(
                request,
                _(
                    "Someone changed this setting meanwhile: it is now %(years)s years. Your "
                    "value is below; save again to keep it."
                )
                % {"years": stale.current.keep_closed_years},
            )
            data = request.POST.copy()
            data["version"] = str(stale.current.version)
            form = RetentionForm(data)
        else:
            messages.success(request, _("Retention period saved."))
            return redirect("consent:retention")
    today = timezone.localdate()
    return render(
        request,
        "consent/retention.html",
        {
            "form": form,
            "policy": policy,
            "cutoff": cutoff(organization, today),
            "due_now": expired_records(organization, today).count(),
            "due_soon": next_purge_preview(organization, today),
            "held": held_count(organization),
        },
    )


@member_required(*Role.with_participant_access())
def consent_scan(request: HttpRequest, consent_id: object) -> HttpResponse:
    """The scanned paper form, for staff who may see the record; each opening is audited."""
    scan = owned_or_404(request, ConsentScan, consent_id=consent_id)
    record_page_view(
        request=request,
        target=Target(type="consent.scan", id=str(scan.consent_id)),
        participant_id=scan.consent.participant_id,
    )
    response = HttpResponse(base64.b64decode(scan.content), content_type=scan.content_type)
    extension = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}
    response["Content-Disposition"] = (
        f'inline; filename="consent-{scan.consent_id}.{extension.get(scan.content_type, "bin")}"'
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
