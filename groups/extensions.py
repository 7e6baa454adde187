"""Where apps above `groups` add a card to a group's page, or act when someone joins or leaves a
group (appointments plans their reminders), so `groups` never imports them."""

from collections.abc import Callable
from typing import Any

from groups.models import Group

GroupPanel = Callable[..., Any]

_panels: dict[str, GroupPanel] = {}


def register_group_panel(name: str, build: GroupPanel) -> None:
    """`build(group=...)` gives what the group's page shows as `name`."""
    _panels[name] = build


def group_panels(*, group: Group) -> dict[str, Any]:
    return {name: build(group=group) for name, build in _panels.items()}


# Called inside the transaction that adds or removes a member: `hook(group=..., participant=...)`.
MembersChanged = Callable[..., None]

_on_members_changed: list[MembersChanged] = []


def register_on_members_changed(hook: MembersChanged) -> None:
    if hook not in _on_members_changed:
        _on_members_changed.append(hook)


def members_changed(*, group: Group, participant: Any) -> None:
    for hook in _on_members_changed:
        hook(group=group, participant=participant)
