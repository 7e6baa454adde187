"""Demo safety data for every participant."""

import random
from collections.abc import Sequence
from datetime import date

from organizations.models import Organization


def seed(organizations: Sequence[Organization], *, rng: random.Random, anchor: date) -> int:
    """Create demo rows for these organizations; returns the number of rows created."""
    return 0
