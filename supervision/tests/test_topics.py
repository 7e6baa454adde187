"""The program's supervision topics: Mia adds, renames and retires them; a retired topic leaves
the form for new sessions and stays on the sessions that used it; another organization's topic
is a 404, and no topic is ever deleted."""

from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import Action, AuditEvent
from organizations.models import Membership, Role
from supervision.models import SupervisionSession, Topic

pytestmark = pytest.mark.django_db


def _harbor_topic(name: str) -> Topic:
    return Topic.objects.get(organization__slug="harbor", name=name)


def test_mia_adds_a_topic_and_it_is_offered_to_sam(demo, client_for) -> None:
    mia = client_for("mia")
    page = mia.get("/supervision/topics/").content.decode()
    assert "Self-care" in page.split('id="topics"')[1]
    response = mia.post("/supervision/topics/", {"name": "Grief and loss"})
    assert response.status_code == 302
    assert Topic.objects.filter(organization__slug="harbor", name="Grief and loss").exists()
    assert "Grief and loss" in client_for("sam").get("/supervision/new/").content.decode()
    assert AuditEvent.objects.filter(
        action=Action.CREATE, target_type="supervision.topic", actor=demo.users["mia"]
    ).exists()


def test_a_topic_name_is_used_once_and_what_was_typed_stays(demo, client_for) -> None:
    mia = client_for("mia")
    mia.get("/supervision/topics/")
    response = mia.post("/supervision/topics/", {"name": "self-care"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "The program already has a topic with this name." in body
    assert 'value="self-care"' in body


def test_retiring_a_topic_hides_it_from_new_sessions_and_keeps_it_on_old_ones(
    demo, client_for
) -> None:
    mia, sam = client_for("mia"), client_for("sam")
    mia.get("/supervision/topics/")
    topic = _harbor_topic("Documentation")
    session = SupervisionSession.objects.create(
        organization=topic.organization,
        supervisor=demo.users["sam"],
        held_on=timezone.localdate() - timedelta(days=3),
        minutes=45,
        kind="individual",
        mode="phone",
    )
    session.coaches.set([demo.users["ana"]])
    session.topics.set([topic])
    edit = mia.get(f"/supervision/topics/{topic.public_id}/").content.decode()
    assert "Used in 1 session." in edit
    response = mia.post(
        f"/supervision/topics/{topic.public_id}/", {"name": "Writing notes", "is_active": ""}
    )
    assert response.status_code == 302
    topic.refresh_from_db()
    assert (topic.name, topic.is_active) == ("Writing notes", False)
    assert "Writing notes" not in sam.get("/supervision/new/").content.decode()
    assert list(session.topics.all()) == [topic]
    assert "Writing notes" in client_for("ana").get("/supervision/").content.decode()
    listing = mia.get("/supervision/topics/").content.decode()
    assert "Retired" in listing
    event = AuditEvent.objects.get(action=Action.UPDATE, target_type="supervision.topic")
    assert set(event.changed_fields) == {"name", "is_active"}
    # Brought back, it is offered again.
    mia.post(
        f"/supervision/topics/{topic.public_id}/", {"name": "Writing notes", "is_active": "on"}
    )
    assert "Writing notes" in sam.get("/supervision/new/").content.decode()
    assert Topic.objects.filter(pk=topic.pk).exists()


def test_renaming_to_another_topics_name_is_refused(demo, client_for) -> None:
    mia = client_for("mia")
    mia.get("/supervision/topics/")
    topic = _harbor_topic("Documentation")
    response = mia.post(
        f"/supervision/topics/{topic.public_id}/", {"name": "Self-care", "is_active": "on"}
    )
    assert "The program already has a topic with this name." in response.content.decode()
    topic.refresh_from_db()
    assert topic.name == "Documentation"


def test_another_organizations_topic_is_a_404_and_coaches_keep_out(demo, client_for) -> None:
    from accounts.models import User

    client_for("mia").get("/supervision/topics/")
    topic = _harbor_topic("Self-care")
    riverside = demo.organizations["riverside"]
    manager = User.objects.create(username="river_mgr", preferred_name="Rae")
    Membership.objects.create(organization=riverside, user=manager, role=Role.MANAGER)
    other = client_for("mia")
    other.force_login(manager)
    assert other.get(f"/supervision/topics/{topic.public_id}/").status_code == 404
    other.post(f"/supervision/topics/{topic.public_id}/", {"name": "Mine now", "is_active": ""})
    topic.refresh_from_db()
    assert (topic.name, topic.is_active) == ("Self-care", True)
    assert str(topic.public_id) not in other.get("/supervision/topics/").content.decode()
    for who in ("ana", "sam"):
        assert client_for(who).get("/supervision/topics/").status_code == 403
        assert client_for(who).get(f"/supervision/topics/{topic.public_id}/").status_code == 403
    assert client_for("max").get("/supervision/topics/").status_code == 200
