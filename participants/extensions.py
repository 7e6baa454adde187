"""Where the apps above `participants` plug into it, so `participants` never imports them.

Each app registers from its `AppConfig.ready()`: its card on the participant overview (a name the
overview template reads, and a selector that builds it), and what it re-files when two records of
one person are merged.
"""

from collections.abc import Callable
from typing import Any

from organizations.models import Membership
from participants.models import Participant

OverviewPanel = Callable[..., Any]
MergeStep = Callable[..., object]

_overview_panels: dict[str, OverviewPanel] = {}
_merge_steps: dict[str, MergeStep] = {}


def register_overview_panel(name: str, build: OverviewPanel) -> None:
    """`build(participant=...)` gives what the overview shows as `name` (one app's card)."""
    _overview_panels[name] = build


def overview_panels(*, participant: Participant) -> dict[str, Any]:
    """Every registered card, by the name the overview template reads."""
    return {name: build(participant=participant) for name, build in _overview_panels.items()}


def register_merge_step(name: str, step: MergeStep) -> None:
    """`step(acting=..., participant=...)` runs inside the merge's transaction, after the
    source's rows have moved to the kept record."""
    _merge_steps[name] = step


def run_merge_steps(*, acting: Membership, participant: Participant) -> None:
    for step in _merge_steps.values():
        step(acting=acting, participant=participant)
