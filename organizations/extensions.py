"""Where the apps above `organizations` plug into its pages, so `organizations` never imports them.

"Who has access" shows, beside roles and teams, what `participants` registers from its
`AppConfig.ready()`: the emergency (break-glass) access open now.
"""

from collections.abc import Callable
from typing import Any

from organizations.models import Organization

AccessPagePart = Callable[[Organization], Any]

_access_page_parts: dict[str, AccessPagePart] = {}


def register_access_page_part(name: str, build: AccessPagePart) -> None:
    """`build(organization)` gives what the "Who has access" template reads as `name`."""
    _access_page_parts[name] = build


def access_page_parts(organization: Organization) -> dict[str, Any]:
    return {name: build(organization) for name, build in _access_page_parts.items()}
