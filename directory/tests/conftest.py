"""The directory tests' two keepers: Harbor's manager with the demo listings, and a manager of
Riverside, whose directory is empty."""

from datetime import date

import pytest

from accounts.models import User
from cairn.demo import DemoWorld
from directory import demo as directory_demo
from organizations.models import Membership, Role

ANCHOR = date(2026, 12, 4)


@pytest.fixture
def harbor(demo: DemoWorld) -> Membership:
    directory_demo.seed(demo.organizations["harbor"], anchor=ANCHOR)
    return Membership.objects.get(user=demo.users["mia"], organization=demo.organizations["harbor"])


@pytest.fixture
def riverside(demo: DemoWorld) -> Membership:
    """A manager of the other organization, whose directory is empty."""
    user = User.objects.create(username="river_keeper", preferred_name="Rey")
    return Membership.objects.create(
        organization=demo.organizations["riverside"], user=user, role=Role.MANAGER
    )
