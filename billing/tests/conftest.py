"""The billing tests' shared setting: Harbor billing its demo Medicaid plan, and a batch of it."""

import pytest

from billing import demo as billing_demo
from billing.claims import build_batch
from billing.models import ClaimBatch, Payer
from cairn.demo import DemoWorld
from conftest import ANCHOR
from organizations.models import Membership


@pytest.fixture
def medicaid(demo: DemoWorld) -> Payer:
    billing_demo.seed(demo.organizations["harbor"], anchor=ANCHOR)
    return Payer.objects.get(name=billing_demo.MEDICAID)


def mia(demo: DemoWorld) -> Membership:
    return Membership.objects.select_related("user", "organization").get(
        organization=demo.organizations["harbor"], user=demo.users["mia"]
    )


@pytest.fixture
def batch(demo: DemoWorld, medicaid: Payer) -> ClaimBatch:
    built = build_batch(acting=mia(demo), payer=medicaid)
    assert built.batch is not None and built.batch.line_count >= 4
    return built.batch
