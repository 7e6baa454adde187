"""The organization administrator's screens: invite, roles, teams, deactivation, switching."""

from django.test import Client

from accounts.models import User
from audit.models import Action, AuditEvent
from cairn.demo import DemoWorld
from organizations.models import AccessChange, Membership, Role, Team


def test_admin_invites_person_without_email(demo: DemoWorld, client_for) -> None:
    client = client_for("max")
    response = client.post(
        "/organization/people/invite/",
        {"username": "jo", "preferred_name": "Jo", "email": "", "role": Role.COACH, "team": ""},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "A sign-in link for Jo" in page
    assert "/accounts/welcome/" in page
    assert "sign in once a program manager or another administrator approves" in page
    jo = User.objects.get(username="jo")
    assert not jo.has_usable_password()
    membership = Membership.objects.get(user=jo)
    assert (membership.organization.slug, membership.role) == ("harbor", Role.COACH)
    assert not membership.is_active  # a new account waits for a second person
    created = AuditEvent.objects.get(action=Action.CREATE, target_id=str(jo.public_id))
    assert created.actor == demo.users["max"]
    assert "role" in created.changed_fields
    change = AccessChange.objects.get(membership=membership)
    client_for("mia").post(f"/organization/access/{change.public_id}/", {"decision": "approve"})
    assert Membership.objects.get(user=jo).is_active


def test_invite_form_keeps_input_and_explains_a_taken_username(demo, client_for) -> None:
    response = client_for("max").post(
        "/organization/people/invite/",
        {"username": "ANA", "preferred_name": "Another Ana", "email": "", "role": "coach"},
    )
    page = response.content.decode()
    assert "That username is taken" in page
    assert 'value="Another Ana"' in page
    assert User.objects.filter(username__iexact="ana").count() == 1


def test_admin_changes_role_and_team(demo: DemoWorld, client_for) -> None:
    team = Team.objects.create(organization=demo.organizations["harbor"], name="Night line")
    ben = demo.users["ben"]
    response = client_for("max").post(
        f"/organization/people/{ben.public_id}/", {"role": Role.SUPERVISOR, "team": team.pk}
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user=ben)
    assert (membership.role, membership.team) == (Role.COACH, membership.team)  # not yet
    change = AccessChange.objects.get(membership=membership)
    client_for("mia").post(f"/organization/access/{change.public_id}/", {"decision": "approve"})
    membership = Membership.objects.get(user=ben)
    assert (membership.role, membership.team) == (Role.SUPERVISOR, team)
    event = AuditEvent.objects.get(action=Action.ACCESS_APPROVED)
    assert event.changed_fields == ["role", "team"]
    assert event.actor == demo.users["mia"]


def test_deactivation_asks_first_then_signs_person_out(demo: DemoWorld, client_for) -> None:
    ben_client = client_for("ben")
    assert ben_client.get("/today/").status_code == 200
    admin = client_for("max")
    url = f"/organization/people/{demo.users['ben'].public_id}/active/"
    confirm = admin.get(url)
    assert "Deactivate Ben?" in confirm.content.decode()
    assert Membership.objects.get(user=demo.users["ben"]).is_active
    admin.post(url)
    assert not Membership.objects.get(user=demo.users["ben"]).is_active
    assert ben_client.get("/today/").status_code == 403
    admin.post(url)  # switching back on gives access again: it waits for a second person
    assert not Membership.objects.get(user=demo.users["ben"]).is_active
    change = AccessChange.objects.get(membership__user=demo.users["ben"])
    client_for("mia").post(f"/organization/access/{change.public_id}/", {"decision": "approve"})
    assert Membership.objects.get(user=demo.users["ben"]).is_active
    assert ben_client.get("/today/").status_code == 200


def test_admin_cannot_deactivate_themselves(demo: DemoWorld, client_for) -> None:
    client = client_for("max")
    client.post(f"/organization/people/{demo.users['max'].public_id}/active/")
    assert Membership.objects.get(user=demo.users["max"]).is_active


def test_people_list_searches_filters_and_shows_empty_state(demo, client_for) -> None:
    client = client_for("max")
    everyone = client.get("/organization/people/").content.decode()
    assert "Ana" in everyone and "Rio" not in everyone
    coaches = client.get("/organization/people/", {"role": "coach"}).content.decode()
    assert "ana" in coaches and ">mia<" not in coaches
    nobody = client.get("/organization/people/", {"q": "nobody-here"}).content.decode()
    assert "No one matches that search." in nobody


def test_admin_of_one_organization_gets_404_for_another_organizations_person(demo, client_for):
    response = client_for("max").get(f"/organization/people/{demo.users['rio'].public_id}/")
    assert response.status_code == 404


def test_teams_are_created_and_renamed_without_duplicates(demo: DemoWorld, client_for) -> None:
    client = client_for("max")
    client.post("/organization/teams/", {"name": "Outreach"})
    team = Team.objects.get(name="Outreach")
    duplicate = client.post("/organization/teams/", {"name": "outreach"})
    assert "A team with that name already exists." in duplicate.content.decode()
    client.post(f"/organization/teams/{team.pk}/", {"name": "Street outreach"})
    team.refresh_from_db()
    assert team.name == "Street outreach"


def test_non_admin_roles_cannot_open_administration(demo: DemoWorld, client_for) -> None:
    response = client_for("mia").get("/organization/people/")
    assert response.status_code == 403
    assert "This page isn" in response.content.decode()
    assert AuditEvent.objects.filter(action=Action.PERMISSION_DENIED, role="manager").exists()


def test_person_in_two_organizations_switches_current_one(demo: DemoWorld) -> None:
    ana = demo.users["ana"]
    Membership.objects.create(
        organization=demo.organizations["riverside"], user=ana, role=Role.MANAGER
    )
    client = Client()
    client.force_login(ana)
    page = client.get("/today/").content.decode()
    assert "Working in" in page and "Riverside Peer Center" in page
    client.post("/organization/switch/", {"organization": "riverside"})
    listing = client.get("/participants/").content.decode()
    assert "Riverside Peer Center" in listing
    assert ">Pat<" not in listing
    refused = client.post("/organization/switch/", {"organization": "elsewhere"}, follow=True)
    assert "That organization is not one of yours." in refused.content.decode()


def test_admin_sets_the_quiet_spell_for_the_gentle_flag(demo: DemoWorld, client_for) -> None:
    client = client_for("max")
    refused = client.post(
        "/organization/settings/",
        {
            "name": "Harbor Recovery Community",
            "time_zone": "America/New_York",
            "out_of_touch_days": 1,
        },
    )
    assert "Choose between 3 and 365 days." in refused.content.decode()
    client.post(
        "/organization/settings/",
        {
            "name": "Harbor Recovery Community",
            "time_zone": "America/Chicago",
            "out_of_touch_days": 30,
            "cosign_all_notes": "on",
            "reports_suprt": "on",  # as the demo has it
        },
    )
    harbor = demo.organizations["harbor"]
    harbor.refresh_from_db()
    assert (harbor.out_of_touch_days, harbor.time_zone) == (30, "America/Chicago")
    assert harbor.cosign_all_notes
    event = AuditEvent.objects.get(target_type="organizations.organization", action=Action.UPDATE)
    assert event.changed_fields == ["cosign_all_notes", "out_of_touch_days", "time_zone"]


def test_an_admin_cannot_make_themself_a_manager_even_by_a_crafted_request(
    demo: DemoWorld, client_for
) -> None:
    """Issue 18, finding 1: max posted role=manager to his own page and read Pat's record."""
    max_client = client_for("max")
    own = f"/organization/people/{demo.users['max'].public_id}/"
    page = max_client.get(own).content.decode()
    assert "This is your own account." in page and 'name="role"' not in page
    refused = max_client.post(own, {"role": Role.MANAGER, "team": ""}, follow=True)
    assert "You cannot change your own role, team or access." in refused.content.decode()
    assert Membership.objects.get(user=demo.users["max"]).role == Role.ADMIN
    assert max_client.get("/participants/").status_code in (403, 404)
    assert not AuditEvent.objects.filter(
        action=Action.UPDATE, target_id=str(demo.users["max"].public_id)
    ).exists()


def test_an_admin_cannot_take_over_a_participants_sign_in(demo: DemoWorld, client_for) -> None:
    """Issue 18, finding 2: max made a new sign-in link for pat and signed in as pat."""
    pat = demo.users["pat"]
    max_client = client_for("max")
    password_before = User.objects.get(pk=pat.pk).password
    assert max_client.post(f"/organization/people/{pat.public_id}/new-link/").status_code == 404
    assert max_client.get(f"/organization/people/{pat.public_id}/").status_code == 404
    assert (
        max_client.post(
            f"/organization/people/{pat.public_id}/", {"role": Role.MANAGER}
        ).status_code
        == 404
    )
    assert User.objects.get(pk=pat.pk).password == password_before
    assert Membership.objects.get(user=pat).role == Role.PARTICIPANT


def test_an_admin_cannot_renew_their_own_sign_in_link(demo: DemoWorld, client_for) -> None:
    max_user = demo.users["max"]
    password_before = User.objects.get(pk=max_user.pk).password
    client_for("max").post(f"/organization/people/{max_user.public_id}/new-link/")
    assert User.objects.get(pk=max_user.pk).password == password_before


def test_the_people_list_neither_lists_nor_counts_participants(demo: DemoWorld, client_for) -> None:
    """Issue 18, finding 5: `?role=participant` showed who is a participant."""
    client = client_for("max")
    for query in ({}, {"role": "participant"}, {"q": "pat"}):
        page = client.get("/organization/people/", query).content.decode()
        assert str(demo.users["pat"].public_id) not in page, query
        assert 'value="participant"' not in page
    everyone = client.get("/organization/people/").content.decode()
    assert "Ana" in everyone
