"""Reads for the plans app that other pages show."""

from typing import Any

from participants.models import Participant


def overview_panel(*, participant: Participant) -> dict[str, Any]:
    """What the participant overview shows about plans (one card)."""
    return {}
