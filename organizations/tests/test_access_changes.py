"""Separation of duties (issue 18, finding 1): nobody changes their own access, and a change that
gives someone more access waits until a second person approves it; the one who asked never can."""

import html
import re
from datetime import timedelta

from django.test import Client
from django.utils import timezone
from django.utils.html import strip_tags

from accounts.models import Notice, NoticeKind, User
from audit.models import Action, AuditEvent
from cairn.demo import DEMO_PASSWORD, DemoWorld
from organizations.models import AccessChange, AccessChangeStatus, Membership, Role, Team
from participants.models import EmergencyAccess, Participant

BLOCK = re.compile(r"</?(?:td|th|tr|li|p|h1|h2|div|section|br|dt|dd|table)\b[^>]*>")


def words(markup: str) -> str:
    """Markup's words as a person reads them: cells, items and paragraphs apart."""
    return re.sub(r"\s+", " ", html.unescape(strip_tags(BLOCK.sub(" ", markup)))).strip()


def text(response) -> str:
    return words(response.content.decode())


def _ask(client: Client, user: User, **values) -> None:
    """The person form as the administrator sends it; the team stays unless given."""
    team = Membership.objects.get(user=user).team_id
    client.post(f"/organization/people/{user.public_id}/", {"team": team or "", **values})


def _decide(client: Client, change: AccessChange, decision: str):
    return client.post(
        f"/organization/access/{change.public_id}/", {"decision": decision}, follow=True
    )


def _membership(user: User) -> Membership:
    return Membership.objects.get(user=user)


def test_max_making_himself_manager_by_a_crafted_post_changes_nothing(
    demo: DemoWorld, client_for
) -> None:
    """The attack: POST /organization/people/<max>/ role=manager, then read Pat's record."""
    max_client = client_for("max")
    answer = max_client.post(
        f"/organization/people/{demo.users['max'].public_id}/",
        {"role": Role.MANAGER, "team": ""},
        follow=True,
    )
    assert "You cannot change your own role, team or access." in text(answer)
    assert _membership(demo.users["max"]).role == Role.ADMIN
    assert not AccessChange.objects.exists()
    assert max_client.get("/participants/").status_code == 403
    pat_id = Participant.objects.get(user=demo.users["pat"]).id
    assert max_client.get(f"/consent/participant/{pat_id}/record.json").status_code == 403


def test_a_promotion_waits_and_the_admin_who_asked_cannot_approve_it(
    demo: DemoWorld, client_for
) -> None:
    ben = demo.users["ben"]
    max_client = client_for("max")
    _ask(max_client, ben, role=Role.MANAGER)
    assert _membership(ben).role == Role.COACH  # nothing changed yet
    change = AccessChange.objects.get(membership__user=ben)
    assert (change.status, change.role, change.asked_by) == (
        AccessChangeStatus.WAITING,
        Role.MANAGER,
        demo.users["max"],
    )
    refused = _decide(max_client, change, "approve")
    assert "You asked for this change, so someone else approves it" in text(refused)
    assert _membership(ben).role == Role.COACH
    change.refresh_from_db()
    assert change.status == AccessChangeStatus.WAITING
    approved = _decide(client_for("mia"), change, "approve")
    assert "Approved: the change for Ben applies now." in text(approved)
    assert _membership(ben).role == Role.MANAGER
    asked = AuditEvent.objects.get(action=Action.ACCESS_ASKED)
    done = AuditEvent.objects.get(action=Action.ACCESS_APPROVED)
    assert (asked.actor_username, asked.changed_fields) == ("max", ["role"])
    assert (done.actor_username, done.target_id) == ("mia", str(change.public_id))


def test_a_change_for_another_admin_cannot_be_approved_by_that_admin(
    demo: DemoWorld, client_for
) -> None:
    harbor = demo.organizations["harbor"]
    ada = User.objects.create(username="ada", preferred_name="Ada")
    Membership.objects.create(organization=harbor, user=ada, role=Role.ADMIN)
    _ask(client_for("max"), ada, role=Role.MANAGER)
    change = AccessChange.objects.get(membership__user=ada)
    ada_client = Client()
    ada_client.force_login(ada)
    refused = _decide(ada_client, change, "approve")
    assert "This change is for your own account, so someone else decides it." in text(refused)
    assert _membership(ada).role == Role.ADMIN
    # Nor can she ask for it herself: her own role is not hers to change.
    _ask(ada_client, ada, role=Role.MANAGER)
    assert AccessChange.objects.filter(membership__user=ada).count() == 1


