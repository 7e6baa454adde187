"""One-time submits: a create form carries a key issued when it is shown; the first POST with it
creates, and any later POST with the same key (a double click, a resend, a second tab, the same
form arriving twice at once) is answered with the first result instead of making a second row.

A view takes part in three small steps:
- its form mixes in `OneTimeKeyForm` (the hidden `submit_key` field, a fresh key on every
  new form) and its template renders the field;
- the view is wrapped in `@one_time_submit` (after the access decorator), which answers a key
  already used before the view does any work;
- the view's write goes through `create_once(request, create=..., location=...)`, which records
  the key in the same transaction as the write. The unique constraint on the key, not a read
  first, is what makes two simultaneous submits create once: the second waits for the first's
  transaction, fails to record the key, is rolled back whole, and gets the first result.
"""

import functools
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Generic, Protocol, TypeVar

from django import forms
from django.contrib import messages
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from lib.models import SubmitKey

KEY_FIELD = "submit_key"
# A form left open longer than this and sent again creates anew; the rows are tiny, but not
# kept for ever (`forget_old_submit_keys`, run with the daily purge).
KEEP_KEYS = timedelta(days=30)

T = TypeVar("T")


class Member(Protocol):
    """What a key needs of the request's membership (set by the current-organization
    middleware): whose key it is, in which organization."""

    organization_id: int
    user_id: int


ViewFunc = Callable[..., HttpResponse]
Answer = Callable[[HttpRequest, SubmitKey], HttpResponse]


class OneTimeKeyForm(forms.Form):
    """Mix into a create form, before `forms.Form` or `forms.ModelForm`.

    The key is optional for validation: a client that sends none gets no protection against
    sending twice, but a form Cairn shows always carries one (the one-time submit matrix test
    checks every create page)."""

    submit_key = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial[KEY_FIELD] = uuid.uuid4()

    def full_clean(self) -> None:
        # The key is the view's business (`create_once` reads it from the POST): forms whose
        # cleaned data go to a service whole must not pass it on.
        super().full_clean()
        if hasattr(self, "cleaned_data"):
            self.cleaned_data.pop(KEY_FIELD, None)


def posted_key(request: HttpRequest) -> uuid.UUID | None:
    raw = request.POST.get(KEY_FIELD, "") if request.method == "POST" else ""
    try:
        return uuid.UUID(str(raw))
    except ValueError:
        return None


def earlier_submit(request: HttpRequest) -> SubmitKey | None:
    """The first submit of this POST's form, if its key was used before by this member."""
    key = posted_key(request)
    membership: Member | None = getattr(request, "membership", None)
    if key is None or membership is None:
        return None
    return SubmitKey.objects.filter(
        organization_id=membership.organization_id, submitted_by_id=membership.user_id, key=key
    ).first()


def already_saved(request: HttpRequest, earlier: SubmitKey) -> HttpResponse:
    """The usual answer to a form sent again: where the first submit led, said calmly. A form
    sent by htmx is told to load that page whole (the swap it expected has already happened)."""
    messages.info(request, _("This form was already saved; nothing was added twice."))
    if request.headers.get("HX-Request"):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = earlier.location
        return response
    return redirect(earlier.location)


class AlreadySubmitted(Exception):
    """This form's key was recorded by an earlier submit (perhaps a moment ago, in parallel)."""

    def __init__(self, earlier: SubmitKey) -> None:
        super().__init__("form already submitted")
        self.earlier = earlier


def one_time_submit(view: ViewFunc | None = None, *, answer: Answer = already_saved) -> Any:
    """Answer a POST whose key was already used with `answer` (by default: back where the first
    submit led), before the view reads or validates anything; and the same when `create_once`
    finds the key taken by a submit that finished meanwhile."""

    def decorator(inner: ViewFunc) -> ViewFunc:
        @functools.wraps(inner)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            earlier = earlier_submit(request)
            if earlier is not None:
                return answer(request, earlier)
            try:
                return inner(request, *args, **kwargs)
            except AlreadySubmitted as again:
                return answer(request, again.earlier)

        wrapped.cairn_one_time = True  # type: ignore[attr-defined]
        return wrapped

    return decorator(view) if view is not None else decorator


def public_id(obj: object) -> str:
    """How a created object is named in the key's row: its public id, never its content."""
    if isinstance(obj, Model):
        return str(getattr(obj, "public_id", None) or obj.pk)
    return ""


@dataclass(frozen=True)
class Created(Generic[T]):
    """What the first submit made, and the page it leads to."""

    obj: T
    location: str


def create_once(
    request: HttpRequest,
    *,
    create: Callable[[], T],
    location: Callable[[T], str],
    target: Callable[[T], object] = public_id,
) -> Created[T]:
    """Run `create` (a write service) and record this POST's key in the same transaction.

    Raises `AlreadySubmitted` when the key is already recorded: the write is rolled back and
    `@one_time_submit` answers with the first result. Without a key (a client that sends
    none), the write happens as usual."""
    membership: Member = request.membership  # type: ignore[attr-defined]
    key = posted_key(request) or uuid.uuid4()
    try:
        with transaction.atomic():
            row = SubmitKey.objects.create(
                organization_id=membership.organization_id,
                submitted_by_id=membership.user_id,
                key=key,
            )
            obj = create()
            row.target_id = str(target(obj))[:64]
            row.location = location(obj)[:500]
            row.save(update_fields=["target_id", "location"])
    except IntegrityError:
        earlier = SubmitKey.objects.filter(
            organization_id=membership.organization_id, submitted_by_id=membership.user_id, key=key
        ).first()
        if earlier is None:  # the write itself broke a rule; not ours to hide
            raise
        raise AlreadySubmitted(earlier) from None
    return Created(obj, row.location)


def forget_old_submit_keys(*, now: Any = None) -> int:
    """Remove keys older than `KEEP_KEYS`; returns how many went."""
    cutoff = (now or timezone.now()) - KEEP_KEYS
    deleted, _per_model = SubmitKey.objects.filter(created_at__lt=cutoff).delete()
    return deleted
