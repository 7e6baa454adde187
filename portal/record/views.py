"""My notes (open notes, comments, corrections), my messages, and my record and privacy."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import Target, record_page_view
from consent.downloads import send_record_copy
from consent.models import Consent, ConsentStatus
from consent.record import full_record
from consent.services import revoke_consent
from encounters.models import Encounter, FeedbackKind
from encounters.open_notes import give_feedback, shared_notes, withheld_notes
from inbox.forms import MessageForm
from inbox.services import open_thread, send_message
from lib.once import create_once, one_time_submit
from organizations.access import acting_membership, visible_or_404
from portal.access import own_participant, participant_required
from portal.record.forms import CommentForm, CorrectionForm, RevokeForm
from portal.record.selectors import (
    access_groups,
    access_lines,
    my_consents,
    my_disclosures,
    my_feedback,
    record_summary,
)

NOTES_PAGE = 20
ACCESS_PAGE = 50
ACCESS_PREVIEW = 5


def _my_note(request: HttpRequest, encounter_id: object) -> Encounter:
    """One of my notes that I may read; drafts, withheld notes and other people's are 404."""
    participant = own_participant(request)
    return visible_or_404(
        shared_notes(participant).select_related("author", "service_type"),
        request,
        id=encounter_id,
    )


# --- notes -------------------------------------------------------------------------------


@participant_required
def notes(request: HttpRequest) -> HttpResponse:
    participant = own_participant(request)
    page = Paginator(
        shared_notes(participant).select_related("author").order_by("-started_at"), NOTES_PAGE
    ).get_page(request.GET.get("page"))
    record_page_view(
        request=request,
        target=Target(type="portal.notes", id=str(page.number)),
        participant_id=participant.id,
    )
    return render(
        request,
        "portal/notes.html",
        {
            "participant": participant,
            "page": page,
            "withheld": list(withheld_notes(participant).order_by("-started_at")),
        },
    )


@participant_required
def note(request: HttpRequest, encounter_id: object) -> HttpResponse:
    participant = own_participant(request)
    encounter = _my_note(request, encounter_id)
    record_page_view(request=request, target=Target.of(encounter), participant_id=participant.id)
    return render(
        request,
        "portal/note.html",
        {
            "participant": participant,
            "note": encounter,
            "addenda": list(encounter.addenda.select_related("author")),
            "feedback": my_feedback(participant, encounter.id),
        },
    )


@participant_required
@one_time_submit
def note_feedback(request: HttpRequest, encounter_id: object, kind: str) -> HttpResponse:
    """Add a comment to a note, or ask for a correction: the coach answers."""
    participant = own_participant(request)
    encounter = _my_note(request, encounter_id)
    form_class = CorrectionForm if kind == FeedbackKind.CORRECTION else CommentForm
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        create_once(
            request,
            create=lambda: give_feedback(
                acting=acting_membership(request),
                encounter=encounter,
                kind=kind,
                text=form.cleaned_data["text"],
                suggested=form.cleaned_data.get("suggested", ""),
            ),
            location=lambda feedback: reverse("portal:note", kwargs={"encounter_id": encounter.id}),
        )
        messages.success(
            request,
            _("Sent to your coach. You will see their answer on this note.")
            if kind == FeedbackKind.CORRECTION
            else _("Your comment was added. Your coach will read it."),
        )
        return redirect("portal:note", encounter_id=encounter.id)
    return render(
        request,
        "portal/note_feedback.html",
        {"participant": participant, "note": encounter, "form": form, "kind": kind},
    )


# --- messages ----------------------------------------------------------------------------


@participant_required
@one_time_submit
def my_messages(request: HttpRequest) -> HttpResponse:
    participant = own_participant(request)
    membership = acting_membership(request)
    form = MessageForm(request.POST or None)
    if request.method == "POST" and participant.coach_id and form.is_valid():
        create_once(
            request,
            create=lambda: send_message(
                acting=membership, participant=participant, body=form.cleaned_data["text"]
            ),
            location=lambda message: reverse("portal:messages"),
        )
        messages.success(request, _("Sent. Your coach will see it when they are at work."))
        return redirect("portal:messages")
    items = open_thread(request=request, acting=membership, participant=participant)
    return render(
        request,
        "portal/messages.html",
        {"participant": participant, "items": items, "form": form},
    )


# --- my record and privacy ---------------------------------------------------------------


@participant_required
def record(request: HttpRequest) -> HttpResponse:
    participant = own_participant(request)
    record_page_view(
        request=request,
        target=Target(type="portal.record", id=str(participant.id)),
        participant_id=participant.id,
    )
    today = timezone.localdate()
    return render(
        request,
        "portal/record.html",
        {
            "participant": participant,
            "summary": record_summary(participant),
            "consents": [
                (c, status, ConsentStatus(status).label)
                for c in my_consents(participant)
                for status in [c.status(today)]
            ],
            "active": ConsentStatus.ACTIVE,
            "waiting": ConsentStatus.WAITING,
            "disclosures": list(my_disclosures(participant)),
            "recent_access": access_lines(
                list(access_groups(participant, reader=request.user)[:ACCESS_PREVIEW])
            ),
        },
    )


@participant_required
def access(request: HttpRequest) -> HttpResponse:
    """Who has looked at my record: name, role, when and what, from the audit trail."""
    participant = own_participant(request)
    record_page_view(
        request=request,
        target=Target(type="audit.access_report", id=str(participant.id)),
        participant_id=participant.id,
    )
    page = Paginator(access_groups(participant, reader=request.user), ACCESS_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "portal/access.html",
        {"participant": participant, "page": page, "lines": access_lines(list(page))},
    )


@participant_required
def record_download(request: HttpRequest, fmt: str) -> HttpResponse:
    """My own copy of my record (the notes I can read, not drafts), audited as an export."""
    participant = own_participant(request)
    copy = full_record(participant, shared_only=True)
    copy["notes_not_shared"] = [
        {"date": n.occurred_on.isoformat(), "reason": str(n.get_withheld_reason_display())}
        for n in withheld_notes(participant)
    ]
    return send_record_copy(request, participant=participant, record=copy, fmt=fmt)


@participant_required
def consent_revoke(request: HttpRequest, consent_id: object) -> HttpResponse:
    """Stop a consent, after one calm confirmation step."""
    participant = own_participant(request)
    consent = visible_or_404(
        Consent.objects.filter(
            organization_id=participant.organization_id, participant=participant
        ),
        request,
        id=consent_id,
    )
    if consent.status() != ConsentStatus.ACTIVE:
        messages.info(request, _("This consent has already ended. Nothing is shared under it."))
        return redirect("portal:record")
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        revoke_consent(
            acting=acting_membership(request), consent=consent, note=form.cleaned_data["note"]
        )
        messages.success(request, _("Done. From now on, nothing more is shared under it."))
        return redirect("portal:record")
    return render(
        request,
        "portal/consent_revoke.html",
        {"participant": participant, "consent": consent, "form": form},
    )