def test_more_access_waits_and_less_access_applies_at_once(demo: DemoWorld, client_for) -> None:
    harbor = demo.organizations["harbor"]
    night = Team.objects.create(organization=harbor, name="Night line")
    max_client = client_for("max")
    sam, ben, mia = demo.users["sam"], demo.users["ben"], demo.users["mia"]
    _ask(max_client, ben, role=Role.COACH, team=night.pk)  # onto another team: waits
    assert _membership(ben).team != night
    _ask(max_client, sam, role=Role.COACH, team=_membership(sam).team_id)  # narrower: at once
    assert _membership(sam).role == Role.COACH
    _ask(max_client, mia, role=Role.COACH)  # narrower: at once
    assert _membership(mia).role == Role.COACH
    _ask(max_client, ben, role=Role.COACH, team="")  # off a team: at once, even while one waits
    assert _membership(ben).team is None
    max_client.post(f"/organization/people/{sam.public_id}/active/")  # off: at once
    assert not _membership(sam).is_active
    max_client.post(f"/organization/people/{sam.public_id}/active/")  # back on: waits
    assert not _membership(sam).is_active
    waiting = AccessChange.objects.waiting()
    assert sorted(c.membership.user.username for c in waiting) == ["ben", "sam"]


def test_a_second_request_for_the_same_person_is_refused_with_a_form_error(
    demo: DemoWorld, client_for
) -> None:
    ben = demo.users["ben"]
    max_client = client_for("max")
    _ask(max_client, ben, role=Role.SUPERVISOR)
    again = max_client.post(
        f"/organization/people/{ben.public_id}/", {"role": Role.MANAGER, "team": ""}
    )
    assert again.status_code == 200
    assert "A change for Ben is already waiting for approval." in text(again)
    assert AccessChange.objects.get(membership__user=ben).role == Role.SUPERVISOR


def test_a_change_outdated_by_a_later_deactivation_is_closed_without_applying(
    demo: DemoWorld, client_for
) -> None:
    ben = demo.users["ben"]
    max_client = client_for("max")
    _ask(max_client, ben, role=Role.SUPERVISOR)
    max_client.post(f"/organization/people/{ben.public_id}/active/")
    change = AccessChange.objects.get(membership__user=ben)
    answer = _decide(client_for("mia"), change, "approve")
    assert "changed after this was asked, so the request was closed" in text(answer)
    membership = _membership(ben)
    assert (membership.role, membership.is_active) == (Role.COACH, False)
    change.refresh_from_db()
    assert change.status == AccessChangeStatus.REFUSED
    assert AuditEvent.objects.get(action=Action.ACCESS_REFUSED).changed_fields == ["outdated"]


def test_a_refused_change_changes_nothing_and_the_asker_can_take_it_back(
    demo: DemoWorld, client_for
) -> None:
    ben, sam = demo.users["ben"], demo.users["sam"]
    max_client = client_for("max")
    _ask(max_client, ben, role=Role.MANAGER)
    _ask(max_client, sam, role=Role.MANAGER)
    refused = _decide(client_for("mia"), AccessChange.objects.get(membership__user=ben), "refuse")
    assert "Refused: nothing changed for Ben." in text(refused)
    _decide(max_client, AccessChange.objects.get(membership__user=sam), "refuse")
    assert (_membership(ben).role, _membership(sam).role) == (Role.COACH, Role.SUPERVISOR)
    assert AuditEvent.objects.filter(action=Action.ACCESS_REFUSED).count() == 2
    assert not AccessChange.objects.waiting().exists()


def test_administrators_never_give_the_participant_role_nor_invite_a_participant(
    demo: DemoWorld, client_for
) -> None:
    max_client = client_for("max")
    ben = demo.users["ben"]
    answer = max_client.post(
        f"/organization/people/{ben.public_id}/", {"role": Role.PARTICIPANT, "team": ""}
    )
    assert "Select a valid choice." in text(answer)
    assert _membership(ben).role == Role.COACH
    invited = max_client.post(
        "/organization/people/invite/",
        {"username": "lee", "preferred_name": "Lee", "email": "", "role": Role.PARTICIPANT},
    )
    assert "Select a valid choice." in text(invited)
    assert not User.objects.filter(username="lee").exists()


