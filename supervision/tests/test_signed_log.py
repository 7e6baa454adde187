"""The supervision log as a PDF signed by the supervisor: Sam signs Ana's log for a period, Ana
and Sam download it (sessions, hours against the requirement, the signature block with its
SHA-256), a session recorded after the signing shows as not signed, a change to a signed
session shows, and nobody else opens it."""

import hashlib
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import Action, AuditEvent
from supervision.models import LogSignature, SupervisionSession, Topic
from supervision.selectors import log_fingerprint, log_for_period, signed_log
from supervision.services import ensure_topics

pytestmark = pytest.mark.django_db

NOTES = "Talked about a hard week; Ana will take Friday afternoon off."


@pytest.fixture(autouse=True)
def _plain_pdf(settings, tmp_path) -> None:
    """Uncompressed, with the core font: the text stands in the file as PDF strings."""
    settings.CAIRN_PDF_COMPRESS = False
    settings.CAIRN_PDF_FONT_DIR = str(tmp_path)


def pdf_text(body: bytes) -> str:
    """The strings the PDF shows, in order, joined by spaces (each Tj operand unescaped)."""
    found = re.findall(rb"\(((?:[^()\\]|\\.)*)\)\s*Tj", body)
    unescaped = [re.sub(rb"\\(.)", rb"\1", s).decode("latin-1") for s in found]
    return " ".join(unescaped)


def _session(demo, *, days_ago: int, minutes: int = 60) -> SupervisionSession:
    ensure_topics(demo.organizations["harbor"])
    session = SupervisionSession.objects.create(
        organization=demo.organizations["harbor"],
        supervisor=demo.users["sam"],
        held_on=timezone.localdate() - timedelta(days=days_ago),
        minutes=minutes,
        kind="individual",
        mode="video",
        notes=NOTES,
    )
    session.coaches.set([demo.users["ana"]])
    session.topics.set(Topic.objects.filter(organization__slug="harbor", name="Self-care"))
    return session


def _sign(client, demo, *, start_days: int = 60, end_days: int = 0):
    today = timezone.localdate()
    return client.post(
        f"/supervision/coaches/{demo.users['ana'].public_id}/",
        {
            "start": str(today - timedelta(days=start_days)),
            "end": str(today - timedelta(days=end_days)),
        },
    )


def test_sam_signs_anas_log_and_she_downloads_it_as_a_pdf(demo, client_for) -> None:
    _session(demo, days_ago=10, minutes=90)
    _session(demo, days_ago=30, minutes=60)
    response = _sign(client_for("sam"), demo)
    assert response.status_code == 302
    signature = LogSignature.objects.get()
    assert (signature.coach, signature.signed_by) == (demo.users["ana"], demo.users["sam"])
    assert len(signature.fingerprint) == 64 and int(signature.fingerprint, 16) >= 0

    page = client_for("ana").get("/supervision/").content.decode()
    link = f"/supervision/signed/{signature.id}.pdf"
    assert link in page
    response = client_for("ana").get(link)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    body = response.content
    assert body.startswith(b"%PDF")
    text = pdf_text(body)
    assert "Supervision log" in text and "Ana" in text
    assert "Sessions covered by the signature" in text
    assert text.count("Self-care") == 2 and "Individual, video" in text
    assert " 90 " in f" {text} " and " 60 " in f" {text} "
    assert "2.5 hours in this period; the credential asks for 25 hours over 12 months" in text
    assert "Supervised practice" in text
    assert "Signed by Sam" in text
    assert signature.fingerprint in text.replace(" ", "")
    assert "Friday" not in text and "hard week" not in text  # never the notes
    assert "not signed" not in text
    event = AuditEvent.objects.filter(action=Action.EXPORT).latest("created_at")
    assert (event.actor, event.target_id) == (demo.users["ana"], str(signature.id))
    assert client_for("sam").get(link).status_code == 200


