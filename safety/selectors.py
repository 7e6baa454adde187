"""Reads for the safety app that other pages show."""

from typing import Any

from participants.models import Participant


def overview_panel(*, participant: Participant) -> dict[str, Any]:
    """What the participant overview shows about safety (one card)."""
    return {}
