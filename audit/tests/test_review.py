"""The manager's audit review (filters, volume alert) and a participant's access report."""

from unittest import mock

from audit.models import Action, AuditEvent
from audit.services import record_event
from organizations.demo import DemoWorld
from participants.models import Participant


def test_manager_filters_the_audit_trail(demo: DemoWorld, client_for) -> None:
    pat = Participant.objects.get(user=demo.users["pat"])
    client_for("ana").get(f"/participants/{pat.id}/")
    mia = client_for("mia")
    page = mia.get("/audit/", {"participant": str(pat.id)}).content.decode()
    assert "ana" in page and "Viewed" in page
    only_ben = mia.get("/audit/", {"user": "ben"}).content.decode()
    assert "No events match." in only_ben
    bad = mia.get("/audit/", {"participant": "not-a-uuid"})
    assert bad.status_code == 200 and "Enter a valid UUID" in bad.content.decode()


def test_unusual_volume_is_flagged(demo: DemoWorld, client_for) -> None:
    harbor = demo.organizations["harbor"]
    for participant in Participant.objects.filter(organization=harbor)[:8]:
        record_event(
            action=Action.VIEW,
            actor=demo.users["ben"],
            organization=harbor,
            participant_id=participant.id,
        )
    from audit import selectors

    assert [a.username for a in selectors.unusual_volume(harbor, limit=5)] == ["ben"]
    assert selectors.unusual_volume(harbor, limit=50) == []


def test_the_review_shows_the_alert_and_counts_it_at_most_once_a_minute(
    demo: DemoWorld, client_for, monkeypatch
) -> None:
    from django.core.cache import cache

    from audit import selectors

    cache.clear()
    harbor = demo.organizations["harbor"]
    mia = client_for("mia")
    assert "Unusual volume" not in mia.get("/audit/").content.decode()
    people = list(Participant.objects.filter(organization=harbor)[:3])
    for participant in people:
        record_event(
            action=Action.VIEW,
            actor=demo.users["ben"],
            organization=harbor,
            participant_id=participant.id,
        )
    monkeypatch.setattr(selectors, "ALERT_RECORDS", 2)
    with mock.patch.object(selectors, "unusual_volume", wraps=selectors.unusual_volume) as count:
        kept = mia.get("/audit/").content.decode()  # the first view's answer, still kept
        assert count.call_count == 0 and "Unusual volume" not in kept
        cache.clear()  # what a minute does
        page = mia.get("/audit/").content.decode()
        assert count.call_count == 1
    assert "Unusual volume in the last hour" in page
    assert "ben opened 3 different participant records." in page


def test_access_report_lists_who_looked(demo: DemoWorld, client_for) -> None:
    pat = Participant.objects.get(user=demo.users["pat"])
    client_for("sam").get(f"/participants/{pat.id}/")
    report = client_for("ana").get(f"/audit/access/{pat.id}/").content.decode()
    assert "Who has looked at Pat" in report and "Sam" in report and "supervisor" in report
    assert client_for("ben").get(f"/audit/access/{pat.id}/").status_code == 404
    assert AuditEvent.objects.filter(target_type="audit.access_report").exists()


def test_unfiltered_review_counts_every_event_of_the_organization(demo, client_for) -> None:
    mia = client_for("mia")
    page = mia.get("/audit/").content.decode()
    harbor = demo.organizations["harbor"]
    total = AuditEvent.objects.filter(organization=harbor).count()
    assert f"{total} events" in page
    filtered = mia.get("/audit/", {"user": "mia"}).content.decode()
    own = AuditEvent.objects.filter(organization=harbor, actor_username="mia").count()
    assert f"{own} events" in filtered
