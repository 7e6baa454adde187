"""Notices to one person, by their own way in: their sign-in changed, or an access change waits
for them. Left inside the transaction of the change they tell about (which writes its audit)."""

from collections.abc import Iterable

from django.contrib import messages
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import Notice, NoticeKind, User
from organizations.models import Organization


def leave_notice(*, user: User, organization: Organization | None, kind: NoticeKind) -> Notice:
    return Notice.objects.create(user=user, organization=organization, kind=kind)


def leave_notices(
    *, users: Iterable[User], organization: Organization, kind: NoticeKind
) -> list[Notice]:
    return Notice.objects.bulk_create(
        [Notice(user=user, organization=organization, kind=kind) for user in users]
    )


def show_new_notices(*, request: HttpRequest, user: User) -> int:
    """At sign-in: each notice not shown yet becomes a message on the first page, once."""
    if not hasattr(request, "_messages"):
        return 0  # a sign-in without a browser session (a test's force_login): keep them
    waiting = list(Notice.objects.filter(user=user, shown_at__isnull=True).order_by("created_at"))
    for notice in waiting:
        messages.info(request, notice.describe())
    if waiting:
        Notice.objects.filter(pk__in=[n.pk for n in waiting]).update(shown_at=timezone.now())
    return len(waiting)
