"""The referral list reads a fixed number of queries however many referrals it pages through."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cairn.demo import DemoWorld
from consent.models import Disclosure
from directory.models import Need, ResourceOrganization, Service
from participants.models import Participant
from referrals.models import Referral, ReferralState


def _refer(demo: DemoWorld, how_many: int) -> None:
    harbor = demo.organizations["harbor"]
    provider = ResourceOrganization.objects.create(organization=harbor, name="Pantry")
    service = Service.objects.create(
        organization=harbor, provider=provider, name="Pantry", need=Need.FOOD
    )
    people = Participant.objects.filter(organization=harbor, coach=demo.users["ana"])[:how_many]
    for person in people:
        Referral.objects.create(
            organization=harbor,
            participant=person,
            service=service,
            disclosure=Disclosure.objects.create(
                organization=harbor,
                participant=person,
                legal_basis="consent",
                recipient="Pantry",
                purpose="Referral",
                categories=["contact"],
                disclosed_by=demo.users["ana"],
                document_sha256="0" * 64,
            ),
            need=Need.FOOD,
            categories=["contact"],
            state=ReferralState.SENT,
            sent_by=demo.users["ana"],
            sent_at=timezone.now(),
        )


def _count(client, path: str) -> int:
    client.get(path)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len([q for q in queries if "SAVEPOINT" not in q["sql"]])


def test_the_referral_list_reads_the_same_at_four_times_the_rows(demo, client_for) -> None:
    _refer(demo, 2)
    ana = client_for("ana")
    once = _count(ana, "/referrals/")
    assert once == 11  # the pin's 10 and one page of rows with people, services and partners
    _refer(demo, 8)
    assert _count(ana, "/referrals/") == once


def test_pats_portal_page_reads_the_same_at_four_times_the_rows(demo, client_for) -> None:
    pat = client_for("pat")
    empty = _count(pat, "/me/referrals/")
    _refer(demo, 100)  # ana's caseload, Pat among them
    assert _count(pat, "/me/referrals/") == empty
