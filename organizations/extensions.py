"""Where the apps above `organizations` plug into it, so `organizations` never imports them.

- "Who has access" shows, beside roles and teams, what `participants` registers from its
  `AppConfig.ready()`: the emergency (break-glass) access open now.
- What an administrator does to someone's account is told to them, and a change waiting for
  approval to those who may approve, the way `accounts` registers: a notice at their next
  sign-in, and an email where the account has an address.
- When someone's account in an organization is closed (deactivated), the apps that keep
  something of theirs that must not outlive it act, as `supervision` registers: their private
  journal there is deleted.
"""

from collections.abc import Callable, Sequence
from enum import StrEnum
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ImproperlyConfigured

from organizations.models import Organization

AccessPagePart = Callable[[Organization], Any]

_access_page_parts: dict[str, AccessPagePart] = {}


def register_access_page_part(name: str, build: AccessPagePart) -> None:
    """`build(organization)` gives what the "Who has access" template reads as `name`."""
    _access_page_parts[name] = build


def access_page_parts(organization: Organization) -> dict[str, Any]:
    return {name: build(organization) for name, build in _access_page_parts.items()}


class News(StrEnum):
    """What `organizations` tells account holders about."""

    SIGN_IN_LINK = "sign_in_link"  # an administrator made a new sign-in link for their account
    ACCESS_CHANGE_WAITING = "access_waiting"  # a change of access waits for their approval


Tell = Callable[[Sequence[AbstractBaseUser], Organization, News], None]

_tellers: list[Tell] = []


def register_teller(tell: Tell) -> None:
    """`tell(users, organization, news)` reaches each person, inside the caller's transaction."""
    _tellers[:] = [tell]


def tell(*, users: Sequence[AbstractBaseUser], organization: Organization, news: News) -> None:
    if not _tellers:
        raise ImproperlyConfigured("No app registered how to tell people (accounts does).")
    if users:
        _tellers[0](users, organization, news)


# Called inside the transaction that deactivates a membership, with `acting=` and `membership=`.
ClosedHook = Callable[..., object]

_on_closed: list[ClosedHook] = []


def register_on_closed(hook: ClosedHook) -> None:
    if hook not in _on_closed:
        _on_closed.append(hook)


def closed_hooks() -> tuple[ClosedHook, ...]:
    return tuple(_on_closed)
