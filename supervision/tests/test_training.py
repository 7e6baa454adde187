"""Training a coach keeps for themself: hours toward the program's requirement, certificates
checked by their first bytes and size as they arrive, stored encrypted, handed back only to
their owner and only as a download; the coach's own copy to take with them; and a closed account
taking the journal with it."""

import base64
import csv
import io
import zipfile
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import SkipFile
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import Action, AuditEvent
from organizations.models import Membership
from organizations.services import update_membership
from supervision import demo as supervision_demo
from supervision.models import (
    JournalEntry,
    Requirement,
    SupervisionSession,
    TrainingCertificate,
    TrainingRecord,
)
from supervision.selectors import training_hours
from supervision.services import write_entry
from supervision.uploads import MAX_CERTIFICATE_BYTES, CertificateUploadHandler

pytestmark = pytest.mark.django_db

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"% Completed: Trauma-informed peer support, 8 hours\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\x00IEND\xaeB`\x82"
)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"


@pytest.fixture
def tour(demo):
    """The tour's supervision (Sam's session with Ana, her credential, her two trainings), which
    the shared `demo` fixture leaves out; seeding it again changes nothing."""
    supervision_demo.seed(demo.organizations["harbor"], anchor=timezone.localdate())
    return demo


def _form(**changes):
    data = {
        "topic": "Trauma-informed peer support",
        "hours": "8",
        "provider": "State Peer Network",
        "taken_on": str(timezone.localdate() - timedelta(days=10)),
    }
    data.update(changes)
    return data


