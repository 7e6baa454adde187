"""Where the apps above `encounters` plug into Today and into signing, so `encounters` never
imports them.

Each app registers from its `AppConfig.ready()` a list Today's template reads by name (a consent
about to end, a call asked for from the portal). Apps below `encounters` (assessments) are read
directly: `encounters.selectors.TODAY_SECTIONS`.
"""

from collections.abc import Callable
from datetime import date
from typing import Any

from organizations.models import Membership
from participants.models import Participant

TodayList = Callable[..., list[Any]]

_lists: dict[str, TodayList] = {}


def register_today_list(name: str, build: TodayList) -> None:
    """`build(membership=..., today=...)` gives the rows Today shows as `name`, usually about
    the member's own open caseload (`participants.selectors.own_open_caseload_of`, from ids,
    so the query can be prepared: lib.prepared)."""
    _lists[name] = build


def today_lists(*, membership: Membership, today: date) -> dict[str, list[Any]]:
    return {name: build(membership=membership, today=today) for name, build in _lists.items()}


# Apps that act when a note is signed (billing works out the contact's billable line). Each is
# called inside the signing transaction with `acting=` and `encounter=`, and must not raise.
SignedHook = Callable[..., None]

_on_signed: list[SignedHook] = []


def register_on_signed(hook: SignedHook) -> None:
    if hook not in _on_signed:
        _on_signed.append(hook)


def signed_hooks() -> tuple[SignedHook, ...]:
    return tuple(_on_signed)


# Short notes the note editor shows about the person (billing: units left on an authorization).
# `build(participant)` gives sentences already in the reader's language; it must not raise.
EditorNotice = Callable[[Participant], list[str]]

_editor_notices: list[EditorNotice] = []


def register_editor_notice(build: EditorNotice) -> None:
    if build not in _editor_notices:
        _editor_notices.append(build)


def editor_notices(participant: Participant) -> list[str]:
    return [line for build in _editor_notices for line in build(participant)]
