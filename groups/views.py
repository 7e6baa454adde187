"""Groups: the list, members, and documenting a session in one submit."""

import uuid

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from audit.services import Target, record_page_view
from coaching.selectors import findings_in
from encounters.services import ensure_service_types
from groups.extensions import group_panels
from groups.forms import GroupForm, GroupListingForm, GroupSessionForm
from groups.models import Group
from groups.selectors import groups_for, members_seen
from groups.services import Attendee, add_member, record_group_session, remove_member, save_group
from lib.once import create_once, one_time_submit
from organizations.access import acting_membership, member_required, visible_or_404
from organizations.models import Membership, Role
from participants.models import Participant, ParticipantQuerySet, ParticipantStatus
from participants.selectors import assignable_coaches


def _group(request: HttpRequest, group_id: object) -> Group:
    scoped = Group.objects.visible_to(request.user, acting_membership(request).organization)
    return visible_or_404(
        scoped.select_related("facilitator", "service_type"), request, id=group_id
    )


def _visible_participants(request: HttpRequest) -> ParticipantQuerySet:
    return Participant.objects.visible_to(
        request.user, acting_membership(request).organization
    ).filter(status__in=ParticipantStatus.open())


def _group_url(group_id: object) -> str:
    return reverse("groups:detail", kwargs={"group_id": group_id})


@member_required(*Role.with_participant_access())
@one_time_submit
def group_list(request: HttpRequest) -> HttpResponse:
    membership = acting_membership(request)
    ensure_service_types(membership.organization)
    is_coach = membership.role == Role.COACH
    form = GroupForm(
        request.POST or None,
        organization=membership.organization,
        coaches=assignable_coaches(membership.organization),
        facilitator_fixed=is_coach,
    )
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        if is_coach:
            values["facilitator"] = request.user
        saved = create_once(
            request,
            create=lambda: save_group(acting=membership, group=None, values=values),
            location=lambda group: _group_url(group.id),
        )
        messages.success(
            request, _("Group %(name)s created. Add its members next.") % {"name": saved.obj.name}
        )
        return redirect(saved.location)
    groups = groups_for(user=request.user, organization=membership.organization)
    return render(request, "groups/list.html", {"groups": groups, "form": form})


@member_required(*Role.with_participant_access())
def group_detail(request: HttpRequest, group_id: object) -> HttpResponse:
    group = _group(request, group_id)
    membership = acting_membership(request)
    visible = _visible_participants(request)
    if request.method == "POST":
        try:
            person_id = uuid.UUID(request.POST.get("participant", ""))
        except ValueError:
            person_id = None
        person = visible.filter(id=person_id).first() if person_id else None
        if person is None:
            messages.error(request, _("Choose someone from the list."))
        elif request.POST.get("action") == "remove":
            remove_member(acting=membership, group=group, participant=person)
            messages.success(
                request, _("%(name)s is no longer listed in this group.") % {"name": person}
            )
        elif add_member(acting=membership, group=group, participant=person):
            messages.success(request, _("%(name)s joined the group.") % {"name": person})
        else:
            messages.info(request, _("%(name)s is already in the group.") % {"name": person})
        return redirect("groups:detail", group_id=group.id)
    members = members_seen(group, visible)
    hidden = group.members.count() - len(members)
    candidates = visible.exclude(id__in=[m.id for m in members]).order_by("preferred_name")[:300]
    # Many people's names on one page: one view event, naming the group rather than one person.
    record_page_view(request=request, target=Target.of(group))
    return render(
        request,
        "groups/detail.html",
        {
            "group": group,
            "members": members,
            "hidden_members": hidden,
            "candidates": candidates,
            "sessions": group.sessions.all()[:10],
            **group_panels(group=group),
        },
    )


@member_required(*Role.with_participant_access())
def group_listing(request: HttpRequest, group_id: object) -> HttpResponse:
    """Whether every participant sees the group's sessions in their own Cairn, and what to
    expect there."""
    group = _group(request, group_id)
    # Not bound to `group`: validating would change it in place, and the audit would then see
    # nothing changed.
    form = GroupListingForm(
        request.POST or None,
        initial={"about": group.about, "open_to_participants": group.open_to_participants},
    )
    if request.method == "POST" and form.is_valid():
        save_group(
            acting=acting_membership(request),
            group=group,
            values={name: form.cleaned_data[name] for name in GroupListingForm.Meta.fields},
        )
        messages.success(request, _("Saved what participants see about this group."))
        return redirect("groups:detail", group_id=group.id)
    record_page_view(request=request, target=Target.of(group))
    return render(request, "groups/listing.html", {"group": group, "form": form})


def _mention_shared_words(request: HttpRequest, membership: Membership, note: str) -> None:
    """A calm word at signing: everyone who came can read the group note. Never a block."""
    words = list(dict.fromkeys(f.text for f in findings_in(membership.organization, [note])))
    if words:
        messages.info(
            request,
            _(
                "The people who came can read the group note in their portal. The language "
                "checker noticed: %(words)s. If you want to say it differently, add an addendum."
            )
            % {"words": ", ".join(f"“{word}”" for word in words)},
        )


@member_required(*Role.with_participant_access())
@one_time_submit
def group_session(request: HttpRequest, group_id: object) -> HttpResponse:
    group = _group(request, group_id)
    membership = acting_membership(request)
    visible = _visible_participants(request)
    members = members_seen(group, visible)
    walk_ins = list(
        visible.filter(coach_id=request.user.pk)
        .exclude(id__in=[m.id for m in members])
        .order_by("preferred_name")
    )
    now = timezone.localtime()
    form = GroupSessionForm(
        request.POST or None,
        organization=membership.organization,
        initial={
            "day": now.date(),
            "start": now.time().replace(second=0, microsecond=0),
            "duration_minutes": group.default_duration,
        },
    )
    ticked = set(request.POST.getlist("attend"))
    if request.method == "POST":
        people = {str(p.id): p for p in [*members, *walk_ins]}
        attendees = [
            Attendee(participant=people[pid], line=request.POST.get(f"line_{pid}", "")[:300])
            for pid in request.POST.getlist("attend")
            if pid in people
        ]
        valid = form.is_valid()
        if not attendees:
            form.add_error(None, _("Tick at least one person who came."))
        if valid and attendees:
            # Sent twice, the session and each attendee's signed note are made once.
            saved = create_once(
                request,
                create=lambda: record_group_session(
                    acting=membership,
                    group=group,
                    started_at=form.cleaned_data["started_at"],
                    duration_minutes=form.cleaned_data["duration_minutes"],
                    topic=form.cleaned_data["topic"],
                    shared_note=form.cleaned_data["shared_note"],
                    attendees=attendees,
                    sign=form.cleaned_data["sign_now"],
                ),
                location=lambda session: _group_url(session.group_id),
            )
            messages.success(
                request,
                ngettext(
                    "Session recorded for %(count)d person.",
                    "Session recorded for %(count)d people.",
                    len(attendees),
                )
                % {"count": len(attendees)},
            )
            if form.cleaned_data["sign_now"]:
                _mention_shared_words(request, membership, form.cleaned_data["shared_note"])
            return redirect(saved.location)
    record_page_view(request=request, target=Target.of(group))
    return render(
        request,
        "groups/session.html",
        {
            "group": group,
            "form": form,
            "members": members,
            "walk_ins": walk_ins,
            "ticked": ticked,
            "lines": {k[5:]: v for k, v in request.POST.items() if k.startswith("line_")},
        },
    )
