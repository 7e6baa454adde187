"""Consent, revocation and disclosure: nothing leaves without a matching consent or a reason."""

import csv
import io
import re
from datetime import timedelta

from django.utils import timezone

from audit.models import Action, AuditEvent
from cairn.demo import DemoWorld
from consent.models import Consent, Disclosure
from lib.testing import sql_value, stored_columns
from participants.models import Participant

TREATMENT = "Harbor Medical Associates"


def _pat(demo: DemoWorld) -> Participant:
    return Participant.objects.get(user=demo.users["pat"])


def _consent_data(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "disclosing_party": "Harbor Recovery Community",
        "categories": ["attendance"],
        "recipient": TREATMENT,
        "purpose": "Coordinating care",
        "expires_on": (timezone.localdate() + timedelta(days=180)).isoformat(),
        "signed_on": timezone.localdate().isoformat(),
        "signature_method": "typed",
        "signature": "Pat",
        "revocation_explained": "on",
    }
    data.update(overrides)
    return data


def _share(client, pat: Participant, **overrides: object):
    data: dict[str, object] = {
        "recipient": TREATMENT,
        "purpose": "Coordinating care",
        "categories": ["attendance"],
        "legal_basis": "consent",
    }
    data.update(overrides)
    return client.post(f"/consent/participant/{pat.id}/disclose/", data)


def test_ana_records_consent_and_shares_attendance_with_the_notice(demo, client_for) -> None:
    pat = _pat(demo)
    ana = client_for("ana")
    ana.post(f"/consent/participant/{pat.id}/new/", _consent_data())
    consent = Consent.objects.get(participant=pat)
    assert consent.status() == "active" and consent.signature == "Pat"
    response = _share(ana, pat)
    assert response["Content-Disposition"].startswith("attachment;")
    document = response.content.decode()
    assert "42 CFR part 2" in document and "does not meet this requirement" in document
    assert "Attendance" in document and "Contact notes" not in document
    disclosure = Disclosure.objects.get()
    assert (disclosure.consent, disclosure.recipient) == (consent, TREATMENT)
    assert len(disclosure.document_sha256) == 64
    assert AuditEvent.objects.filter(action=Action.EXPORT, participant_id=pat.id).exists()
    page = ana.get(f"/consent/participant/{pat.id}/").content.decode()
    assert TREATMENT in page and "Accounting of disclosures" in page
    rows = list(
        csv.reader(
            io.StringIO(
                ana.get(f"/consent/participant/{pat.id}/accounting.csv").content.decode("utf-8-sig")
            )
        )
    )
    assert rows[0][0] == "disclosed_at" and rows[1][1] == TREATMENT


def test_sharing_without_matching_consent_is_refused_with_the_reason(demo, client_for) -> None:
    pat = _pat(demo)
    ana = client_for("ana")
    ana.post(f"/consent/participant/{pat.id}/new/", _consent_data())
    for overrides in (
        {"recipient": "Someone Else"},
        {"categories": ["notes"]},
        {"purpose": "Research"},
    ):
        refused = _share(ana, pat, **overrides)
        assert "No active consent" in refused.content.decode()
    assert not Disclosure.objects.exists()


def test_revoked_and_expired_consents_stop_sharing(demo, client_for) -> None:
    pat = _pat(demo)
    ana = client_for("ana")
    ana.post(f"/consent/participant/{pat.id}/new/", _consent_data())
    consent = Consent.objects.get()
    confirm = ana.get(f"/consent/{consent.id}/revoke/").content.decode()
    assert f"Revoke consent to share with {TREATMENT}?" in confirm
    ana.post(f"/consent/{consent.id}/revoke/", {"note": "Pat asked by phone"})
    consent.refresh_from_db()
    assert consent.status() == "revoked"
    assert "No active consent" in _share(ana, pat).content.decode()
    ana.post(
        f"/consent/participant/{pat.id}/new/",
        _consent_data(
            signed_on=(timezone.localdate() - timedelta(days=400)).isoformat(),
            expires_on=(timezone.localdate() - timedelta(days=35)).isoformat(),
        ),
    )
    assert Consent.objects.get(revoked_at__isnull=True).status() == "expired"
    assert "No active consent" in _share(ana, pat).content.decode()


