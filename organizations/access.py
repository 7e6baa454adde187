"""Who may use a page: the role decorator, the acting membership and the 404-not-403 lookup of an
organization's rows. A participant's record and what belongs to it open through
`participants.access`."""

import functools
import uuid
from collections.abc import Callable
from typing import Any, NoReturn, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse

from audit.models import Action
from audit.services import Target, record_event
from organizations.models import Membership

ViewFunc = Callable[..., HttpResponse]
M = TypeVar("M", bound=Model)


def member_required(*roles: str) -> Callable[[ViewFunc], ViewFunc]:
    """The view needs a signed-in member of the current organization, in one of `roles` if given.

    A role outside the list gets the calm 403 page and an audit event; objects the role may
    not see are answered with 404 by `visible_or_404`.
    """

    def decorator(view: ViewFunc) -> ViewFunc:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            membership = getattr(request, "membership", None)
            if membership is None or (roles and membership.role not in roles):
                record_event(
                    action=Action.PERMISSION_DENIED,
                    actor=request.user,
                    organization=getattr(request, "organization", None),
                    role=membership.role if membership else "",
                    target=Target(type="url", id=(request.resolver_match.view_name or "")[:64])
                    if request.resolver_match
                    else None,
                )
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.cairn_roles = roles  # type: ignore[attr-defined]
        return wrapped

    return decorator


def acting_membership(request: HttpRequest) -> Membership:
    """The current membership of a request that `member_required` has let through."""
    membership: Membership = request.membership  # type: ignore[attr-defined]
    return membership


def visible_or_404(queryset: QuerySet[M], request: HttpRequest, **lookup: Any) -> M:
    """Fetch one object from an already-scoped queryset; anything outside scope is a 404.

    A miss is recorded as a refused access, without saying whether the object exists.
    """
    obj = queryset.filter(**lookup).first()
    if obj is None:
        refuse(request, queryset.model, lookup)
    return obj


def refuse(request: HttpRequest, model: type[Model], lookup: dict[str, Any]) -> NoReturn:
    """404 for an object out of scope (or not there), recorded as a refused access without
    saying which it was."""
    attempted = next((str(v) for v in lookup.values() if isinstance(v, uuid.UUID)), "")
    membership = getattr(request, "membership", None)
    record_event(
        action=Action.PERMISSION_DENIED,
        actor=request.user,  # type: ignore[arg-type]
        organization=getattr(request, "organization", None),
        role=membership.role if membership else "",
        target=Target(type=model._meta.label_lower, id=attempted),
    )
    raise Http404


def coach_filter(request: HttpRequest) -> str:
    """The `?coach=` a supervisor's team table links lists with: a coach's public id, or ""
    when absent or malformed. Lists apply it inside their own visible scope."""
    try:
        return str(uuid.UUID(request.GET.get("coach", "")))
    except ValueError:
        return ""
