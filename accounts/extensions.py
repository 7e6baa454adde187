"""Where the apps above `accounts` plug into sign-in and sessions, so `accounts` never imports them.

Registered from their `AppConfig.ready()`: the safety app gives the organization's local crisis
lines that the second sign-in step shows beside 988; the portal tells whether a participant said
their phone or computer is shared (portal settings).
"""

from collections.abc import Callable, Sequence
from typing import Any

from accounts.models import AnyUser

CrisisLines = Callable[[int | None], Sequence[Any]]
SharedDeviceChoice = Callable[[Any], bool]

_crisis_lines: list[CrisisLines] = []
_shared_device_choice: list[SharedDeviceChoice] = []


def register_crisis_help_lines(lines: CrisisLines) -> None:
    """`lines(organization_id)` gives the local lines shown with 988 before sign-in."""
    _crisis_lines[:] = [lines]


def crisis_help_lines(organization_id: int | None) -> list[Any]:
    return [line for lines in _crisis_lines for line in lines(organization_id)]


def register_shared_device_choice(chosen: SharedDeviceChoice) -> None:
    """`chosen(user)` says whether this participant marked their device as shared."""
    _shared_device_choice[:] = [chosen]


def chose_shared_device(user: AnyUser) -> bool:
    return any(chosen(user) for chosen in _shared_device_choice)