def test_emergency_disclosure_needs_a_reason(demo, client_for) -> None:
    pat = _pat(demo)
    ana = client_for("ana")
    no_reason = _share(ana, pat, recipient="County ED", legal_basis="medical_emergency")
    assert "needs the reason written down" in no_reason.content.decode()
    ok = _share(
        ana,
        pat,
        recipient="County ED",
        legal_basis="medical_emergency",
        basis_reason="Unresponsive; ED asked about recent use",
    )
    assert ok.status_code == 200
    assert Disclosure.objects.get().consent is None


def test_consent_form_requires_the_part_2_elements(demo, client_for) -> None:
    pat = _pat(demo)
    page = (
        client_for("ana")
        .post(
            f"/consent/participant/{pat.id}/new/",
            _consent_data(
                expires_on="",
                revocation_explained="",
                signed_on=(timezone.localdate() + timedelta(days=1)).isoformat(),
            ),
        )
        .content.decode()
        .replace("&#x27;", "'")
    )
    assert "Give an end date, or the event that ends it." in page
    assert "Explain the right to revoke" in page
    assert "can't be signed in the future" in page
    assert not Consent.objects.exists()


def test_other_coach_cannot_see_or_share(demo, client_for) -> None:
    pat = _pat(demo)
    ben = client_for("ben")
    assert ben.get(f"/consent/participant/{pat.id}/").status_code == 404
    assert _share(ben, pat).status_code == 404


def test_consents_show_on_the_overview_and_ending_soon_on_today(demo, client_for) -> None:
    pat = _pat(demo)
    ana = client_for("ana")
    ana.post(
        f"/consent/participant/{pat.id}/new/",
        _consent_data(expires_on=(timezone.localdate() + timedelta(days=5)).isoformat()),
    )
    overview = ana.get(f"/participants/{pat.id}/").content.decode()
    assert TREATMENT in overview
    today = ana.get("/today/").content.decode()
    assert "Consents ending soon" in today and TREATMENT in today


def test_a_complete_copy_of_the_record_for_the_person(demo, client_for) -> None:
    import json as json_module

    pat = _pat(demo)
    ana = client_for("ana")
    data = json_module.loads(ana.get(f"/consent/participant/{pat.id}/record.json").content)
    assert data["about_you"]["preferred_name"] == "Pat"
    assert data["about_you"]["helps_feel_safe"].startswith("Knowing what the call is about")
    assert len(data["contacts"]) == pat.encounters.count() > 0
    assert {"coaches", "status_history", "support_people", "consents", "disclosures"} <= set(data)
    goals = [g["in_your_words"] for g in data["recovery_plan"]["goals"]]
    assert "Have a place of my own where my kids can stay over" in goals
    assert [m["what"] for m in data["milestones"]][:1] == ["Dinner with my kids at Dee's"]
    assert [a["total"] for a in data["assessments"] if a["instrument"].startswith("Brief")][:2] == [
        31,
        33,
    ]
    assert any(part["entries"] for part in data["safety_plan"])
    html = ana.get(f"/consent/participant/{pat.id}/record.html")
    assert html["Content-Disposition"].endswith('my-cairn-record.html"')
    page = html.content.decode()
    assert "Pat's record at Harbor Recovery Community" in page
    assert '<th scope="row">Name they go by</th><td>Pat</td>' in page
    assert '<th scope="row">Ok to leave a voicemail</th><td>no</td>' in page
    assert "Have a place of my own where my kids can stay over" in page
    assert "Your safety plan" in page
    # Words and dates as a person reads them, never the data copy's codes and ISO timestamps.
    assert "In person" in page and "in_person" not in page
    assert "Active" in page and ": active" not in page
    assert not re.search(r"\d{4}-\d{2}-\d{2}T\d{2}:", page)
    assert "None" not in page
    assert (
        AuditEvent.objects.filter(
            action=Action.EXPORT, target_type="consent.participant_record"
        ).count()
        == 2
    )
    assert client_for("ben").get(f"/consent/participant/{pat.id}/record.json").status_code == 404


