"""Agreed actions: Sam and Ana agree what each will do after a session; Ana sees hers on her
Supervision page, Sam sees the ones open with his team; either marks one done, once. Only the two
of them read an action: not Ben, not another team's supervisor, not a manager."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from accounts.models import User
from audit.models import Action, AuditEvent
from coaching.models import PracticeReview
from organizations.models import Membership, Role, Team
from supervision.models import AgreedAction, Owner, SupervisionSession

pytestmark = pytest.mark.django_db

WORDS = "Ana will book a Friday afternoon for notes and a walk."


def _session(demo, *coaches: str) -> SupervisionSession:
    harbor = demo.organizations["harbor"]
    session = SupervisionSession.objects.create(
        organization=harbor,
        supervisor=demo.users["sam"],
        held_on=timezone.localdate() - timedelta(days=2),
        minutes=60,
        kind="group" if len(coaches) > 1 else "individual",
        mode="in_person",
        notes="A hard week.",
    )
    session.coaches.set([demo.users[name] for name in coaches or ("ana",)])
    return session


def _review(demo, *, shared: bool, title: str = "Role-play about housing") -> PracticeReview:
    return PracticeReview.objects.create(
        organization=demo.organizations["harbor"],
        owner=demo.users["ana"],
        title=title,
        utterances=[],
        summary={},
        shared_with_supervisor=shared,
    )


def _agree(client, session, demo, **changes):
    data = {
        "coach": demo.users["ana"].pk,
        "owner": Owner.COACH,
        "text": WORDS,
        "due_on": str(timezone.localdate() + timedelta(days=7)),
    }
    data.update(changes)
    return client.post(f"/supervision/sessions/{session.id}/", data)


def _other_team_supervisor(demo) -> User:
    harbor = demo.organizations["harbor"]
    team = Team.objects.create(organization=harbor, name="Harbor Team B")
    lee = User.objects.create(username="lee", preferred_name="Lee")
    Membership.objects.create(organization=harbor, user=lee, role=Role.SUPERVISOR, team=team)
    return lee


def test_sam_agrees_an_action_with_ana_and_she_sees_it_on_her_page(demo, client_for) -> None:
    session = _session(demo)
    response = _agree(client_for("sam"), session, demo)
    assert response.status_code == 302
    action = AgreedAction.objects.get()
    assert (action.coach, action.owner, action.created_by) == (
        demo.users["ana"],
        Owner.COACH,
        demo.users["sam"],
    )
    page = client_for("ana").get("/supervision/").content.decode()
    mine = page.split('id="my-actions"')[1].split("</ul>")[0]
    assert WORDS in mine and "Ana will do this" in mine and "Mark done" in mine
    with connection.cursor() as cursor:
        cursor.execute("SELECT text FROM supervision_agreed_action")
        [(stored,)] = cursor.fetchall()
    assert "Friday" not in stored
    event = AuditEvent.objects.get(action=Action.CREATE, target_type="supervision.agreedaction")
    assert event.actor == demo.users["sam"] and "text" in event.changed_fields
    assert "Friday" not in str(event.__dict__)


def test_sam_sees_the_open_actions_with_his_team(demo, client_for) -> None:
    session = _session(demo, "ana", "ben")
    sam = client_for("sam")
    _agree(sam, session, demo)
    _agree(
        sam,
        session,
        demo,
        coach=demo.users["ben"].pk,
        owner=Owner.SUPERVISOR,
        text="Find Ben a training on grief.",
    )
    page = sam.get("/supervision/").content.decode()
    team = page.split('id="team-actions"')[1].split("</ul>")[0]
    assert WORDS in team and "Find Ben a training on grief." in team
    assert "Sam will do this" in team and "agreed with Ben" in team
    # In a group session each coach reads only the actions agreed with them.
    ana_session = client_for("ana").get(f"/supervision/sessions/{session.id}/").content.decode()
    assert WORDS in ana_session and "grief" not in ana_session
    assert "grief" in client_for("ben").get("/supervision/").content.decode()


def test_either_party_marks_it_done_and_a_second_press_changes_nothing(demo, client_for) -> None:
    session = _session(demo)
    _agree(client_for("sam"), session, demo)
    action = AgreedAction.objects.get()
    ana = client_for("ana")
    response = ana.post(f"/supervision/actions/{action.id}/done/", {"next": "/supervision/"})
    assert response.status_code == 302 and response["Location"] == "/supervision/"
    action.refresh_from_db()
    assert action.done_by == demo.users["ana"] and action.done_at is not None
    first_done = action.done_at
    again = client_for("sam").post(
        f"/supervision/actions/{action.id}/done/", {"next": "https://elsewhere.example/"}
    )
    assert again["Location"] == "/supervision/"
    action.refresh_from_db()
    assert (action.done_by, action.done_at) == (demo.users["ana"], first_done)
    assert (
        AuditEvent.objects.filter(
            action=Action.UPDATE, target_type="supervision.agreedaction"
        ).count()
        == 1
    )
    page = ana.get("/supervision/").content.decode()
    assert WORDS not in page and "No open actions." in page
    shown = ana.get(f"/supervision/sessions/{session.id}/").content.decode()
    assert WORDS in shown and "Done: marked by Ana" in shown
    assert client_for("ana").get(f"/supervision/actions/{action.id}/done/").status_code == 405


def test_nobody_else_reads_or_marks_an_action(demo, client_for) -> None:
    session = _session(demo)
    _agree(client_for("sam"), session, demo)
    action = AgreedAction.objects.get()
    lee = client_for("ben")
    lee.force_login(_other_team_supervisor(demo))  # a supervisor of another harbor team
    outsiders = {"ben": client_for("ben"), "rio": client_for("rio"), "lee": lee}
    for who, client in outsiders.items():
        assert client.get(f"/supervision/sessions/{session.id}/").status_code == 404, who
        assert client.post(f"/supervision/actions/{action.id}/done/").status_code == 404, who
        assert WORDS not in client.get("/supervision/").content.decode(), who
    for who in ("mia", "max", "pat"):
        client = client_for(who)
        assert client.get(f"/supervision/sessions/{session.id}/").status_code in (403, 404)
        assert client.post(f"/supervision/actions/{action.id}/done/").status_code in (403, 404)
        for page in ("/supervision/renewals/", "/supervision/topics/"):
            assert WORDS not in client.get(page).content.decode()
    action.refresh_from_db()
    assert action.done_at is None


def test_an_action_links_only_a_review_ana_shared_with_sam(demo, client_for) -> None:
    session = _session(demo)
    shared = _review(demo, shared=True)
    private = _review(demo, shared=False, title="Just for me")
    sam = client_for("sam")
    form = sam.get(f"/supervision/sessions/{session.id}/").content.decode()
    assert "Role-play about housing" in form and "Just for me" not in form
    response = _agree(sam, session, demo, review=str(private.pk))
    assert response.status_code == 200 and not AgreedAction.objects.exists()
    body = response.content.decode()
    assert "Select a valid choice" in body and WORDS in body  # what was typed stays
    _agree(sam, session, demo, review=str(shared.pk))
    assert AgreedAction.objects.get().review == shared
    link = f"/coaching/practice/{shared.id}/"
    assert link in sam.get("/supervision/").content.decode()
    assert link in client_for("ana").get("/supervision/").content.decode()
    # Once Ana stops sharing it, Sam no longer gets the link (nor the title).
    PracticeReview.objects.filter(pk=shared.pk).update(shared_with_supervisor=False)
    page = sam.get("/supervision/").content.decode()
    assert link not in page and "Role-play about housing" not in page


def test_an_empty_action_is_refused_and_keeps_what_was_typed(demo, client_for) -> None:
    session = _session(demo)
    response = _agree(client_for("sam"), session, demo, text="  ", due_on="2026-13-40")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Please check the form" in body and 'value="2026-13-40"' in body
    assert not AgreedAction.objects.exists()


def test_ana_adds_an_action_for_herself_only(demo, client_for) -> None:
    session = _session(demo, "ana", "ben")
    ana = client_for("ana")
    response = _agree(ana, session, demo, coach=demo.users["ben"].pk)
    assert response.status_code == 200 and not AgreedAction.objects.exists()
    assert _agree(ana, session, demo).status_code == 302
    assert AgreedAction.objects.get().created_by == demo.users["ana"]


def test_recording_a_session_leads_to_its_page_for_the_actions(demo, client_for) -> None:
    from supervision.models import Topic

    sam = client_for("sam")
    sam.get("/supervision/new/")
    response = sam.post(
        "/supervision/new/",
        {
            "coaches": [demo.users["ana"].pk],
            "held_on": str(timezone.localdate()),
            "minutes": "60",
            "kind": "individual",
            "mode": "video",
            "topics": [Topic.objects.get(organization__slug="harbor", name="Self-care").pk],
            "notes": "Ana is tired.",
        },
    )
    session = SupervisionSession.objects.get()
    assert response["Location"] == f"/supervision/sessions/{session.id}/"
    page = sam.get(response["Location"]).content.decode()
    assert "Add an agreed action" in page and "Ana is tired." in page
    assert f"/supervision/sessions/{session.id}/" in sam.get("/supervision/").content.decode()
