"""Caseload, intake, overview and the edits a coach makes with the participant."""

import uuid
from datetime import timedelta
from typing import Any, cast

from django.contrib import messages
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from audit.labels import field_label, target_label
from audit.services import Target, record_page_view
from lib.once import create_once, one_time_submit
from organizations.access import acting_membership, coach_filter, member_required, visible_or_404
from organizations.models import Role
from participants.access import participant_or_404
from participants.extensions import overview_panels
from participants.forms import (
    IntakeForm,
    ParticipantForm,
    StatusForm,
    TransferForm,
)
from participants.models import (
    Participant,
    ParticipantStatus,
    Pathway,
)
from participants.selectors import (
    OPEN,
    QUIET_DAYS,
    SORTS,
    CaseloadCounts,
    CaseloadFilters,
    assignable_coaches,
    caseload,
    caseload_counts,
    change_history,
    coach_name,
    overview_lists,
    possible_duplicates,
)
from participants.services import (
    StaleEdit,
    change_status,
    enrol_participant,
    merge_participants,
    merge_preview,
    transfer_participant,
    update_participant,
)

PAGE_SIZE = 25
ORG_COUNT_SECONDS = 60


class CountedPaginator(Paginator):
    """A paginator told its count: the default view counts open and closed records in one read
    (`caseload_counts`), and the whole organization's counts come from a cache kept for a
    minute: counting a statewide caseload on every page turn costs more than a caption a minute
    old is worth (figures: bench/results/2026-12-04-measured-design-choices.md). Any filter, and
    every smaller scope, counts exactly."""

    def __init__(self, *args: Any, known_count: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.known_count = known_count

    @cached_property
    def count(self) -> int:
        return self.known_count


def _default_counts(membership: Any, *, whole_organization: bool) -> CaseloadCounts:
    if not whole_organization:
        return caseload_counts(user=membership.user, organization=membership.organization)
    key = f"participants:org-counts:{membership.organization_id}"
    counts = cache.get(key)
    if counts is None:
        counts = caseload_counts(user=membership.user, organization=membership.organization)
        cache.set(key, counts, ORG_COUNT_SECONDS)
    return cast(CaseloadCounts, counts)


def _quiet_choices(request: HttpRequest) -> tuple[int, ...]:
    """The fixed choices, plus the organization's own "not in touch" flag that links use."""
    flag = acting_membership(request).organization.out_of_touch_days
    return tuple(sorted({*QUIET_DAYS, flag}))


def _filters(request: HttpRequest) -> CaseloadFilters:
    quiet = request.GET.get("quiet", "")
    sort = request.GET.get("sort", "name")
    return CaseloadFilters(
        query=request.GET.get("q", "").strip()[:100],
        # Open records by default; "Any status" (an empty choice) shows everyone.
        status=request.GET.get("status", OPEN),
        pathway=request.GET.get("pathway", "")
        if request.GET.get("pathway") in Pathway.values
        else "",
        quiet_days=int(quiet)
        if quiet.isdigit() and int(quiet) in _quiet_choices(request)
        else None,
        follow_up_due=request.GET.get("due") == "1",
        sort=sort if sort in SORTS else "name",
        coach=coach_filter(request),
    )


@member_required(*Role.with_participant_access())
def participant_list(request: HttpRequest) -> HttpResponse:
    filters = _filters(request)
    membership = acting_membership(request)
    participants = caseload(
        user=request.user, organization=membership.organization, filters=filters
    )
    default_view = filters == CaseloadFilters(status=OPEN, sort=filters.sort)
    counts = (
        _default_counts(membership, whole_organization=membership.role == Role.MANAGER)
        if default_view
        else None
    )
    paginator = (
        CountedPaginator(participants, PAGE_SIZE, known_count=counts.open)
        if counts is not None
        else Paginator(participants, PAGE_SIZE)
    )
    page = paginator.get_page(request.GET.get("page"))
    record_page_view(request=request, target=Target(type="participants.list", id=str(page.number)))
    return render(
        request,
        "participants/list.html",
        {
            "page": page,
            "filters": filters,
            "counts": counts,
            "filtered": any(
                [
                    filters.query,
                    filters.status not in ("", OPEN),
                    filters.pathway,
                    filters.quiet_days,
                    filters.follow_up_due,
                    filters.coach,
                ]
            ),
            "statuses": ParticipantStatus.choices,
            "pathways": Pathway.choices,
            "quiet_days": _quiet_choices(request),
            "coach_name": coach_name(organization=membership.organization, public_id=filters.coach)
            if filters.coach
            else "",
            "quiet_cutoff": timezone.localdate()
            - timedelta(days=membership.organization.out_of_touch_days),
            "open_statuses": (ParticipantStatus.ACTIVE, ParticipantStatus.REFERRED),
        },
    )


@member_required(*Role.with_participant_access())
@one_time_submit
def participant_new(request: HttpRequest) -> HttpResponse:
    membership = acting_membership(request)
    coaches = assignable_coaches(membership.organization)
    default_coach = membership.user if membership.role == Role.COACH else None
    form = IntakeForm(request.POST or None, coaches=coaches, default_coach=default_coach)
    duplicates = []
    if request.method == "POST" and form.is_valid():
        values = form.participant_values()
        if not form.cleaned_data["confirm_new"]:
            duplicates = possible_duplicates(
                organization=membership.organization,
                user=request.user,
                preferred_name=values["preferred_name"],
                legal_name=values["legal_name"],
                phones=[values["phone"], values["phone_other"]],
                date_of_birth=values["date_of_birth"],
            )
        if not duplicates:
            enrolled = create_once(
                request,
                create=lambda: enrol_participant(
                    acting=membership,
                    values=values,
                    coach=form.cleaned_data["coach"],
                    status=form.cleaned_data["status"] or ParticipantStatus.ACTIVE,
                ),
                location=lambda person: reverse(
                    "participants:detail", kwargs={"participant_id": person.id}
                ),
            )
            messages.success(request, _("%(name)s is enrolled.") % {"name": enrolled.obj})
            return redirect(enrolled.location)
    return render(
        request,
        "participants/form.html",
        {
            "form": form,
            "duplicates": duplicates,
            "intake": True,
        },
    )


def _viewed(request: HttpRequest, participant: Participant) -> None:
    """The view event of a page that shows this person's record (a form opened to change it)."""
    record_page_view(request=request, target=Target.of(participant), participant_id=participant.id)


@member_required(*Role.with_participant_access())
def participant_edit(request: HttpRequest, participant_id: object) -> HttpResponse:
    participant = participant_or_404(request, participant_id)
    form = ParticipantForm(request.POST or None, instance=participant)
    conflict: list[tuple[str, Any, Any]] = []
    if request.method == "POST":
        original = Participant.objects.get(pk=participant.pk)  # the form wrote onto `participant`
        if form.is_valid():
            values = form.participant_values()
            try:
                changed = update_participant(
                    acting=acting_membership(request),
                    participant=original,
                    values=values,
                    expected_version=form.cleaned_data.get("version") or 0,
                )
            except StaleEdit as stale:
                # Show both sides; the person decides what to keep and saves again.
                conflict = [
                    (
                        field_label("participants.participant", name),
                        getattr(stale.current, name),
                        value,
                    )
                    for name, value in values.items()
                    if getattr(stale.current, name) != value
                ]
                data = request.POST.copy()
                data["version"] = str(stale.current.version)
                form = ParticipantForm(data, instance=stale.current)
                form.is_valid()
                participant = stale.current
            else:
                if changed:
                    messages.success(request, _("Saved."))
                else:
                    messages.info(request, _("Nothing was changed."))
                return redirect("participants:detail", participant_id=original.id)
        else:
            participant = original
    _viewed(request, participant)
    return render(
        request,
        "participants/form.html",
        {
            "form": form,
            "participant": participant,
            "conflict": conflict,
            "intake": False,
        },
    )


@member_required(*Role.with_participant_access())
def participant_detail(request: HttpRequest, participant_id: object) -> HttpResponse:
    participant = participant_or_404(request, participant_id)
    record_page_view(request=request, target=Target.of(participant), participant_id=participant.id)
    today = timezone.localdate()
    return render(
        request,
        "participants/detail.html",
        {
            "participant": participant,
            # Recent contacts show each one-line summary: the note's other text stays encrypted
            # and unread here.
            **overview_lists(participant),
            "out_of_touch": participant.is_out_of_touch(
                today, acting_membership(request).organization.out_of_touch_days
            ),
            "days_since_contact": participant.days_since_contact(today),
            "can_merge": acting_membership(request).role == Role.MANAGER,
            "can_transfer": acting_membership(request).role in Role.oversight()
            or participant.coach_id == request.user.pk,
            # Each domain app owns its card on the overview: a selector and a partial, registered
            # from its AppConfig.ready() (participants.extensions).
            **overview_panels(participant=participant),
        },
    )


@member_required(*Role.with_participant_access())
@one_time_submit
def participant_status(request: HttpRequest, participant_id: object) -> HttpResponse:
    participant = participant_or_404(request, participant_id)
    form = StatusForm(
        request.POST or None,
        initial={"status": participant.status, "effective_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        saved = create_once(
            request,
            create=lambda: change_status(
                acting=acting_membership(request), participant=participant, **form.cleaned_data
            ),
            location=lambda step: reverse(
                "participants:detail", kwargs={"participant_id": participant.id}
            ),
        )
        messages.success(request, _("Status updated. Earlier steps stay in the history."))
        return redirect(saved.location)
    _viewed(request, participant)
    return render(request, "participants/status.html", {"form": form, "participant": participant})


@member_required(*Role.with_participant_access())
def participant_transfer(request: HttpRequest, participant_id: object) -> HttpResponse:
    participant = participant_or_404(request, participant_id)
    membership = acting_membership(request)
    if membership.role == Role.COACH and participant.coach_id != request.user.pk:
        messages.error(request, _("Only the primary coach or a supervisor can hand over."))
        return redirect("participants:detail", participant_id=participant.id)
    form = TransferForm(
        request.POST or None,
        coaches=assignable_coaches(membership.organization),
        initial={
            "coach": participant.coach_id,
            "secondary_coach": participant.secondary_coach_id,
            "version": participant.version,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            changed = transfer_participant(
                acting=membership,
                participant=participant,
                coach=form.cleaned_data["coach"],
                secondary=form.cleaned_data["secondary_coach"],
                handover_note=form.cleaned_data["handover_note"],
                expected_version=form.cleaned_data["version"],
            )
        except StaleEdit as stale:
            messages.error(
                request,
                _(
                    "Someone changed this record while you were choosing. The current coaches "
                    "are shown below; nothing was changed. Please choose again."
                ),
            )
            current = stale.current
            form = TransferForm(
                coaches=assignable_coaches(membership.organization),
                initial={
                    "coach": current.coach_id,
                    "secondary_coach": current.secondary_coach_id,
                    "version": current.version,
                    "handover_note": form.cleaned_data["handover_note"],
                },
            )
            _viewed(request, current)
            return render(
                request, "participants/transfer.html", {"form": form, "participant": current}
            )
        if not changed:
            messages.info(request, _("Nothing was changed."))
            return redirect("participants:detail", participant_id=participant.id)
        messages.success(request, _("Handover saved for %(name)s.") % {"name": participant})
        still_visible = (
            Participant.objects.visible_to(request.user, membership.organization)
            .filter(pk=participant.pk)
            .exists()
        )
        if still_visible:
            return redirect("participants:detail", participant_id=participant.id)
        return redirect("participants:list")
    _viewed(request, participant)
    return render(request, "participants/transfer.html", {"form": form, "participant": participant})


@member_required(*Role.with_participant_access())
def participant_history(request: HttpRequest, participant_id: object) -> HttpResponse:
    participant = participant_or_404(request, participant_id)
    record_page_view(
        request=request,
        target=Target(type="participants.history", id=str(participant.id)),
        participant_id=participant.id,
    )
    rows = [
        (
            event,
            _("record")
            if event.target_type == "participants.participant"
            else target_label(event.target_type),
            [field_label(event.target_type, name) for name in event.changed_fields],
        )
        for event in change_history(participant)
    ]
    return render(request, "participants/history.html", {"participant": participant, "rows": rows})


@member_required(Role.MANAGER)
def participant_merge(request: HttpRequest, participant_id: object) -> HttpResponse:
    """Fold this record into another one after a side-by-side preview (managers only)."""
    source = participant_or_404(request, participant_id)
    membership = acting_membership(request)
    scoped = Participant.objects.visible_to(request.user, membership.organization).exclude(
        pk=source.pk
    )
    into = request.POST.get("into") or request.GET.get("into")
    if into:
        try:
            target = visible_or_404(scoped.select_related("coach"), request, id=uuid.UUID(into))
        except ValueError as error:
            raise Http404 from error
        if request.method == "POST":
            merge_participants(acting=membership, source=source, target=target)
            messages.success(
                request,
                _("The two records are now one. The old record is closed and points here."),
            )
            return redirect("participants:detail", participant_id=target.id)
        preview = merge_preview(source=source, target=target)
        # The preview shows both records side by side: each person's record is read.
        _viewed(request, source)
        _viewed(request, target)
        return render(
            request,
            "participants/merge_preview.html",
            {
                "source": source,
                "target": target,
                "preview": preview,
                "filled": [
                    (field_label("participants.participant", k), v)
                    for k, v in preview["filled"].items()
                ],
            },
        )
    query = request.GET.get("q", "").strip()[:100]
    candidates = list(scoped.search(query).select_related("coach")[:20]) if query else []
    _viewed(request, source)
    return render(
        request,
        "participants/merge.html",
        {
            "source": source,
            "q": query,
            "candidates": candidates,
        },
    )