def _upload(content, name="certificate.pdf", content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def _clear_ana(demo) -> None:
    TrainingRecord.objects.filter(holder=demo.users["ana"]).delete()


def _add(client, **changes):
    return client.post("/supervision/training/", _form(**changes))


# --- adding, and what a file must be -----------------------------------------------------------


@pytest.mark.parametrize("content", [PDF, PNG, JPEG])
def test_a_pdf_png_or_jpeg_certificate_is_kept_with_its_type_from_its_first_bytes(
    demo, client_for, content
) -> None:
    _clear_ana(demo)
    # The name and the type the browser claims are ignored: the bytes decide.
    response = _add(client_for("ana"), certificate=_upload(content, "scan.txt", "text/plain"))
    assert response.status_code == 302
    record = TrainingRecord.objects.get(holder=demo.users["ana"])
    assert record.hours == Decimal("8") and record.provider == "State Peer Network"
    kept = TrainingCertificate.objects.get(record=record)
    assert base64.b64decode(kept.content) == content
    assert kept.size == len(content)
    assert (
        kept.content_type == {PDF: "application/pdf", PNG: "image/png", JPEG: "image/jpeg"}[content]
    )
    event = AuditEvent.objects.get(action=Action.CREATE, target_id=str(record.id))
    assert "certificate" in event.changed_fields


@pytest.mark.parametrize(
    "content",
    [
        b"GIF89a\x01\x00\x01\x00\x00\x00\x00;",
        b"<html><script>alert(1)</script></html>",
        b"MZ\x90\x00 an executable",
        b"PK\x03\x04 a zip pretending to be a pdf",
    ],
)
def test_a_file_of_another_type_is_refused_calmly_and_what_was_typed_stays(
    demo, client_for, content
) -> None:
    _clear_ana(demo)
    response = _add(
        client_for("ana"),
        topic="Naloxone trainer refresher",
        certificate=_upload(content, "certificate.pdf", "application/pdf"),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Upload the certificate as a PDF, PNG or JPEG file." in page
    assert 'value="Naloxone trainer refresher"' in page and 'value="State Peer Network"' in page
    assert not TrainingRecord.objects.filter(holder=demo.users["ana"]).exists()


@pytest.mark.parametrize(
    "content",
    [
        b"%PDF-x.9\n%%EOF\n",  # no version after the header
        PDF[:40],  # cut short: no end-of-file marker
        b"%PDF-1.7\n" + b"\x00" * 4000,  # a header and nothing a reader could use
        PNG[:20],  # a cut-off image
        b"\x89PNG\r\n\x1a\nnot a chunk at all" + b"\x00" * 20,
        JPEG[:-2],  # no end-of-image marker
    ],
)
def test_a_malformed_file_is_refused_with_a_clear_message(demo, client_for, content) -> None:
    _clear_ana(demo)
    response = _add(client_for("ana"), certificate=_upload(content))
    assert response.status_code == 400
    page = response.content.decode()
    assert "could not be read as a whole" in page and "damaged or cut" in page
    assert 'value="Trauma-informed peer support"' in page
    assert not TrainingRecord.objects.exists() or not TrainingRecord.objects.filter(
        holder=demo.users["ana"]
    )


def test_a_file_over_5_mb_is_refused_while_it_streams_in_and_what_was_typed_stays(
    demo, client_for
) -> None:
    _clear_ana(demo)
    big = PDF[:-6] + b"\x00" * MAX_CERTIFICATE_BYTES + b"%%EOF\n"
    response = _add(client_for("ana"), topic="Grief and loss", certificate=_upload(big))
    assert response.status_code == 400
    page = response.content.decode()
    assert "That file is larger than 5 MB." in page
    assert 'value="Grief and loss"' in page
    assert not TrainingRecord.objects.filter(holder=demo.users["ana"]).exists()


def test_a_file_of_exactly_5_mb_is_taken(demo, client_for) -> None:
    _clear_ana(demo)
    exact = PDF[:-6] + b"\x00" * (MAX_CERTIFICATE_BYTES - len(PDF)) + b"%%EOF\n"
    assert len(exact) == MAX_CERTIFICATE_BYTES
    assert _add(client_for("ana"), certificate=_upload(exact)).status_code == 302
    assert TrainingCertificate.objects.get(record__holder=demo.users["ana"]).size == len(exact)


def test_the_upload_handler_keeps_no_more_than_the_limit_and_one_file() -> None:
    handler = CertificateUploadHandler(None, limit=10)
    handler.new_file("certificate", "a.pdf", "application/pdf", None)
    assert handler.receive_data_chunk(b"12345", 0) is None
    with pytest.raises(SkipFile):
        handler.receive_data_chunk(b"678901", 5)
    assert handler.too_large and handler.buffer is None
    assert handler.file_complete(11) is None
    # A second file part, or a part under another name, is never kept.
    with pytest.raises(SkipFile):
        handler.new_file("certificate", "b.pdf", "application/pdf", None)
    other = CertificateUploadHandler(None)
    with pytest.raises(SkipFile):
        other.new_file("something_else", "c.pdf", "application/pdf", None)


def test_the_certificate_form_still_checks_the_csrf_token(demo) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(demo.users["ana"])
    response = client.post("/supervision/training/", _form())
    assert response.status_code == 403
    page = client.get("/supervision/training/")
    token = page.cookies["csrftoken"].value
    assert (
        client.post("/supervision/training/", _form(csrfmiddlewaretoken=token)).status_code == 302
    )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("hours", "0", "more than 0"),
        ("hours", "-2", "more than 0"),
        ("hours", "100.5", "less than or equal to 100"),
        ("hours", "1.125", "no more than 2 decimal places"),
        ("hours", "many", "Enter a number"),
        ("taken_on", "2999-01-01", "already happened"),
        ("topic", "", "This field is required"),
    ],
)
def test_hours_and_date_must_be_sensible(demo, client_for, field, value, message) -> None:
    _clear_ana(demo)
    response = _add(client_for("ana"), **{field: value})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not TrainingRecord.objects.filter(holder=demo.users["ana"]).exists()


def test_a_double_submit_makes_one_record(demo, client_for) -> None:
    _clear_ana(demo)
    ana = client_for("ana")
    page = ana.get("/supervision/training/").content.decode()
    key = page.split('name="submit_key" value="')[1].split('"')[0]
    first = ana.post("/supervision/training/", _form(submit_key=key, certificate=_upload(PDF)))
    second = ana.post("/supervision/training/", _form(submit_key=key, certificate=_upload(PDF)))
    assert first.status_code == second.status_code == 302
    assert TrainingRecord.objects.filter(holder=demo.users["ana"]).count() == 1
    assert TrainingCertificate.objects.filter(record__holder=demo.users["ana"]).count() == 1


