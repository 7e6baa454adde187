"""Reading a person's own notices: the last month's changes to their sign-in."""

from collections.abc import Iterable

from accounts.models import Notice, NoticeKind, PortalCode, User

# What a participant is shown on their portal home: changes to their own sign-in.
PORTAL_KINDS = frozenset({NoticeKind.PORTAL_SIGN_IN_SET_UP, NoticeKind.PORTAL_PASSWORD_RESET})
# Every change to someone's own sign-in, kept on their Sign-in security page.
SIGN_IN_KINDS = PORTAL_KINDS | {NoticeKind.PASSWORD_SET, NoticeKind.SIGN_IN_LINK}


def recent_notices(*, user: User, kinds: Iterable[str] | None = None) -> list[Notice]:
    """The last month's notices, newest first: kept in view after the sign-in message."""
    notices = Notice.objects.filter(user=user).recent()
    if kinds is not None:
        notices = notices.filter(kind__in=list(kinds))
    return list(notices[:10])


def code_organization_id(code_id: int) -> int | None:
    """The organization a one-time code belongs to (for its crisis lines), if the code exists."""
    return PortalCode.objects.filter(pk=code_id).values_list("organization_id", flat=True).first()
