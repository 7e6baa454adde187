"""The administrator's API token pages: the list, a new token (its secret shown once), approval
by a second person, and revoking with a confirmation."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from api.forms import TokenForm
from api.models import ApiToken, ApiTokenQuerySet, TokenKind, TokenState
from api.services import approve_token, create_token, rate_per_minute, revoke_token
from consent.selectors import named_recipients
from lib.once import create_once, one_time_submit
from organizations.access import acting_membership, member_required, visible_or_404
from organizations.access_services import DecisionRefused
from organizations.models import Role

ADMIN = Role.ADMIN


def _tokens(request: HttpRequest) -> ApiTokenQuerySet:
    return ApiToken.objects.in_organization(acting_membership(request).organization).select_related(
        "membership__user", "created_by", "approved_by"
    )


@member_required(*Role.approvers())
def tokens(request: HttpRequest) -> HttpResponse:
    viewer = acting_membership(request)
    rows = list(_tokens(request))
    return render(
        request,
        "api/tokens.html",
        {
            "rows": [(token, token.state()) for token in rows],
            "states": TokenState,
            "may_create": viewer.role == ADMIN,
            "rate": rate_per_minute(),
        },
    )


@member_required(ADMIN)
@one_time_submit
def new(request: HttpRequest) -> HttpResponse:
    acting = acting_membership(request)
    form = TokenForm(
        request.POST or None,
        organization=acting.organization,
        named=named_recipients(organization=acting.organization),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        secrets: dict[str, str] = {}

        def make() -> ApiToken:
            made = create_token(
                acting=acting,
                kind=data["kind"],
                name=data["name"],
                scopes=data["scopes"],
                expires_on_days=data["lifetime"],
                person=data["person"],
                recipient=data["recipient"],
                purpose=data["purpose"],
            )
            secrets["secret"] = made.secret
            return made.token

        created = create_once(
            request,
            create=make,
            location=lambda t: reverse("api_tokens:detail", args=[t.public_id]),
        )
        # The secret is shown on this answer only: it is not stored and no page shows it again.
        return render(
            request, "api/secret.html", {"token": created.obj, "secret": secrets["secret"]}
        )
    return render(
        request, "api/new.html", {"form": form}, status=400 if request.method == "POST" else 200
    )


@member_required(*Role.approvers())
def detail(request: HttpRequest, token_id: object) -> HttpResponse:
    viewer = acting_membership(request)
    token = visible_or_404(_tokens(request), request, public_id=token_id)
    state = token.state()
    return render(
        request,
        "api/detail.html",
        {
            "token": token,
            "state": state,
            "states": TokenState,
            "service": token.kind == TokenKind.SERVICE,
            "may_approve": state == TokenState.WAITING
            and viewer.user_id not in (token.created_by_id, token.membership.user_id),
            "may_revoke": viewer.role == ADMIN and token.revoked_at is None,
        },
    )


@require_POST
@member_required(*Role.approvers())
def approve(request: HttpRequest, token_id: object) -> HttpResponse:
    acting = acting_membership(request)
    token = visible_or_404(_tokens(request), request, public_id=token_id)
    try:
        approve_token(acting=acting, token=token)
        messages.success(
            request, _("Approved: the token %(name)s works now.") % {"name": token.name}
        )
    except DecisionRefused as refused:
        messages.error(
            request,
            {
                "asked by you": _("You made this token, so someone else approves it."),
                "your own": _("This token acts as you, so someone else approves it."),
            }.get(refused.reason, _("This token is not waiting for approval.")),
        )
    return redirect("api_tokens:detail", token.public_id)


@member_required(ADMIN)
def revoke(request: HttpRequest, token_id: object) -> HttpResponse:
    acting = acting_membership(request)
    token = visible_or_404(_tokens(request), request, public_id=token_id)
    if request.method == "POST":
        revoke_token(acting=acting, token=token)
        messages.success(
            request, _("Revoked: the token %(name)s no longer works.") % {"name": token.name}
        )
        return redirect("api_tokens:detail", token.public_id)
    return render(request, "api/revoke.html", {"token": token})
