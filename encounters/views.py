"""Contact notes, signing, addenda, co-signing and the participant timeline (Today: today_views)."""

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.services import Target, record_page_view
from coaching.selectors import findings_in
from encounters.extensions import editor_notices
from encounters.forms import (
    LANGUAGE_CHECKED,
    AddendumForm,
    EncounterForm,
    NewEncounterForm,
    ReturnForm,
    ScheduleForm,
    ServiceTypeForm,
)
from encounters.models import (
    CheckInSchedule,
    ContactType,
    Encounter,
    NoteState,
    ReviewState,
    ServiceType,
)
from encounters.open_notes import may_answer
from encounters.selectors import TIMELINE_KINDS, TimelineRows, review_queue
from encounters.services import (
    EmptyNote,
    NoteLocked,
    NotReviewable,
    StaleNote,
    add_addendum,
    change_schedule,
    cosign_encounter,
    create_schedule,
    ensure_service_types,
    mark_review_comment_seen,
    record_and_sign,
    record_encounter,
    record_refused_edit,
    return_encounter,
    save_service_type,
    sign_encounter,
    update_and_sign,
    update_encounter,
)
from lib.once import create_once, one_time_submit
from lib.when import show_time
from organizations.access import acting_membership, coach_filter, member_required, visible_or_404
from organizations.models import Membership, Role
from participants.access import owned_or_404, participant_or_404
from participants.models import ContactChannel
from participants.selectors import asked_not_to_be_contacted

# A new note starts with the way the person prefers to be reached.
CHANNEL_TO_CONTACT: dict[str, str] = {
    ContactChannel.TEXT: ContactType.TEXT,
    ContactChannel.CALL: ContactType.PHONE,
    ContactChannel.IN_PERSON: ContactType.IN_PERSON,
}
TIMELINE_PAGE = 20


def _note_url(encounter: Encounter) -> str:
    return reverse("encounters:detail", kwargs={"encounter_id": encounter.id})


def _after_save(encounter: Encounter) -> str:
    """Where a saved note leads: the note once signed; a draft signing refused, back to its form."""
    if encounter.is_signed:
        return _note_url(encounter)
    kind = "" if encounter.is_brief else "?kind=full"
    return reverse("encounters:edit", kwargs={"encounter_id": encounter.id}) + kind


def _wants_sign(request: HttpRequest) -> bool:
    """The note form's "Save and sign" button (its "Save draft" sends no `sign`)."""
    return request.POST.get("sign") == "1"


def _save_draft(
    membership: Membership, original: Encounter, form: EncounterForm, *, brief: bool, signing: bool
) -> Encounter:
    """Save an edited draft from its form, and sign it too when the coach chose "Save and sign"
    (`NoteLocked` or `StaleNote` when it cannot be saved)."""
    values = form.encounter_values()
    version = form.cleaned_data.get("version") or 0
    if signing:
        return update_and_sign(
            acting=membership,
            encounter=original,
            values=values,
            expected_version=version,
            brief=brief,
        )
    update_encounter(
        acting=membership, encounter=original, values=values, expected_version=version, brief=brief
    )
    return original


def _shared_words(request: HttpRequest, encounter: Encounter) -> list[str]:
    """Words the language checker notices in a note the participant will read (open notes)."""
    if encounter.withheld_at:
        return []
    texts = [getattr(encounter, name, "") or "" for name in LANGUAGE_CHECKED]
    found = findings_in(acting_membership(request).organization, texts)
    return list(dict.fromkeys(f.text for f in found))


def _mention_shared_words(request: HttpRequest, encounter: Encounter) -> None:
    """A calm word after signing: the participant will read the note. Signing is never blocked."""
    words = _shared_words(request, encounter)
    if words:
        messages.info(
            request,
            _(
                "%(name)s can read this note in their portal. The language checker noticed: "
                "%(words)s. If you want to say it differently, add an addendum."
            )
            % {
                "name": encounter.participant.preferred_name,
                "words": ", ".join(f"“{word}”" for word in words),
            },
        )


def _say_saved(request: HttpRequest, encounter: Encounter, *, signing: bool) -> None:
    if not signing:
        return
    if not encounter.is_signed:
        messages.warning(
            request,
            _(
                "Saved as a draft, not signed yet: there is nothing written. Add a line about "
                "the contact, then sign."
            ),
        )
    elif encounter.review_state == ReviewState.PENDING:
        messages.success(
            request,
            _("Saved and signed. It now waits for your supervisor's co-signature."),
        )
    else:
        messages.success(
            request, _("Saved and signed. The note is now locked; addenda can follow.")
        )
    if encounter.is_signed:
        _mention_shared_words(request, encounter)


