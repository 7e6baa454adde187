"""The organization administrator's screens and the organization switcher."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from organizations.access import acting_membership, member_required, visible_or_404
from organizations.access_services import AccessChangeWaiting, approvers
from organizations.forms import InviteForm, MembershipForm, OrganizationSettingsForm, TeamForm
from organizations.middleware import SESSION_KEY
from organizations.models import AccessChange, Membership, Organization, Role, Team
from organizations.services import (
    MembershipUpdate,
    invite_person,
    reissue_invitation,
    save_team,
    update_membership,
    update_organization_settings,
)

PAGE_SIZE = 25
WAITING = Prefetch(
    "access_changes", queryset=AccessChange.objects.waiting(), to_attr="waiting_changes"
)


@require_POST
@login_required
def switch_organization(request: HttpRequest) -> HttpResponse:
    wanted = request.POST.get("organization", "")
    for membership in getattr(request, "memberships", []):
        if membership.organization.slug == wanted:
            request.session[SESSION_KEY] = membership.organization_id
            messages.success(
                request, _("You are now working in %(org)s.") % {"org": membership.organization}
            )
            return redirect("home")
    messages.error(request, _("That organization is not one of yours."))
    return redirect("home")


@member_required(Role.ADMIN)
def people(request: HttpRequest) -> HttpResponse:
    organization = acting_membership(request).organization
    query = request.GET.get("q", "").strip()
    role = request.GET.get("role", "")
    # Participants' accounts are not staff: an administrator neither lists nor counts them (for
    # a Part 2 program, that someone is a participant is itself protected).
    memberships = (
        Membership.objects.in_organization(organization)
        .exclude(role=Role.PARTICIPANT)
        .select_related("user", "team")
        .prefetch_related(WAITING)
        .order_by("-is_active", "user__username")
    )
    if query:
        memberships = memberships.filter(
            Q(user__username__icontains=query) | Q(user__preferred_name__icontains=query)
        )
    if role in Role.staff():
        memberships = memberships.filter(role=role)
    page = Paginator(memberships, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "organizations/people.html",
        {
            "page": page,
            "q": query,
            "role": role,
            "roles": [(v, label) for v, label in Role.choices if v in Role.staff()],
        },
    )


@member_required(Role.ADMIN)
def invite(request: HttpRequest) -> HttpResponse:
    acting = acting_membership(request)
    form = InviteForm(request.POST or None, organization=acting.organization)
    if request.method == "POST" and form.is_valid():
        invitation = invite_person(acting=acting, **form.cleaned_data)
        return render(
            request,
            "organizations/invited.html",
            {
                "membership": invitation.membership,
                "link": request.build_absolute_uri(invitation.path),
                "waiting": invitation.waiting,
            },
        )
    return render(request, "organizations/invite.html", {"form": form})


def _membership_or_404(request: HttpRequest, public_id: object) -> Membership:
    """A staff member of the acting organization; a participant's account is not found here."""
    scoped = (
        Membership.objects.in_organization(acting_membership(request).organization)
        .exclude(role=Role.PARTICIPANT)
        .select_related("user", "team")
        .prefetch_related(WAITING)
    )
    return visible_or_404(scoped, request, user__public_id=public_id)


ALREADY_WAITING = gettext_lazy(
    "A change for %(name)s is already waiting for approval. A manager or another administrator "
    "approves or refuses it under Who has access; ask for a new one after that."
)


def _tell(request: HttpRequest, result: MembershipUpdate, name: object) -> None:
    if result.waiting is not None and not approvers(result.waiting):
        messages.warning(
            request,
            _(
                "The change for %(name)s gives more access, so it waits for a second person to "
                "approve it, but no one else can yet: the organization needs a program manager "
                "or another administrator. Nothing changes until then."
            )
            % {"name": name},
        )
    elif result.waiting is not None:
        messages.info(
            request,
            _(
                "The change for %(name)s gives more access, so it waits for a program manager or "
                "another administrator to approve it. They have been told; nothing changes until "
                "then."
            )
            % {"name": name},
        )
    elif result.changed:
        messages.success(request, _("Saved changes for %(name)s.") % {"name": name})
    else:
        messages.info(request, _("Nothing was changed."))


