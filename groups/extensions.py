"""Where apps above `groups` add a card to a group's page, so `groups` never imports them."""

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