def _encounter_or_404(
    request: HttpRequest, encounter_id: object, *, viewed: bool = False
) -> Encounter:
    """A note this member may see, with what its pages show (`owned_or_404` scopes and audits)."""
    return owned_or_404(
        request,
        Encounter,
        related=("author", "signed_by", "service_type"),
        viewed=viewed,
        id=encounter_id,
    )


@member_required(*Role.care_team())
@one_time_submit
def encounter_new(request: HttpRequest, participant_id: object) -> HttpResponse:
    participant = participant_or_404(request, participant_id)
    membership = acting_membership(request)
    ensure_service_types(membership.organization)
    brief = request.GET.get("kind", request.POST.get("kind", "brief")) != "full"
    first_channel = next(iter(participant.contact_channels), "")
    form = NewEncounterForm(
        request.POST or None,
        organization=membership.organization,
        brief=brief,
        participant=participant,
        initial={"contact_type": CHANNEL_TO_CONTACT.get(first_channel, "")},
    )
    if request.method == "POST" and form.is_valid():
        signing = _wants_sign(request)
        write = record_and_sign if signing else record_encounter
        saved = create_once(
            request,
            create=lambda: write(
                acting=membership,
                participant=participant,
                values=form.encounter_values(),
                brief=brief,
            ),
            location=_after_save if signing else _note_url,
        )
        if signing:
            _say_saved(request, saved.obj, signing=True)
        else:
            messages.success(request, _("Saved as a draft. Sign it when it's complete."))
        if form.cleaned_data.get("next_contact_on") and asked_not_to_be_contacted(participant):
            messages.warning(
                request,
                _("No next contact is planned: %(name)s asked not to be contacted.")
                % {"name": participant.preferred_name},
            )
        return redirect(saved.location)
    # The form lists the goals of their plan the contact may address.
    record_page_view(
        request=request,
        target=Target(type="encounters.new", id=str(participant.id)),
        participant_id=participant.id,
    )
    return render(
        request,
        "encounters/form.html",
        {
            "form": form,
            "participant": participant,
            "brief": brief,
            "encounter": None,
            "notices": editor_notices(participant),
        },
    )


@member_required(*Role.care_team())
def encounter_edit(request: HttpRequest, encounter_id: object) -> HttpResponse:
    encounter = _encounter_or_404(request, encounter_id)
    membership = acting_membership(request)
    brief = request.GET.get("kind", request.POST.get("kind", "")) != "full" and encounter.is_brief
    if encounter.state == NoteState.SIGNED or encounter.author_id != request.user.pk:
        if request.method == "POST":
            record_refused_edit(acting=membership, encounter=encounter)
        messages.error(request, _("A signed note doesn't change. Add an addendum instead."))
        return redirect("encounters:detail", encounter_id=encounter.id)
    form = EncounterForm(
        request.POST or None, instance=encounter, organization=membership.organization, brief=brief
    )
    if request.method == "POST" and form.is_valid():
        original = Encounter.objects.get(pk=encounter.pk)
        signing = _wants_sign(request)
        try:
            original = _save_draft(membership, original, form, brief=brief, signing=signing)
        except NoteLocked:
            messages.error(request, _("A signed note doesn't change. Add an addendum instead."))
            return redirect("encounters:detail", encounter_id=encounter.id)
        except StaleNote:
            messages.error(
                request,
                _(
                    "This draft was saved in another window. Your text is below; nothing was "
                    "overwritten. Check it and save again."
                ),
            )
            data = request.POST.copy()
            data["version"] = str(Encounter.objects.get(pk=encounter.pk).version)
            form = EncounterForm(
                data, instance=original, organization=membership.organization, brief=brief
            )
        else:
            if signing:
                _say_saved(request, original, signing=True)
                return redirect(_after_save(original))
            messages.success(request, _("Draft saved."))
            return redirect("encounters:detail", encounter_id=encounter.id)
    record_page_view(
        request=request, target=Target.of(encounter), participant_id=encounter.participant_id
    )
    return render(
        request,
        "encounters/form.html",
        {
            "form": form,
            "participant": encounter.participant,
            "brief": brief,
            "encounter": encounter,
            "notices": editor_notices(encounter.participant),
        },
    )


