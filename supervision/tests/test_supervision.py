"""Supervision: Sam records a session with Ana and her hours go up; her log downloads for a
certification board; her journal is hers alone, by any URL, and deleting it deletes it."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from audit.models import Action, AuditEvent
from encounters.models import Encounter
from supervision.models import JournalEntry, SupervisionSession, Topic

pytestmark = pytest.mark.django_db


def _session(client, demo, **changes):
    client.get("/supervision/new/")  # the program's topics appear on first use
    topic = Topic.objects.get(organization__slug="harbor", name="Self-care")
    data = {
        "coaches": [demo.users["ana"].pk],
        "held_on": str(timezone.localdate()),
        "minutes": "90",
        "kind": "individual",
        "mode": "in_person",
        "topics": [topic.pk],
        "notes": "Talked about a hard week; Ana will take Friday afternoon off.",
    }
    data.update(changes)
    return client.post("/supervision/new/", data)


def test_sam_records_supervision_with_ana_and_her_hours_go_up(demo, client_for) -> None:
    ana = client_for("ana")
    before = ana.get("/supervision/").content.decode()
    assert "No supervision recorded yet." in before
    response = _session(client_for("sam"), demo)
    assert response.status_code == 302
    session = SupervisionSession.objects.get()
    assert list(session.coaches.all()) == [demo.users["ana"]]
    page = ana.get("/supervision/").content.decode()
    hours = page.split('id="hours"')[1].split("</ul>")[0]
    assert ">1.5</span>" in hours and "of 25 (23.5 to go)" in hours
    assert "Self-care" in page and "Sam" in page
    with connection.cursor() as cursor:
        cursor.execute("SELECT notes FROM supervision_session")
        [(stored,)] = cursor.fetchall()
    assert "Friday" not in stored
    assert AuditEvent.objects.filter(
        action=Action.CREATE, target_type="supervision.supervisionsession"
    ).exists()


def test_supervised_practice_counts_the_minutes_of_signed_contacts_in_the_period(
    demo, client_for
) -> None:
    ana = demo.users["ana"]
    signed = Encounter.objects.filter(author=ana, state="signed")
    today = timezone.localdate()
    in_period = signed.filter(occurred_on__gt=today - timedelta(days=365))
    minutes = sum(e.duration_minutes or 0 for e in in_period)
    page = client_for("ana").get("/supervision/").content.decode()
    assert f">{round(minutes / 60, 1)}</span>" in page.split('id="hours"')[1].split("</ul>")[0]


def test_only_the_supervisors_own_coaches_and_a_real_past_date(demo, client_for) -> None:
    sam = client_for("sam")
    response = _session(sam, demo, coaches=[demo.users["rio"].pk])
    assert response.status_code == 200 and not SupervisionSession.objects.exists()
    tomorrow = str(timezone.localdate() + timedelta(days=1))
    response = _session(sam, demo, held_on=tomorrow)
    assert "Choose a date that has already happened." in response.content.decode()
    response = _session(sam, demo, coaches=[demo.users["ana"].pk, demo.users["ben"].pk])
    assert "Individual supervision is with one coach" in response.content.decode()
    assert _session(sam, demo, kind="group", coaches=[demo.users["ana"].pk, demo.users["ben"].pk])
    assert SupervisionSession.objects.get().coaches.count() == 2
    for who in ("ana", "mia", "max"):
        assert client_for(who).get("/supervision/new/").status_code == 403


def test_the_log_downloads_without_the_notes(demo, client_for) -> None:
    _session(client_for("sam"), demo)
    response = client_for("ana").get("/supervision/log.csv")
    assert response["Content-Disposition"].endswith('filename="supervision-log.csv"')
    text = response.content.decode("utf-8-sig")
    assert "90" in text and "Self-care" in text and "Sam" in text
    assert "Friday" not in text


def test_anas_journal_is_hers_alone_by_any_url(demo, client_for) -> None:
    ana = client_for("ana")
    response = ana.post(
        "/supervision/journal/", {"prompt": "reactions", "text": "I felt my old anger come up."}
    )
    assert response.status_code == 302
    entry = JournalEntry.objects.get()
    page = ana.get("/supervision/journal/").content.decode()
    assert "I felt my old anger come up." in page
    assert "What I noticed about my own reactions" in page
    with connection.cursor() as cursor:
        cursor.execute("SELECT text FROM supervision_journal_entry")
        [(stored,)] = cursor.fetchall()
    assert "anger" not in stored
    for who in ("sam", "ben", "mia", "max"):
        client = client_for(who)
        seen = client.get("/supervision/journal/")
        assert "old anger" not in seen.content.decode()
        assert client.get(f"/supervision/journal/{entry.id}/delete/").status_code in (403, 404)
        client.post(f"/supervision/journal/{entry.id}/delete/")
    assert JournalEntry.objects.filter(pk=entry.pk).exists()
    event = AuditEvent.objects.get(target_type="supervision.journalentry", action=Action.CREATE)
    assert "anger" not in str(event.__dict__)


def test_deleting_a_journal_entry_deletes_it(demo, client_for) -> None:
    ana = client_for("ana")
    ana.post("/supervision/journal/", {"text": "Tired today."})
    entry = JournalEntry.objects.get()
    assert (
        "It will be gone for good"
        in ana.get(f"/supervision/journal/{entry.id}/delete/").content.decode()
    )
    ana.post(f"/supervision/journal/{entry.id}/delete/")
    assert not JournalEntry.objects.exists()
    assert AuditEvent.objects.filter(
        target_type="supervision.journalentry", action=Action.DELETE
    ).exists()


def test_an_empty_journal_entry_is_refused_calmly(demo, client_for) -> None:
    response = client_for("ana").post("/supervision/journal/", {"prompt": "need", "text": " "})
    assert response.status_code == 200
    assert "Please check the form" in response.content.decode()
    assert not JournalEntry.objects.exists()


def test_a_credential_ending_in_30_days_is_on_mias_list(demo, client_for) -> None:
    from supervision.models import Credential

    ana = client_for("ana")
    today = timezone.localdate()
    response = ana.post(
        "/supervision/credentials/",
        {
            "name": "Certified Peer Recovery Specialist",
            "number": "CPRS-1",
            "issued_by": "State board",
            "issued_on": str(today - timedelta(days=700)),
            "expires_on": str(today + timedelta(days=30)),
        },
    )
    assert response.status_code == 302
    ana.post(
        "/supervision/credentials/",
        {"name": "CPR", "expires_on": str(today + timedelta(days=200))},
    )
    page = client_for("mia").get("/supervision/renewals/").content.decode()
    table = page.split("<tbody>")[1]
    assert "Ana" in table and "Certified Peer Recovery Specialist" in table
    assert "CPR<" not in table  # 200 days away
    assert "CPRS-1" not in page  # the number stays with its holder
    with connection.cursor() as cursor:
        cursor.execute("SELECT number FROM supervision_credential WHERE name = 'CPR'")
        [(stored,)] = cursor.fetchall()
    assert stored == "" or "CPR" not in stored
    assert client_for("ana").get("/supervision/renewals/").status_code == 403
    other = Credential.objects.get(name="CPR")
    assert client_for("ben").get(f"/supervision/credentials/{other.id}/remove/").status_code == 404


def test_a_credential_that_ends_before_it_was_issued_is_refused(demo, client_for) -> None:
    today = timezone.localdate()
    response = client_for("ana").post(
        "/supervision/credentials/",
        {"name": "CPR", "issued_on": str(today), "expires_on": str(today - timedelta(days=1))},
    )
    assert "The end date comes after the issue date." in response.content.decode()
    assert 'value="CPR"' in response.content.decode()


def test_the_program_sets_the_hours_and_anas_page_counts_against_them(demo, client_for) -> None:
    mia = client_for("mia")
    response = mia.post(
        "/supervision/requirement/",
        {"supervision_hours": "40", "practice_hours": "1000", "period_months": "99"},
    )
    assert "Choose between 1 and 60 months." in response.content.decode()
    assert 'value="1000"' in response.content.decode()
    response = mia.post(
        "/supervision/requirement/",
        {
            "supervision_hours": "40",
            "practice_hours": "1000",
            "period_months": "24",
            "training_hours": "46",
            "training_period_months": "24",
        },
    )
    assert response.status_code == 302
    page = client_for("ana").get("/supervision/").content.decode()
    assert "of 40 (" in page and "of 1000 (" in page and "counts 24 months" in page
    assert client_for("ana").get("/supervision/requirement/").status_code == 403


def test_anas_workload_is_hers_and_counts_after_hours_work(demo, client_for) -> None:
    from datetime import datetime, time
    from zoneinfo import ZoneInfo

    from participants.models import Participant

    pat = Participant.objects.get(user__username="pat")
    zone = ZoneInfo(pat.organization.time_zone)
    today = timezone.localdate()
    late = datetime.combine(today, time(22, 30), zone)
    Encounter.objects.create(
        organization=pat.organization,
        participant=pat,
        author=demo.users["ana"],
        contact_type="phone",
        started_at=late,
        occurred_on=today,
        state="signed",
        summary="A late call.",
    )
    page = client_for("ana").get("/supervision/").content.decode()
    figures = page.split('id="workload"')[1].split("</ul>")[0]
    assert "contacts this month in the evening, at night or at the weekend" in figures
    late_count = int(figures.split('summary-figure">')[3].split("<")[0])
    assert late_count >= 1
    # Sam's page shows his own work, never Ana's.
    sam_page = client_for("sam").get("/supervision/").content.decode()
    assert "A late call." not in sam_page


def test_a_coachs_own_credential_ending_soon_is_on_her_today(demo, client_for) -> None:
    from supervision.models import Credential

    today = timezone.localdate()
    harbor = demo.organizations["harbor"]
    Credential.objects.create(
        organization=harbor,
        holder=demo.users["ana"],
        name="Certified Peer Recovery Specialist",
        expires_on=today + timedelta(days=30),
    )
    Credential.objects.create(
        organization=harbor,
        holder=demo.users["ana"],
        name="Naloxone trainer",
        expires_on=today + timedelta(days=200),
    )
    page = client_for("ana").get("/today/").content.decode()
    assert "Your credentials to renew" in page
    assert "Certified Peer Recovery Specialist" in page and "Naloxone trainer" not in page
    # Only her own: Ben's Today says nothing about Ana's credential.
    assert (
        "Certified Peer Recovery Specialist"
        not in client_for("ben").get("/today/").content.decode()
    )