# --- stored encrypted, handed back only to its owner, only as a download ----------------------


def _anas_certificate(demo, client_for) -> TrainingRecord:
    _clear_ana(demo)
    assert _add(client_for("ana"), certificate=_upload(PDF)).status_code == 302
    return TrainingRecord.objects.get(holder=demo.users["ana"])


def test_the_certificate_is_encrypted_at_rest(demo, client_for) -> None:
    record = _anas_certificate(demo, client_for)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT content FROM supervision_training_certificate WHERE record_id = %s",
            [record.pk.hex if connection.vendor == "sqlite" else record.pk],
        )
        [(stored,)] = cursor.fetchall()
    assert stored.startswith("enc1:")
    assert "Trauma-informed" not in stored and "%PDF" not in stored
    assert base64.b64encode(PDF).decode() not in stored
    assert base64.b64encode(PDF).decode()[:40] not in stored


def test_the_owner_downloads_the_certificate_as_an_attachment_never_inline(
    demo, client_for
) -> None:
    record = _anas_certificate(demo, client_for)
    response = client_for("ana").get(f"/supervision/training/{record.id}/certificate/")
    assert response.status_code == 200
    assert response.content == PDF
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;") and "inline" not in disposition
    assert disposition.endswith(f'filename="certificate-{record.taken_on.isoformat()}.pdf"')
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert "no-store" in response["Cache-Control"]
    assert AuditEvent.objects.filter(
        action=Action.VIEW, actor=demo.users["ana"], target_id=str(record.id)
    ).exists()


@pytest.mark.parametrize("persona", ["sam", "mia", "max", "ben", "rio"])
def test_nobody_but_the_owner_opens_or_removes_a_certificate(demo, client_for, persona) -> None:
    record = _anas_certificate(demo, client_for)
    other = client_for(persona)
    assert other.get(f"/supervision/training/{record.id}/certificate/").status_code == 404
    assert other.get(f"/supervision/training/{record.id}/remove/").status_code == 404
    assert other.post(f"/supervision/training/{record.id}/remove/").status_code == 404
    assert TrainingCertificate.objects.filter(record=record).exists()


def test_a_record_without_a_certificate_has_nothing_to_download(demo, client_for) -> None:
    _clear_ana(demo)
    _add(client_for("ana"))
    record = TrainingRecord.objects.get(holder=demo.users["ana"])
    assert client_for("ana").get(f"/supervision/training/{record.id}/certificate/").status_code == (
        404
    )


def test_removing_asks_first_then_deletes_the_record_and_its_certificate(demo, client_for) -> None:
    record = _anas_certificate(demo, client_for)
    ana = client_for("ana")
    confirm = ana.get(f"/supervision/training/{record.id}/remove/")
    assert confirm.status_code == 200
    assert "Yes, remove it" in confirm.content.decode()
    assert TrainingRecord.objects.filter(pk=record.pk).exists()
    assert ana.post(f"/supervision/training/{record.id}/remove/").status_code == 302
    assert not TrainingRecord.objects.filter(pk=record.pk).exists()
    assert not TrainingCertificate.objects.filter(record_id=record.pk).exists()
    assert AuditEvent.objects.filter(action=Action.DELETE, target_id=str(record.id)).exists()


# --- hours against the requirement -------------------------------------------------------------


