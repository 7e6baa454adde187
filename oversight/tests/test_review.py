"""The manager's audit review (filters, volume alert) and a participant's access report."""

from unittest import mock

from audit.models import Action, AuditEvent
from audit.services import record_event
from cairn.demo import DemoWorld
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
    assert bad.status_code == 200
    assert "is not valid, so all events are shown" in bad.content.decode()


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
    assert "Who has looked at Pat" in report and "Sam" in report and "Supervisor" in report
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


def _cells(page: str) -> list[list[str]]:
    from html.parser import HTMLParser

    class Rows(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.rows: list[list[str]] = []
            self.cell: list[str] | None = None

        def handle_starttag(self, tag: str, attrs: list) -> None:
            if tag == "tr":
                self.rows.append([])
            elif tag == "td":
                self.cell = []
            elif self.cell is not None:
                self.cell.append(" ")

        def handle_endtag(self, tag: str) -> None:
            if tag == "td" and self.cell is not None:
                self.rows[-1].append(" ".join("".join(self.cell).split()))
                self.cell = None

        def handle_data(self, data: str) -> None:
            if self.cell is not None:
                self.cell.append(data)

    parser = Rows()
    parser.feed(page)
    return [row for row in parser.rows if row]


def test_review_names_the_participant_and_shows_words_not_codes(demo, client_for) -> None:
    pat = Participant.objects.get(user=demo.users["pat"])
    client_for("ana").get(f"/participants/{pat.id}/")
    client_for("ana").get(f"/contacts/timeline/{pat.id}/")
    client_for("ana").get("/audit/")  # not part of a coach's role: a refused page
    page = client_for("mia").get("/audit/", {"user": "ana"}).content.decode()
    rows = _cells(page)
    viewed = [r for r in rows if r[4] == "participant"]
    assert viewed and viewed[0][2] == "Peer recovery coach" and viewed[0][5].startswith("Pat ")
    assert any(r[4] == "list of contacts" and r[5].startswith("Pat ") for r in rows)
    assert any(r[3] == "Access refused" and r[4] == "page: audit review" for r in rows), rows
    for code in ("encounters.timeline", "participants.participant", ">url<", ">coach<"):
        assert code not in page


def test_review_finds_a_participants_events_by_name(demo, client_for) -> None:
    pat = Participant.objects.get(user=demo.users["pat"])
    client_for("ana").get(f"/participants/{pat.id}/")
    mia = client_for("mia")
    found = _cells(mia.get("/audit/", {"name": "pat", "user": "ana"}).content.decode())
    assert found and all(row[5].startswith("Pat ") for row in found)
    nobody = mia.get("/audit/", {"name": "Nobody-by-this-name"}).content.decode()
    assert "No events match." in nobody
    by_link = mia.get("/audit/", {"participant": str(pat.id)}).content.decode()
    assert "Only events about Pat." in by_link