def test_a_drawn_signature_is_kept_encrypted_and_shown(demo, client_for) -> None:
    from django.db import connection

    pat = _pat(demo)
    ana = client_for("ana")
    missing = ana.post(
        f"/consent/participant/{pat.id}/new/", _consent_data(signature_method="drawn")
    ).content.decode()
    assert "Draw the signature in the box, or choose another way to sign." in missing
    forged = ana.post(
        f"/consent/participant/{pat.id}/new/",
        _consent_data(signature_method="drawn", signature_drawing='M 1 1"/><script>'),
    ).content.decode()
    assert "The drawing could not be read" in forged
    path = "M 10 100 L 60 40 L 120 110 M 150 90 L 210 60"
    response = ana.post(
        f"/consent/participant/{pat.id}/new/",
        _consent_data(signature_method="drawn", signature_drawing=path),
    )
    assert response.status_code == 302
    consent = Consent.objects.get(participant=pat)
    assert consent.signature_drawing == path
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT signature_drawing FROM consent_consent WHERE id = %s", [sql_value(consent.id)]
        )
        assert "L 60 40" not in cursor.fetchone()[0]
    page = ana.get(f"/consent/participant/{pat.id}/").content.decode()
    assert f'<path d="{path}"/>' in page and "Signature drawn by Pat" in page


def test_a_scanned_paper_consent_is_uploaded_checked_and_opened(demo, client_for) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    pat = _pat(demo)
    ana = client_for("ana")
    no_file = ana.post(
        f"/consent/participant/{pat.id}/new/", _consent_data(signature_method="scan")
    ).content.decode()
    assert "Choose the scanned file to upload." in no_file
    not_a_scan = SimpleUploadedFile("form.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
    wrong = ana.post(
        f"/consent/participant/{pat.id}/new/",
        _consent_data(signature_method="scan", scan=not_a_scan),
    ).content.decode()
    assert "Upload the scan as a PDF, PNG or JPEG file." in wrong
    assert "Coordinating care" in wrong  # what was typed is kept
    pdf = b"%PDF-1.4\n% a signed consent\n"
    ana.post(
        f"/consent/participant/{pat.id}/new/",
        _consent_data(signature_method="scan", scan=SimpleUploadedFile("c.pdf", pdf)),
    )
    consent = Consent.objects.get(participant=pat)
    assert consent.scan.size == len(pdf) and consent.scan.content_type == "application/pdf"
    opened = ana.get(f"/consent/{consent.id}/scan/")
    assert opened.content == pdf and opened["Content-Type"] == "application/pdf"
    assert AuditEvent.objects.filter(target_type="consent.scan", participant_id=pat.id).exists()
    assert client_for("ben").get(f"/consent/{consent.id}/scan/").status_code == 404


def test_a_consents_recipient_hash_follows_its_recipient_however_it_is_written(demo) -> None:
    from api.tests.support import consent_to
    from lib.blind_index import keyed_hash

    consent = consent_to(Participant.objects.get(user=demo.users["pat"]), recipient="A clinic")
    assert consent.recipient_hash == keyed_hash(consent.recipient) != ""
    Consent.objects.filter(pk=consent.pk).update(recipient="County  Health Department")
    consent.refresh_from_db()
    assert consent.recipient_hash == keyed_hash("county health department")
    consent.recipient = "State data warehouse"
    consent.save(update_fields=["recipient"])
    consent.refresh_from_db()
    assert consent.recipient_hash == keyed_hash("STATE DATA WAREHOUSE")
    # Stored as a keyed hash, never as the words.
    stored = stored_columns(consent, "recipient", "recipient_hash")
    assert "warehouse" not in str(stored).lower()