def test_training_hours_count_the_records_in_the_requirements_period(demo, client_for) -> None:
    _clear_ana(demo)
    ana, today = demo.users["ana"], timezone.localdate()
    harbor = Membership.objects.get(user=ana).organization
    need = Requirement.objects.create(organization=harbor)
    assert (need.training_hours, need.training_period_months) == (46, 24)
    since = today - timedelta(days=731)  # a little over 24 months: the first day not counted
    for hours, day in (
        ("1.5", today),
        ("2.25", today - timedelta(days=40)),
        ("10", today - timedelta(days=800)),  # before the period
        ("0.25", since + timedelta(days=200)),  # in 24 months, not in 12
    ):
        TrainingRecord.objects.create(
            organization=harbor, holder=ana, topic="t", hours=Decimal(hours), taken_on=day
        )
    TrainingRecord.objects.create(
        organization=harbor, holder=demo.users["ben"], topic="t", hours=5, taken_on=today
    )
    counted = training_hours(ana, need, today=today)
    assert counted.hours == Decimal("4.00")
    assert counted.left == Decimal("42.00")
    page = client_for("ana").get("/supervision/").content.decode()
    assert "hours of training in the last 24 months, of 46 (42 to go)" in page
    mine = client_for("ana").get("/supervision/training/").content.decode()
    assert ">4</span>" in mine.split('id="training-hours"')[1].split("</ul>")[0]
    # The program changes the requirement: 12 months, 3 hours. More than enough: none to go.
    need.training_hours, need.training_period_months = 3, 12
    need.save()
    counted = training_hours(ana, need, today=today)
    assert (counted.hours, counted.left) == (Decimal("3.75"), Decimal(0))


def test_the_program_sets_the_training_hours_on_the_requirement_page(demo, client_for) -> None:
    response = client_for("mia").post(
        "/supervision/requirement/",
        {
            "supervision_hours": "25",
            "practice_hours": "500",
            "period_months": "12",
            "training_hours": "40",
            "training_period_months": "24",
        },
    )
    assert response.status_code == 302
    assert Requirement.objects.get().training_hours == 40
    bad = client_for("mia").post(
        "/supervision/requirement/",
        {
            "supervision_hours": "25",
            "practice_hours": "500",
            "period_months": "12",
            "training_hours": "40",
            "training_period_months": "0",
        },
    )
    assert "Choose between 1 and 60 months." in bad.content.decode()


def test_a_supervisor_sees_their_teams_hours_and_a_manager_the_programs_never_the_files(
    demo, client_for
) -> None:
    record = _anas_certificate(demo, client_for)
    for persona, names in (("sam", {"Ana", "Ben"}), ("mia", {"Ana", "Ben", "Sam"})):
        page = client_for(persona).get("/supervision/training/hours/").content.decode()
        table = page.split('id="training-hours"')[1].split("</table>")[0]
        for name in names:
            assert f"<td>{name}" in table
        assert "Rio" not in table and str(record.id) not in page
    assert client_for("ana").get("/supervision/training/hours/").status_code == 403
    rio = client_for("rio").get("/supervision/training/hours/")
    assert rio.status_code == 403


# --- the coach's own copy, and a coach who leaves ---------------------------------------------


def test_my_record_zip_holds_only_my_log_credentials_training_and_journal(tour, client_for) -> None:
    demo = tour
    record = _anas_certificate(demo, client_for)
    ana = Membership.objects.get(user=demo.users["ana"])
    ben = Membership.objects.get(user=demo.users["ben"])
    write_entry(acting=ana, text="What came up for me: a hard call on Tuesday.", prompt="came_up")
    write_entry(acting=ben, text="Ben's own thoughts, never in Ana's copy.")
    TrainingRecord.objects.create(
        organization=ben.organization,
        holder=ben.user,
        topic="Ben's course",
        hours=3,
        taken_on=timezone.localdate(),
    )
    response = client_for("ana").get("/supervision/my-record.zip")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == 'attachment; filename="my-record.zip"'
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = set(archive.namelist())
    certificate = f"certificates/{record.taken_on.isoformat()}-{str(record.id)[:8]}.pdf"
    assert names >= {
        "README.txt",
        "supervision-log.csv",
        "credentials.csv",
        "training.csv",
        "journal.txt",
        certificate,
    }
    assert archive.read(certificate) == PDF
    journal = archive.read("journal.txt").decode()
    assert "a hard call on Tuesday" in journal and "What came up for me" in journal
    assert "Ben" not in journal
    log = list(csv.reader(io.StringIO(archive.read("supervision-log.csv").decode("utf-8-sig"))))
    assert log[0] == ["Date", "Minutes", "Format", "How", "Topics", "Supervisor"]
    assert len(log) == 1 + SupervisionSession.objects.filter(coaches=ana.user).count()
    everything = b"".join(archive.read(name) for name in names).decode("utf-8", "replace")
    assert "Friday afternoons" not in everything  # the session's notes stay out
    assert "Ben's course" not in everything and "Ben's own thoughts" not in everything
    training = archive.read("training.csv").decode("utf-8-sig")
    assert "Trauma-informed peer support" in training and certificate in training
    assert "CPRS-20417" in archive.read("credentials.csv").decode("utf-8-sig")
    assert "your journal is deleted" in archive.read("README.txt").decode()
    event = AuditEvent.objects.get(action=Action.EXPORT, target_type="supervision.my_record")
    assert event.actor == ana.user and event.target_id == str(ana.user.public_id)