@member_required(Role.ADMIN)
def person(request: HttpRequest, public_id: object) -> HttpResponse:
    acting = acting_membership(request)
    membership = _membership_or_404(request, public_id)
    form = MembershipForm(
        request.POST or None, instance=membership, organization=acting.organization
    )
    own = membership.user_id == acting.user_id
    if request.method == "POST" and own:
        messages.error(
            request,
            _("You cannot change your own role, team or access. Ask another administrator."),
        )
        return redirect("organizations:person", public_id=membership.user.public_id)
    if request.method == "POST" and form.is_valid():
        # Re-read the stored row: the form has already written new values onto the instance.
        stored = Membership.objects.select_related("user").get(pk=membership.pk)
        try:
            result = update_membership(
                acting=acting,
                membership=stored,
                role=form.cleaned_data["role"],
                team=form.cleaned_data["team"],
                is_active=stored.is_active,
                notes_need_cosign=form.cleaned_data["notes_need_cosign"],
            )
        except AccessChangeWaiting:
            form.add_error(None, ALREADY_WAITING % {"name": stored.user})
        else:
            _tell(request, result, stored.user)
            return redirect("organizations:person", public_id=stored.user.public_id)
    return render(
        request,
        "organizations/person.html",
        {
            "membership": membership,
            "form": form,
            "own": own,
            "waiting": next(iter(membership.waiting_changes), None),  # type: ignore[attr-defined]
        },
    )


@member_required(Role.ADMIN)
def person_active(request: HttpRequest, public_id: object) -> HttpResponse:
    """Deactivate or reactivate, after a confirmation page."""
    acting = acting_membership(request)
    membership = _membership_or_404(request, public_id)
    if membership.user_id == acting.user_id:
        messages.error(request, _("You cannot deactivate your own account."))
        return redirect("organizations:person", public_id=membership.user.public_id)
    if request.method == "POST":
        try:
            result = update_membership(
                acting=acting,
                membership=membership,
                role=membership.role,
                team=membership.team,
                is_active=not membership.is_active,
            )
        except AccessChangeWaiting:
            messages.error(request, ALREADY_WAITING % {"name": membership.user})
            return redirect("organizations:person", public_id=membership.user.public_id)
        if result.waiting is not None:
            _tell(request, result, membership.user)
        elif membership.is_active:
            messages.success(request, _("%(name)s can sign in again.") % {"name": membership.user})
        else:
            messages.success(
                request,
                _("%(name)s is deactivated and signed out of this organization.")
                % {"name": membership.user},
            )
        return redirect("organizations:person", public_id=membership.user.public_id)
    return render(request, "organizations/person_active.html", {"membership": membership})


@require_POST
@member_required(Role.ADMIN)
def person_new_link(request: HttpRequest, public_id: object) -> HttpResponse:
    acting = acting_membership(request)
    membership = _membership_or_404(request, public_id)
    if membership.user_id == acting.user_id:
        messages.error(request, _("Change your own password under Sign-in security."))
        return redirect("organizations:person", public_id=membership.user.public_id)
    invitation = reissue_invitation(acting=acting, membership=membership)
    return render(
        request,
        "organizations/invited.html",
        {
            "membership": membership,
            "link": request.build_absolute_uri(invitation.path),
            "reissued": True,
        },
    )


@member_required(Role.ADMIN)
def organization_settings(request: HttpRequest) -> HttpResponse:
    acting = acting_membership(request)
    form = OrganizationSettingsForm(
        request.POST or None, instance=Organization.objects.get(pk=acting.organization_id)
    )
    if request.method == "POST" and form.is_valid():
        changed = update_organization_settings(
            acting=acting, values={name: form.cleaned_data[name] for name in form.Meta.fields}
        )
        messages.success(request, _("Settings saved.") if changed else _("Nothing was changed."))
        return redirect("organizations:settings")
    return render(request, "organizations/settings.html", {"form": form})


@member_required(Role.ADMIN)
def teams(request: HttpRequest) -> HttpResponse:
    acting = acting_membership(request)
    form = TeamForm(request.POST or None, organization=acting.organization)
    if request.method == "POST" and form.is_valid():
        team = save_team(acting=acting, team=None, name=form.cleaned_data["name"])
        messages.success(request, _("Team %(name)s created.") % {"name": team.name})
        return redirect("organizations:teams")
    team_list = Team.objects.filter(organization=acting.organization).prefetch_related(
        "memberships__user"
    )
    return render(request, "organizations/teams.html", {"teams": team_list, "form": form})


@member_required(Role.ADMIN)
def team(request: HttpRequest, team_id: object) -> HttpResponse:
    acting = acting_membership(request)
    found = visible_or_404(
        Team.objects.filter(organization=acting.organization), request, id=team_id
    )
    form = TeamForm(
        request.POST or None,
        organization=acting.organization,
        team=found,
        initial={"name": found.name},
    )
    if request.method == "POST" and form.is_valid():
        save_team(acting=acting, team=found, name=form.cleaned_data["name"])
        messages.success(request, _("Team renamed."))
        return redirect("organizations:teams")
    members = found.memberships.select_related("user").order_by("role", "user__username")
    return render(
        request, "organizations/team.html", {"team": found, "form": form, "members": members}
    )
