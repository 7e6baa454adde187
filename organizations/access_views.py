"""Who has access to participant records, and deciding changes that wait for a second person."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from organizations.access import acting_membership, member_required, visible_or_404
from organizations.access_services import (
    ChangeOutdated,
    DecisionRefused,
    approve_access_change,
    refuse_access_change,
)
from organizations.extensions import access_page_parts
from organizations.models import AccessChange, Role
from organizations.selectors import access_overview


@member_required(*Role.approvers())
def who_has_access(request: HttpRequest) -> HttpResponse:
    viewer = acting_membership(request)
    overview = access_overview(viewer=viewer)
    # The emergency access open now comes from participants (organizations.extensions).
    parts = access_page_parts(viewer.organization)
    return render(request, "organizations/access.html", {**overview, **parts})


def _refused_words(reason: str) -> str:
    return {
        "asked by you": _(
            "You asked for this change, so someone else approves it: a manager or another "
            "administrator."
        ),
        "your own": _("This change is for your own account, so someone else decides it."),
        "already decided": _("This change was already decided."),
    }.get(reason, _("This change cannot be decided by you."))


@require_POST
@member_required(*Role.approvers())
def decide(request: HttpRequest, change_id: object) -> HttpResponse:
    acting = acting_membership(request)
    change = visible_or_404(
        AccessChange.objects.in_organization(acting.organization).select_related(
            "membership__user"
        ),
        request,
        public_id=change_id,
    )
    name = change.membership.user
    decision = request.POST.get("decision", "")
    try:
        if decision == "approve":
            approve_access_change(acting=acting, change=change)
            messages.success(
                request, _("Approved: the change for %(name)s applies now.") % {"name": name}
            )
        elif decision == "refuse":
            refuse_access_change(acting=acting, change=change)
            messages.success(request, _("Refused: nothing changed for %(name)s.") % {"name": name})
        else:
            messages.error(request, _("Choose whether to approve or refuse the change."))
    except DecisionRefused as refused:
        messages.error(request, _refused_words(refused.reason))
    except ChangeOutdated:
        messages.info(
            request,
            _(
                "The account of %(name)s changed after this was asked, so the request was closed "
                "without changing anything. An administrator can ask again if it is still needed."
            )
            % {"name": name},
        )
    return redirect("organizations:access")