@member_required(*Role.with_participant_access())
def encounter_detail(request: HttpRequest, encounter_id: object) -> HttpResponse:
    encounter = _encounter_or_404(request, encounter_id, viewed=True)
    membership = acting_membership(request)
    is_author = encounter.author_id == request.user.pk
    return render(
        request,
        "encounters/detail.html",
        {
            "encounter": encounter,
            # Before "Sign and lock": what the participant will read that the checker notices.
            "shared_words": (
                _shared_words(request, encounter) if is_author and not encounter.is_signed else []
            ),
            "feedback": list(encounter.feedback.select_related("answered_by")),
            "may_withhold": (
                membership.role in Role.care_team() and may_answer(membership, encounter)
            ),
            "goals": list(encounter.goals_addressed.all()),
            "addenda": list(encounter.addenda.select_related("author")),
            "addendum_form": AddendumForm(),
            "is_author": is_author,
            "return_form": ReturnForm(),
            "can_review": membership.role == Role.SUPERVISOR
            and encounter.review_state == ReviewState.PENDING
            and encounter.author_id != request.user.pk,
        },
    )


@require_POST
@member_required(*Role.care_team())
def encounter_sign(request: HttpRequest, encounter_id: object) -> HttpResponse:
    encounter = _encounter_or_404(request, encounter_id)
    try:
        sign_encounter(acting=acting_membership(request), encounter=encounter)
    except NoteLocked:
        messages.error(request, _("Only the author can sign a draft, once."))
    except EmptyNote:
        messages.error(request, _("There is nothing written yet. Add a line before signing."))
    else:
        messages.success(request, _("Signed. The note is now locked; addenda can follow."))
        _mention_shared_words(request, encounter)
    return redirect("encounters:detail", encounter_id=encounter.id)


@require_POST
@member_required(*Role.care_team())
@one_time_submit
def encounter_addendum(request: HttpRequest, encounter_id: object) -> HttpResponse:
    encounter = _encounter_or_404(request, encounter_id)
    form = AddendumForm(request.POST)
    if encounter.state != NoteState.SIGNED:
        messages.error(request, _("Drafts are edited directly; addenda are for signed notes."))
    elif form.is_valid():
        create_once(
            request,
            create=lambda: add_addendum(
                acting=acting_membership(request),
                encounter=encounter,
                text=form.cleaned_data["text"],
            ),
            location=lambda addendum: _note_url(encounter),
        )
        messages.success(request, _("Addendum added."))
    else:
        messages.error(request, _("Write the addendum (up to 5,000 characters) and try again."))
    return redirect("encounters:detail", encounter_id=encounter.id)


@member_required(*Role.with_participant_access())
def participant_timeline(request: HttpRequest, participant_id: object) -> HttpResponse:
    participant = participant_or_404(request, participant_id)
    kind = request.GET.get("kind", "")
    kind = kind if kind in TIMELINE_KINDS else ""
    rows: Any = TimelineRows(participant, kind=kind)  # a lazy sequence: count() and one slice
    page = Paginator(rows, TIMELINE_PAGE).get_page(request.GET.get("page"))
    record_page_view(
        request=request,
        target=Target(type="encounters.timeline", id=str(page.number)),
        participant_id=participant.id,
    )
    return render(
        request,
        "encounters/timeline.html",
        {"participant": participant, "page": page, "kind": kind},
    )


@member_required(Role.SUPERVISOR)
def review(request: HttpRequest) -> HttpResponse:
    membership = acting_membership(request)
    author = coach_filter(request)
    page = Paginator(
        review_queue(user=request.user, organization=membership.organization, author=author), 25
    ).get_page(request.GET.get("page"))
    record_page_view(request=request, target=Target(type="encounters.review", id=str(page.number)))
    return render(
        request, "encounters/review.html", {"page": page, "form": ReturnForm(), "author": author}
    )


@require_POST
@member_required(Role.SUPERVISOR)
def encounter_cosign(request: HttpRequest, encounter_id: object) -> HttpResponse:
    encounter = _encounter_or_404(request, encounter_id)
    try:
        cosign_encounter(acting=acting_membership(request), encounter=encounter)
    except NotReviewable:
        messages.error(request, _("This note isn't waiting for your co-signature."))
    else:
        messages.success(request, _("Co-signed."))
    return redirect("encounters:review")


@require_POST
@member_required(Role.SUPERVISOR)
def encounter_return(request: HttpRequest, encounter_id: object) -> HttpResponse:
    encounter = _encounter_or_404(request, encounter_id)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write a short comment so the coach knows what to add."))
        return redirect("encounters:detail", encounter_id=encounter.id)
    try:
        return_encounter(
            acting=acting_membership(request),
            encounter=encounter,
            comment=form.cleaned_data["comment"],
        )
    except NotReviewable:
        messages.error(request, _("This note isn't waiting for your co-signature."))
    else:
        messages.success(
            request,
            _("Returned to %(name)s with your comment.") % {"name": encounter.author.display_name},
        )
    return redirect("encounters:review")