def test_the_fingerprint_is_the_sha256_of_the_log_as_signed(demo, client_for) -> None:
    session = _session(demo, days_ago=5)
    _sign(client_for("sam"), demo)
    signature = LogSignature.objects.get()
    ana, harbor = demo.users["ana"], demo.organizations["harbor"]
    sessions = log_for_period(ana, harbor, start=signature.period_start, end=signature.period_end)
    assert [s.pk for s in sessions] == [session.pk]
    log = signed_log(signature)
    again = log_fingerprint(
        coach=ana,
        organization=harbor,
        start=signature.period_start,
        end=signature.period_end,
        sessions=sessions,
        practice_minutes=log.practice_minutes,
    )
    assert again == signature.fingerprint and log.intact
    lines = "\n".join(
        [
            "cairn supervision log v1",
            f"{harbor.pk}|{ana.public_id}|{signature.period_start}|{signature.period_end}",
            f"practice_minutes|{log.practice_minutes}",
            f"{session.pk}|{session.held_on}|60|individual|video|"
            f"{Topic.objects.get(organization=harbor, name='Self-care').public_id}|"
            f"{demo.users['sam'].pk}",
        ]
    )
    assert hashlib.sha256(lines.encode()).hexdigest() == signature.fingerprint


def test_a_session_recorded_after_the_signing_shows_as_not_signed(demo, client_for) -> None:
    _session(demo, days_ago=20)
    _sign(client_for("sam"), demo)
    late = _session(demo, days_ago=15, minutes=45)
    SupervisionSession.objects.filter(pk=late.pk).update(
        created_at=timezone.now() + timedelta(minutes=1)
    )
    signature = LogSignature.objects.get()
    text = pdf_text(client_for("ana").get(f"/supervision/signed/{signature.id}.pdf").content)
    covered, later = text.split("Recorded after the signing: not signed")
    assert "The signature covers the log up to the signing" in later
    assert " 45 " in later and " 45 " not in covered
    assert "0.8 hours of supervision not signed." in later
    assert "have changed since it was signed" not in text  # what was signed still matches


def test_a_change_to_a_signed_session_shows_in_the_pdf(demo, client_for) -> None:
    session = _session(demo, days_ago=20)
    _sign(client_for("sam"), demo)
    SupervisionSession.objects.filter(pk=session.pk).update(minutes=120)
    signature = LogSignature.objects.get()
    assert not signed_log(signature).intact
    text = pdf_text(client_for("ana").get(f"/supervision/signed/{signature.id}.pdf").content)
    assert "have changed since it was signed" in text


def test_only_ana_and_her_teams_supervisor_open_the_signed_log(demo, client_for) -> None:
    _session(demo, days_ago=3)
    _sign(client_for("sam"), demo)
    link = f"/supervision/signed/{LogSignature.objects.get().id}.pdf"
    assert client_for("ana").get(link).status_code == 200
    assert client_for("sam").get(link).status_code == 200
    for who in ("ben", "rio"):
        assert client_for(who).get(link).status_code == 404
    for who in ("mia", "max"):
        assert client_for(who).get(link).status_code in (403, 404)
    assert AuditEvent.objects.filter(action=Action.EXPORT).count() == 2


def test_only_the_teams_supervisor_signs_and_for_a_past_period(demo, client_for) -> None:
    sam = client_for("sam")
    rio = demo.users["rio"]
    assert sam.get(f"/supervision/coaches/{rio.public_id}/").status_code == 404
    for who in ("ana", "ben", "mia", "max"):
        page = client_for(who).get(f"/supervision/coaches/{demo.users['ana'].public_id}/")
        assert page.status_code in (403, 404)
    response = _sign(sam, demo, start_days=10, end_days=-1)
    assert "Choose a day that has already happened." in response.content.decode()
    response = _sign(sam, demo, start_days=1, end_days=5)
    assert "The last day comes on or after the first." in response.content.decode()
    assert not LogSignature.objects.exists()
    assert _sign(sam, demo).status_code == 302
    page = sam.get(f"/supervision/coaches/{demo.users['ana'].public_id}/").content.decode()
    assert "Logs signed before" in page
