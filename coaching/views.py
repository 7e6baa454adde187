"""The inline language checker and the administrator's lexicon page."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coaching.conversation.parse import MAX_BYTES, TranscriptError, parse
from coaching.conversation.review import review
from coaching.forms import CustomTermForm, ReviewCommentForm, SaveReviewForm, TranscriptForm
from coaching.language import builtin_entries, check
from coaching.models import CustomTerm, DisabledEntry, PracticeReview
from coaching.selectors import entries_for, replacement_for
from coaching.services import (
    add_custom_term,
    comment_on_review,
    delete_practice_review,
    remove_custom_term,
    save_practice_review,
    set_entry_enabled,
    set_practice_sharing,
)
from lib.once import create_once, one_time_submit
from organizations.access import acting_membership, coach_filter, member_required, visible_or_404
from organizations.models import Role

CHECKED_FIELDS = frozenset(
    {
        "summary",
        "topics",
        "coach_actions",
        "participant_response",
        "next_steps",
        "text",
        "shared_note",  # a group session's note
        "comment",
        "coach_summary",  # a goal's summary in the coach's words
        "title",  # a milestone, as the coach writes it down
        "note",  # an assessment's note
        # safety plan parts written as lines (safety.content.PARTS)
        "warning_signs",
        "coping",
        "distraction_places",
        "safer_surroundings",
        "reasons",
    }
)
MAX_CHECK_CHARS = 20000

# Lists of saved reviews show titles: skipping the transcript skips decrypting it.
TRANSCRIPT = ("utterances", "summary")


@require_POST
@member_required(*Role.with_participant_access())
def check_field(request: HttpRequest) -> HttpResponse:
    """htmx: findings for one field as it is typed. Nothing is stored or logged."""
    field = request.GET.get("field", "")
    # A row of a formset posts its field with a prefix: "steps-0-text" is a goal's step.
    checked = field in CHECKED_FIELDS or field.rsplit("-", 1)[-1] in CHECKED_FIELDS
    text = request.POST.get(field, "")[:MAX_CHECK_CHARS] if checked else ""
    findings = check(text, entries_for(acting_membership(request).organization))
    rows = [(f, replacement_for(f.suggestion)) for f in findings]
    return render(
        request,
        "coaching/_findings.html",
        {"rows": rows, "field_id": f"id_{field}", "count": len(rows)},
    )


@member_required(Role.ADMIN)
@one_time_submit
def lexicon(request: HttpRequest) -> HttpResponse:
    membership = acting_membership(request)
    organization = membership.organization
    form = CustomTermForm(request.POST or None, organization=organization)
    if request.method == "POST":
        action = request.POST.get("action", "add")
        if action in {"enable", "disable"}:
            entry_id = request.POST.get("entry", "")
            if entry_id in {e.id for e in builtin_entries()}:
                set_entry_enabled(acting=membership, entry_id=entry_id, enabled=action == "enable")
                messages.success(request, _("Saved."))
            return redirect("coaching:lexicon")
        if action == "remove":
            term = visible_or_404(
                CustomTerm.objects.filter(organization=organization),
                request,
                id=request.POST.get("term", ""),
            )
            remove_custom_term(acting=membership, term=term)
            messages.success(request, _("Removed %(phrase)s.") % {"phrase": term.phrase})
            return redirect("coaching:lexicon")
        if form.is_valid():
            create_once(
                request,
                create=lambda: add_custom_term(acting=membership, **form.cleaned_data),
                location=lambda term: reverse("coaching:lexicon"),
            )
            messages.success(
                request, _("Added %(phrase)s.") % {"phrase": form.cleaned_data["phrase"]}
            )
            return redirect("coaching:lexicon")
    disabled = set(
        DisabledEntry.objects.filter(organization=organization).values_list("entry_id", flat=True)
    )
    return render(
        request,
        "coaching/lexicon.html",
        {
            "entries": [(e, e.id not in disabled) for e in builtin_entries()],
            "terms": CustomTerm.objects.filter(organization=organization),
            "form": form,
        },
    )


def _read_transcript(form: TranscriptForm) -> tuple[str, str]:
    upload = form.cleaned_data.get("upload")
    if upload is not None:
        if upload.size and upload.size > MAX_BYTES:
            raise TranscriptError(
                "That file is larger than 2 MB. A one-hour conversation is usually under "
                "100 KB; please check it is a transcript."
            )
        raw = upload.read(MAX_BYTES + 1)
        utterances = parse(
            raw, filename=upload.name or "", coach_name=form.cleaned_data["coach_name"]
        )
        return "\n".join(f"{u.speaker.capitalize()}: {u.text}" for u in utterances), ""
    return form.cleaned_data["transcript"], form.cleaned_data["coach_name"]


@member_required(*Role.care_team())
@one_time_submit
def practice(request: HttpRequest) -> HttpResponse:
    """Paste or upload, see the review. Nothing is stored unless the coach presses Save."""
    membership = acting_membership(request)
    form = TranscriptForm(request.POST or None, request.FILES or None)
    result, save_form = None, None
    if request.method == "POST" and request.POST.get("action") == "save":
        save_form = SaveReviewForm(request.POST)
        if save_form.is_valid():
            try:
                utterances = parse(
                    save_form.cleaned_data["transcript"],
                    coach_name=save_form.cleaned_data["coach_name"],
                )
            except TranscriptError as error:
                messages.error(request, str(error))
            else:
                wanted = save_form.cleaned_data
                saved = create_once(
                    request,
                    create=lambda: save_practice_review(
                        acting=membership,
                        title=wanted["title"],
                        review=review(utterances),
                        share=wanted["share"],
                    ),
                    location=lambda practice: reverse(
                        "coaching:practice_detail", kwargs={"review_id": practice.id}
                    ),
                )
                messages.success(request, _("Saved to your practice records."))
                return redirect(saved.location)
    elif request.method == "POST" and form.is_valid():
        try:
            transcript, coach_name = _read_transcript(form)
            result = review(parse(transcript, coach_name=coach_name))
        except TranscriptError as error:
            form.add_error(None, str(error))
        else:
            save_form = SaveReviewForm(
                initial={
                    "transcript": transcript,
                    "coach_name": coach_name,
                    "title": _("Practice conversation"),
                }
            )
    saved_reviews = (
        PracticeReview.objects.visible_to(request.user, membership.organization)
        .filter(owner_id=request.user.pk)
        .defer(*TRANSCRIPT)
    )[:20]
    return render(
        request,
        "coaching/practice.html",
        {
            "form": form,
            "result": result,
            "save_form": save_form,
            "saved": saved_reviews,
            "shared_count": PracticeReview.objects.visible_to(request.user, membership.organization)
            .exclude(owner_id=request.user.pk)
            .count()
            if membership.role == Role.SUPERVISOR
            else 0,
        },
    )


@member_required(*Role.care_team())
def practice_detail(request: HttpRequest, review_id: object) -> HttpResponse:
    membership = acting_membership(request)
    saved = visible_or_404(
        PracticeReview.objects.visible_to(request.user, membership.organization).select_related(
            "owner"
        ),
        request,
        id=review_id,
    )
    is_owner = saved.owner_id == request.user.pk
    if request.method == "POST" and not is_owner:
        raise PermissionDenied  # a supervisor reads what was shared; only the coach changes it
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "delete":
            delete_practice_review(acting=membership, saved=saved)
            messages.success(request, _("Deleted."))
            return redirect("coaching:practice")
        if action in {"share", "unshare"}:
            set_practice_sharing(acting=membership, saved=saved, share=action == "share")
            messages.success(
                request,
                _("Shared with your supervisor.") if action == "share" else _("No longer shared."),
            )
        return redirect("coaching:practice_detail", review_id=saved.id)
    return _detail(request, saved, is_owner=is_owner)


def _detail(
    request: HttpRequest,
    saved: PracticeReview,
    *,
    is_owner: bool,
    form: ReviewCommentForm | None = None,
    status: int = 200,
) -> HttpResponse:
    comments = list(saved.comments.select_related("author"))
    per_line: dict[int, int] = {}
    for comment in comments:
        if comment.line:
            per_line[comment.line] = per_line.get(comment.line, 0) + 1
    utterances = [
        {**u, "number": n, "comments": per_line.get(n, 0)}
        for n, u in enumerate(saved.utterances, start=1)
    ]
    lines = {n: u.get("text", "") for n, u in enumerate(saved.utterances, start=1)}
    # Each line's first comment carries the anchor its "N comments" link points to.
    anchored: set[int] = set()
    thread = []
    for comment in comments:
        anchor = ""
        if comment.line and comment.line not in anchored:
            anchored.add(comment.line)
            anchor = f"comment-line-{comment.line}"
        thread.append((comment, lines.get(comment.line or 0, ""), anchor))
    return render(
        request,
        "coaching/practice_detail.html",
        {
            "saved": saved,
            "is_owner": is_owner,
            "utterances": utterances,
            "comments": thread,
            "comment_form": form or ReviewCommentForm(utterances=saved.utterances),
            "can_comment": is_owner or saved.shared_with_supervisor,
        },
        status=status,
    )


@require_POST
@member_required(*Role.care_team())
@one_time_submit
def practice_comment(request: HttpRequest, review_id: object) -> HttpResponse:
    """A supervisor's comment on a shared review, or the coach's answer."""
    membership = acting_membership(request)
    saved = visible_or_404(
        PracticeReview.objects.visible_to(request.user, membership.organization).select_related(
            "owner"
        ),
        request,
        id=review_id,
    )
    is_owner = saved.owner_id == request.user.pk
    form = ReviewCommentForm(request.POST, utterances=saved.utterances)
    if not form.is_valid():
        return _detail(request, saved, is_owner=is_owner, form=form, status=400)
    target = reverse("coaching:practice_detail", args=[saved.id])
    created = create_once(
        request,
        create=lambda: comment_on_review(
            acting=membership,
            saved=saved,
            line=form.cleaned_data["line"],
            text=form.cleaned_data["text"],
        ),
        location=lambda _c: f"{target}#comments",
    )
    messages.success(request, _("Comment added."))
    return redirect(created.location)


@member_required(Role.SUPERVISOR)
def practice_shared(request: HttpRequest) -> HttpResponse:
    membership = acting_membership(request)
    shared = (
        PracticeReview.objects.visible_to(request.user, membership.organization)
        .exclude(owner_id=request.user.pk)
        .select_related("owner")
        .defer(*TRANSCRIPT)
    )
    coach = coach_filter(request)
    if coach:
        shared = shared.filter(owner__public_id=coach)
    return render(request, "coaching/practice_shared.html", {"shared": shared, "coach": coach})