@require_POST
@member_required(*Role.care_team())
def encounter_comment_seen(request: HttpRequest, encounter_id: object) -> HttpResponse:
    encounter = _encounter_or_404(request, encounter_id)
    mark_review_comment_seen(acting=acting_membership(request), encounter=encounter)
    return redirect("today")


@member_required(Role.ADMIN)
@one_time_submit
def service_types(request: HttpRequest) -> HttpResponse:
    membership = acting_membership(request)
    ensure_service_types(membership.organization)
    services = ServiceType.objects.filter(organization=membership.organization)
    form = ServiceTypeForm(request.POST or None)
    if request.method == "POST" and "service" in request.POST:
        service = visible_or_404(services, request, pk=request.POST.get("service", "0"))
        toggle = request.POST.get("toggle")
        save_service_type(
            acting=membership,
            service=service,
            needs_cosign=not service.needs_cosign if toggle == "cosign" else None,
            is_active=not service.is_active if toggle == "active" else None,
        )
        messages.success(request, _("Saved %(name)s.") % {"name": service.name})
        return redirect("encounters:service_types")
    if request.method == "POST" and form.is_valid():
        name = form.cleaned_data["name"].strip()
        if services.filter(name__iexact=name).exists():
            form.add_error("name", _("That service is already on the list."))
        else:
            create_once(
                request,
                create=lambda: save_service_type(
                    acting=membership,
                    service=None,
                    name=name,
                    needs_cosign=form.cleaned_data["needs_cosign"],
                ),
                location=lambda service: reverse("encounters:service_types"),
            )
            messages.success(request, _("Added %(name)s.") % {"name": name})
            return redirect("encounters:service_types")
    return render(request, "encounters/service_types.html", {"services": services, "form": form})


@member_required(*Role.care_team())
@one_time_submit
def schedule_new(request: HttpRequest, participant_id: object) -> HttpResponse:
    participant = participant_or_404(request, participant_id)
    today_ = timezone.localdate()
    form = ScheduleForm(
        request.POST or None, initial={"starts_on": today_, "weekday": today_.weekday()}
    )
    if request.method == "POST" and form.is_valid():
        saved = create_once(
            request,
            create=lambda: create_schedule(
                acting=acting_membership(request),
                participant=participant,
                values=form.cleaned_data,
            ),
            location=lambda schedule: reverse(
                "participants:detail", kwargs={"participant_id": participant.id}
            ),
        )
        messages.success(request, _("Check-ins scheduled. They will appear on Today."))
        return redirect(saved.location)
    return render(request, "encounters/schedule.html", {"form": form, "participant": participant})


@require_POST
@member_required(*Role.care_team())
def schedule_change(request: HttpRequest, schedule_id: object) -> HttpResponse:
    membership = acting_membership(request)
    schedule = owned_or_404(request, CheckInSchedule, id=schedule_id)
    action = request.POST.get("action", "")
    if action not in {"pause", "resume", "end"}:
        messages.error(request, _("Choose pause, resume or end."))
    else:
        change_schedule(acting=membership, schedule=schedule, action=action)
        messages.success(
            request,
            {
                "pause": _("Check-ins paused."),
                "resume": _("Check-ins resumed."),
                "end": _("Check-ins ended."),
            }[action],
        )
    return redirect("participants:detail", participant_id=schedule.participant_id)


@require_POST
@member_required(*Role.care_team())
def encounter_autosave(request: HttpRequest, encounter_id: object) -> HttpResponse:
    """htmx: save a draft while it is being written; answers with a one-line status."""
    encounter = _encounter_or_404(request, encounter_id)
    membership = acting_membership(request)
    brief = request.POST.get("kind") != "full" and encounter.is_brief
    form = EncounterForm(
        request.POST, instance=encounter, organization=membership.organization, brief=brief
    )
    status, version = _("Not saved yet: some fields need a look."), None
    if encounter.state == NoteState.SIGNED or encounter.author_id != request.user.pk:
        status = _("This note is signed; changes are not saved.")
    elif form.is_valid():
        original = Encounter.objects.get(pk=encounter.pk)
        signing = _wants_sign(request)
        try:
            original = _save_draft(membership, original, form, brief=brief, signing=signing)
        except NoteLocked:
            messages.error(request, _("A signed note doesn't change. Add an addendum instead."))
            return redirect("encounters:detail", encounter_id=encounter.id)
        except StaleNote:
            status = _("Saved in another window too. Reload before going on.")
        else:
            version = original.version
            status = _("Draft saved at %(time)s.") % {"time": show_time(timezone.localtime())}
    return render(request, "encounters/_autosave.html", {"status": status, "version": version})