def test_my_record_neutralises_text_that_starts_like_a_formula(demo, client_for) -> None:
    _clear_ana(demo)
    _add(client_for("ana"), topic='=HYPERLINK("http://evil.example","x")', provider="@SUM(1)")
    archive = zipfile.ZipFile(
        io.BytesIO(client_for("ana").get("/supervision/my-record.zip").content)
    )
    rows = list(csv.reader(io.StringIO(archive.read("training.csv").decode("utf-8-sig"))))
    assert rows[1][1] == '\'=HYPERLINK("http://evil.example","x")'
    assert rows[1][3] == "'@SUM(1)"


def test_the_supervision_page_says_what_happens_when_the_account_is_closed(client_for) -> None:
    page = client_for("ana").get("/supervision/").content.decode()
    assert "your journal is deleted for good" in page
    assert 'href="/supervision/my-record.zip"' in page


def test_closing_an_account_deletes_the_journal_and_keeps_the_supervision_sessions(
    tour, client_for
) -> None:
    demo = tour
    ana = Membership.objects.get(user=demo.users["ana"])
    ben = Membership.objects.get(user=demo.users["ben"])
    max_ = Membership.objects.get(user=demo.users["max"])
    write_entry(acting=ana, text="Mine alone.")
    write_entry(acting=ana, text="Also mine.")
    write_entry(acting=ben, text="Ben's, untouched.")
    sessions = SupervisionSession.objects.filter(coaches=ana.user).count()
    assert sessions >= 1
    update_membership(acting=max_, membership=ana, role=ana.role, team=ana.team, is_active=False)
    assert not JournalEntry.objects.filter(writer=ana.user).exists()
    assert JournalEntry.objects.filter(writer=ben.user).count() == 1
    assert SupervisionSession.objects.filter(coaches=ana.user).count() == sessions
    event = AuditEvent.objects.get(target_type="supervision.journal")
    assert event.action == Action.DELETE and event.actor == max_.user
    assert event.target_id == str(ana.user.public_id) and event.changed_fields == ["journal"]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM supervision_journal_entry WHERE writer_id = %s", [ana.user_id]
        )
        assert cursor.fetchone() == (0,)
    # Reactivated, the journal does not come back; a change that is not a closing keeps it.
    update_membership(acting=max_, membership=ana, role=ana.role, team=ana.team, is_active=True)
    assert not JournalEntry.objects.filter(writer=ana.user).exists()
    update_membership(acting=max_, membership=ben, role=ben.role, team=None, is_active=True)
    assert JournalEntry.objects.filter(writer=ben.user).count() == 1


def test_the_deactivation_page_says_the_journal_goes_and_the_log_stays(demo, client_for) -> None:
    url = reverse("organizations:person_active", kwargs={"public_id": demo.users["ana"].public_id})
    page = client_for("max").get(url)
    text = page.content.decode()
    assert page.status_code == 200
    assert "journal in this organization is deleted for good" in text, text.split("<main")[-1][:600]
    assert "supervision sessions stay" in text


def test_the_demo_gives_ana_two_trainings_one_with_a_pdf_certificate(tour, client_for) -> None:
    demo = tour
    records = list(TrainingRecord.objects.filter(holder=demo.users["ana"]).order_by("taken_on"))
    assert len(records) == 2
    kept = TrainingCertificate.objects.get(record__holder=demo.users["ana"])
    content = base64.b64decode(kept.content)
    assert content.startswith(b"%PDF-") and b"%%EOF" in content[-1024:]
    page = client_for("ana").get("/supervision/training/").content.decode()
    assert "Motivational interviewing" in page and "Download" in page
