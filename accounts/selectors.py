"""Reading a person's own notices (the last month's changes to their sign-in), and the names
staff are shown by."""

from collections.abc import Iterable

from accounts.models import NAME_COLUMNS, Notice, NoticeKind, PortalCode, User

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


def display_names(user_ids: Iterable[int]) -> dict[int, str]:
    """Each account's name as shown (`User.display_name`), read once for many rows that name the
    same few people (a bulk export's signers), with no other column of the account."""
    wanted = {pk for pk in user_ids if pk is not None}
    if not wanted:
        return {}
    rows = User.objects.filter(pk__in=wanted).only("id", *NAME_COLUMNS)
    return {user.pk: user.display_name for user in rows}
