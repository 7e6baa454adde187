"""seed_demo builds the demo contract, the same way every time."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import User
from audit.models import AuditEvent
from audit.selectors import chains_to_verify, verify_chain
from cairn.demo import DEMO_PASSWORD, build_demo, seed_tour
from encounters.models import Encounter
from organizations.models import Membership, Role
from participants.models import Participant


def _snapshot() -> list[tuple[object, ...]]:
    return list(
        Participant.objects.order_by("id").values_list(
            "id", "preferred_name", "pronouns", "coach__username"
        )
    )


def test_demo_contract_accounts_exist_with_their_roles(db) -> None:
    out = StringIO()
    call_command("seed_demo", "--participants", "20", "--seed", "5", stdout=out)
    expected = {
        "ana": ("harbor", Role.COACH),
        "ben": ("harbor", Role.COACH),
        "sam": ("harbor", Role.SUPERVISOR),
        "mia": ("harbor", Role.MANAGER),
        "max": ("harbor", Role.ADMIN),
        "rio": ("riverside", Role.COACH),
        "pat": ("harbor", Role.PARTICIPANT),
        "luz": ("harbor", Role.PARTICIPANT),
    }
    for username, (org, role) in expected.items():
        membership = Membership.objects.get(user__username=username)
        assert (membership.organization.slug, membership.role) == (org, role)
        assert User.objects.get(username=username).check_password(DEMO_PASSWORD)
        assert username in out.getvalue()
    sam = Membership.objects.get(user__username="sam")
    team_coaches = set(
        Membership.objects.filter(team=sam.team, role=Role.COACH).values_list(
            "user__username", flat=True
        )
    )
    assert team_coaches == {"ana", "ben"}
    pat = Participant.objects.get(user__username="pat")
    assert pat.coach is not None and pat.coach.username == "ana"
    luz = Participant.objects.get(user__username="luz")
    assert luz.coach is not None and luz.coach.username == "ben"
    assert luz.portal_preference.language == "es"
    # The tour's Spanish-speaking participant comes on top of the people asked for.
    assert Participant.objects.count() == 20 + 1


@pytest.mark.django_db(transaction=True)
def test_same_seed_builds_the_same_rows() -> None:
    seed_tour(build_demo(participants=40, seed=9, anchor=date(2026, 1, 1)), anchor=date(2026, 1, 1))
    first = _snapshot()
    call_command(
        "seed_demo",
        "--reset",
        "--participants",
        "40",
        "--seed",
        "9",
        "--anchor-date",
        "2026-01-01",
        stdout=StringIO(),
    )
    assert _snapshot() == first
    call_command(
        "seed_demo",
        "--reset",
        "--participants",
        "40",
        "--seed",
        "10",
        "--anchor-date",
        "2026-01-01",
        stdout=StringIO(),
    )
    assert _snapshot() != first


def test_second_run_reuses_what_exists(db) -> None:
    call_command("seed_demo", "--participants", "5", stdout=StringIO())
    out = StringIO()
    call_command("seed_demo", "--participants", "5", stdout=out)
    assert "already here" in out.getvalue()
    assert Participant.objects.count() == 5 + 1  # and Luz, once


def test_large_demo_gets_extra_coaches_and_teams(db) -> None:
    build_demo(participants=400, seed=2, anchor=date(2026, 1, 1))
    coaches = Membership.objects.filter(role=Role.COACH, organization__slug="harbor")
    assert coaches.count() == 267 // 35
    loads = [
        Participant.objects.filter(coach=m.user).count() for m in coaches.select_related("user")
    ]
    assert max(loads) - min(loads) <= 1
    assert Membership.objects.filter(role=Role.SUPERVISOR).count() >= 2


def _network_snapshot() -> tuple[object, ...]:
    contacts = list(Encounter.objects.order_by("id").values_list("id", flat=True))
    history = list(
        AuditEvent.objects.filter(target_type="participants.participant")
        .order_by("chain", "seq")
        .values_list("request_id", flat=True)
    )
    return _snapshot(), contacts, history


@pytest.mark.django_db(transaction=True)
def test_a_network_seeds_the_same_rows_in_one_process_or_two() -> None:
    def build(workers: int) -> None:
        build_demo(
            participants=45,
            organizations=3,
            seed=4,
            anchor=date(2026, 1, 1),
            audit_events=300,
            workers=workers,
        )

    build(1)
    first = _network_snapshot()
    assert Encounter.objects.exists() and AuditEvent.objects.count() > 300
    call_command("flush", interactive=False, verbosity=0)
    build(2)
    assert _network_snapshot() == first
    assert all(verify_chain(chain).ok for chain in chains_to_verify(None))
    assert AuditEvent.objects.filter(organization__slug="northfield").count() > 100
