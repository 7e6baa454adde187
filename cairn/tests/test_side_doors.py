"""Side doors (issue 18): the matrix's URLs aimed where nobody may reach by them. An administrator
never reaches a participant's account, never changes their own role, team or sign-in, and a
change giving someone more access takes effect only when a second person approves it."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from cairn.tests import test_authorization_matrix as matrix
from cairn.tests.test_authorization_matrix import ADMIN, PERSONAS, SIGN_IN, Row, by_role
from organizations.models import AccessChange, AccessChangeStatus, Membership, Role

# The authorization matrix's world: both organizations, every persona, and Max's request that
# Ben become a supervisor, waiting for approval.
world = matrix.world


# A participant's account: every administrator gets 404, as if it did not exist.
SIDE_DOORS: dict[str, Row] = {
    "participant's account page": Row(
        by_role(ADMIN, ok=404, overrides={"river_admin": 404}),
        kwargs=lambda o: {"public_id": o["users"]["pat"].public_id},
    ),
    "participant's new sign-in link": Row(
        by_role(ADMIN, ok=404, overrides={"river_admin": 404}),
        kwargs=lambda o: {"public_id": o["users"]["pat"].public_id},
        method="post",
    ),
    "participant's deactivation": Row(
        by_role(ADMIN, ok=404, overrides={"river_admin": 404}),
        kwargs=lambda o: {"public_id": o["users"]["pat"].public_id},
    ),
    "participant's role, sent as a crafted form": Row(
        by_role(ADMIN, ok=404, overrides={"river_admin": 404}),
        kwargs=lambda o: {"public_id": o["users"]["pat"].public_id},
        method="post",
    ),
    "participant's deactivation, sent as a crafted form": Row(
        by_role(ADMIN, ok=404, overrides={"river_admin": 404}),
        kwargs=lambda o: {"public_id": o["users"]["pat"].public_id},
        method="post",
    ),
}
SIDE_DOOR_URLS = {
    "participant's account page": "organizations:person",
    "participant's new sign-in link": "organizations:person_new_link",
    "participant's deactivation": "organizations:person_active",
    "participant's role, sent as a crafted form": "organizations:person",
    "participant's deactivation, sent as a crafted form": "organizations:person_active",
}


@pytest.mark.parametrize("door", sorted(SIDE_DOORS))
def test_side_doors_to_a_participants_account_are_shut(world: dict[str, Any], door: str) -> None:
    row = SIDE_DOORS[door]
    url = reverse(SIDE_DOOR_URLS[door], kwargs=row.kwargs(world))
    failures = []
    for persona in PERSONAS:
        client = Client()
        if persona != "anonymous":
            client.force_login(world["users"][persona])
        response = getattr(client, row.method)(url)
        expected = row.expected[persona]
        if expected == SIGN_IN:
            good = response.status_code == 302
        else:
            good = response.status_code == expected
        if not good:
            failures.append(f"{persona}: expected {expected}, got {response.status_code}")
    assert not failures, f"{door} ({url}):\n" + "\n".join(failures)


def test_no_administrator_raises_their_own_access(world: dict[str, Any]) -> None:
    """Role, team, switching off and on, a new sign-in link: none on one's own account, not
    even as a request for someone else to approve."""
    for admin in ("max", "river_admin"):
        user = world["users"][admin]
        password = User.objects.get(pk=user.pk).password
        client = Client()
        client.force_login(user)
        kwargs = {"public_id": user.public_id}
        url = reverse("organizations:person", kwargs=kwargs)
        for role in (Role.MANAGER, Role.SUPERVISOR, Role.COACH):
            client.post(url, {"role": role, "team": world["team"].pk})
            assert Membership.objects.get(user=user).role == Role.ADMIN, (admin, role)
        client.post(reverse("organizations:person_active", kwargs=kwargs))
        client.post(reverse("organizations:person_new_link", kwargs=kwargs))
        membership = Membership.objects.get(user=user)
        assert (membership.is_active, membership.team_id) == (True, None)
        assert User.objects.get(pk=user.pk).password == password
        assert not AccessChange.objects.filter(membership=membership).exists()
        assert client.get(reverse("participants:list")).status_code in (403, 404)


# Deciding an access change (Max asked for Ben to become a supervisor): only a second person
# with the right to approve (Mia, harbor's manager) can; Max, who asked, is refused and nothing
# changes; other roles get 403 and the other organization 404.
DECIDERS = {
    **by_role({Role.MANAGER, Role.ADMIN}, ok=302, overrides={"river_mgr": 404, "river_admin": 404}),
    "anonymous": SIGN_IN,
}


def test_only_a_second_person_approves_an_access_change(world: dict[str, Any]) -> None:
    change = world["access_change"]
    url = reverse("organizations:access_decide", kwargs={"change_id": change.public_id})
    failures = []
    for persona in [p for p in PERSONAS if p != "mia"] + ["mia"]:
        client = Client()
        if persona != "anonymous":
            client.force_login(world["users"][persona])
        response = client.post(url, {"decision": "approve"})
        expected = DECIDERS[persona]
        if expected == SIGN_IN:
            good = response.status_code == 302 and response["Location"].startswith(
                "/accounts/login/?next="
            )
        else:
            good = response.status_code == expected
        if not good:
            failures.append(f"{persona}: expected {expected}, got {response.status_code}")
        ben = Membership.objects.get(user=world["users"]["ben"])
        change.refresh_from_db()
        if persona != "mia" and (ben.role, change.status) != (
            Role.COACH,
            AccessChangeStatus.WAITING,
        ):
            failures.append(f"{persona}: the change took effect")
    assert not failures, "\n".join(failures)
    assert Membership.objects.get(user=world["users"]["ben"]).role == Role.SUPERVISOR
    assert change.decided_by == world["users"]["mia"]
