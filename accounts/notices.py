"""Notices to one person, by their own way in: their sign-in changed, or an access change waits
for them. Left inside the transaction of the change they tell about (which writes its audit).

A staff member whose sign-in changed is also emailed at their own address, when they have one,
once the change is committed: whoever made the link may be the one who signs in next, so a
message at sign-in alone could be read and dismissed by them. The email holds no link and no
code, only what happened and when."""

import logging
from collections.abc import Iterable, Sequence

from django.contrib import messages
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Notice, NoticeKind, User
from organizations.extensions import News
from organizations.models import Organization

logger = logging.getLogger(__name__)

# Staff sign-in changes; a participant's are told in the portal and by their coach, never by
# email (a message from a recovery program on a shared inbox could itself disclose).
EMAILED_KINDS = frozenset({NoticeKind.PASSWORD_SET, NoticeKind.SIGN_IN_LINK})

EMAIL_SUBJECT = _("Your Cairn sign-in changed")


def leave_notice(*, user: User, organization: Organization | None, kind: NoticeKind) -> Notice:
    notice = Notice.objects.create(user=user, organization=organization, kind=kind)
    if kind in EMAILED_KINDS and user.email:
        transaction.on_commit(lambda: email_notice(notice=notice, address=user.email))
    return notice


def email_notice(*, notice: Notice, address: str) -> bool:
    """Send one notice to the account holder's own address; a failure is logged without the
    address and does not undo the change (the notice still waits at their next sign-in)."""
    lines = [notice.describe()]
    if notice.organization is not None:
        lines.append(str(_("Organization: %(name)s")) % {"name": notice.organization.name})
    lines.append(str(_("This message holds no link. Nothing needs doing if it was you.")))
    try:
        send_mail(str(EMAIL_SUBJECT), "\n\n".join(lines), None, [address])
    except Exception:  # noqa: BLE001 - any mail failure is the same to the person: told later
        logger.warning("notice email not sent (notice %s)", notice.pk)
        return False
    return True


def leave_notices(
    *, users: Iterable[User], organization: Organization, kind: NoticeKind
) -> list[Notice]:
    return Notice.objects.bulk_create(
        [Notice(user=user, organization=organization, kind=kind) for user in users]
    )


# What organizations tells people about, as the notice each becomes.
NOTICE_FOR_NEWS = {
    News.SIGN_IN_LINK: NoticeKind.SIGN_IN_LINK,
    News.ACCESS_CHANGE_WAITING: NoticeKind.ACCESS_CHANGE_WAITING,
}


def tell_about_organization_news(
    users: Sequence[AbstractBaseUser], organization: Organization, news: News
) -> None:
    """Registered with `organizations.extensions`: one notice each (and an email where the kind
    is emailed), inside the transaction of the change."""
    kind = NOTICE_FOR_NEWS[news]
    accounts = [user for user in users if isinstance(user, User)]
    if len(accounts) == 1:
        leave_notice(user=accounts[0], organization=organization, kind=kind)
    else:
        leave_notices(users=accounts, organization=organization, kind=kind)


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