def test_managers_and_other_admins_are_told_at_their_next_sign_in(
    demo: DemoWorld, client_for
) -> None:
    _ask(client_for("max"), demo.users["ben"], role=Role.SUPERVISOR)
    told = set(
        Notice.objects.filter(kind=NoticeKind.ACCESS_CHANGE_WAITING).values_list(
            "user__username", flat=True
        )
    )
    assert told == {"mia"}  # the only other person who may approve (not max, not ben)
    mia = Client()
    page = mia.post("/accounts/login/", {"username": "mia", "password": DEMO_PASSWORD}, follow=True)
    assert "is waiting for a second person to approve or refuse it" in text(page)
    assert "is waiting for a second person" not in text(mia.get("/participants/"))  # once


def test_who_has_access_lists_everyone_by_role_and_team_with_changes_waiting(
    demo: DemoWorld, client_for
) -> None:
    _ask(client_for("max"), demo.users["ben"], role=Role.SUPERVISOR)
    page = text(client_for("mia").get("/organization/access/"))
    waiting = page.split("Waiting for approval", 1)[1].split("Program managers", 1)[0]
    assert "Ben: From Peer recovery coach, Harbor Team A → Supervisor" in waiting
    assert "Asked by Max" in waiting and "Approve" in waiting
    managers = page.split("Program managers", 1)[1].split("Supervisors:", 1)[0]
    supervisors = page.split("Supervisors:", 1)[1].split("Peer recovery coaches:", 1)[0]
    coaches = page.split("Peer recovery coaches:", 1)[1].split("Decided in the last", 1)[0]
    assert "Mia mia —" in managers and "Sam sam Harbor Team A" in supervisors
    assert "Ana" in coaches and "Ben" in coaches and "Max" not in coaches
    assert "Pat" not in page  # participants' own access is not listed here
    max_page = text(client_for("max").get("/organization/access/"))
    assert "You asked for this, so someone else approves it." in max_page
    assert "Take the request back" in max_page


def test_the_audit_review_shows_access_changes_apart(demo: DemoWorld, client_for) -> None:
    max_client = client_for("max")
    _ask(max_client, demo.users["ben"], role=Role.SUPERVISOR)
    max_client.post(f"/organization/people/{demo.users['sam'].public_id}/new-link/")
    review = client_for("mia").get("/audit/").content.decode()
    box = text_of_section(review, "access-heading")
    assert "Access change asked by max (role)" in box
    assert "New sign-in link made for someone by max (password)" in box
    assert "<strong>Access change asked</strong>" in review.split("<table", 1)[1]


def text_of_section(page: str, heading_id: str) -> str:
    start = page.index(f'id="{heading_id}"')
    return words("<h2 " + page[start : page.index("</section>", start)])


def test_the_asker_is_told_plainly_when_no_one_else_can_approve_yet(
    demo: DemoWorld, client_for
) -> None:
    Membership.objects.filter(user=demo.users["mia"]).update(is_active=False)
    answer = client_for("max").post(
        f"/organization/people/{demo.users['ben'].public_id}/",
        {"role": Role.SUPERVISOR, "team": _membership(demo.users["ben"]).team_id},
        follow=True,
    )
    assert "no one else can yet: the organization needs a program manager" in text(answer)
    assert _membership(demo.users["ben"]).role == Role.COACH
    assert AccessChange.objects.waiting().count() == 1


def test_who_has_access_counts_emergency_access_open_now_without_naming_whose(
    demo: DemoWorld, client_for
) -> None:
    pat = Participant.objects.get(user=demo.users["pat"])
    EmergencyAccess.objects.create(
        organization=pat.organization,
        participant=pat,
        user=demo.users["ben"],
        reason="A call from the hospital about Pat.",
        expires_at=timezone.now() + timedelta(hours=1),
    )
    for viewer in ("mia", "max"):
        page = client_for(viewer).get("/organization/access/").content.decode()
        section = text_of_section(page, "emergency-heading")
        assert "Ben: 1 record outside their caseload, until" in section
        assert "Pat" not in words(page) and "hospital" not in page
