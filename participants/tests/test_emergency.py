"""Emergency access: exact details and a reason, 60 minutes, every page flagged, reviewed."""

from datetime import timedelta

from django.utils import timezone

from audit.models import Action, AuditEvent
from cairn.demo import DemoWorld
from participants.models import EmergencyAccess, Participant


def _pat(demo: DemoWorld) -> Participant:
    return Participant.objects.get(user=demo.users["pat"])


def _open(client, pat: Participant, reason: str = "Pat is at the front desk in crisis"):
    assert pat.date_of_birth is not None
    return client.post(
        "/participants/emergency/",
        {
            "preferred_name": "pat",
            "date_of_birth": pat.date_of_birth.isoformat(),
            "reason": reason,
        },
    )


def test_ben_opens_pats_record_with_a_reason_and_every_page_is_flagged(demo, client_for):
    pat = _pat(demo)
    ben = client_for("ben")
    assert ben.get(f"/participants/{pat.id}/").status_code == 404
    response = _open(ben, pat)
    assert response["Location"] == f"/participants/{pat.id}/"
    assert ben.get(f"/participants/{pat.id}/").status_code == 200
    assert ben.get(f"/contacts/timeline/{pat.id}/").status_code == 200
    grant = EmergencyAccess.objects.get()
    assert grant.user == demo.users["ben"] and grant.reason.startswith("Pat is at the front desk")
    assert timedelta(minutes=59) < grant.expires_at - grant.started_at <= timedelta(minutes=61)
    flagged = AuditEvent.objects.filter(action=Action.BREAK_GLASS, participant_id=pat.id)
    assert flagged.count() == 3  # the grant itself, the overview and the timeline
    assert ben.get(f"/consent/participant/{pat.id}/").status_code == 200
    assert flagged.count() == 4  # every app's participant pages use the same flagged lookup


def test_access_ends_after_an_hour(demo: DemoWorld, client_for) -> None:
    pat = _pat(demo)
    ben = client_for("ben")
    _open(ben, pat)
    EmergencyAccess.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    assert ben.get(f"/participants/{pat.id}/").status_code == 404


def test_details_must_match_one_record_and_a_miss_is_audited(demo, client_for) -> None:
    pat = _pat(demo)
    ben = client_for("ben")
    missing = ben.post(
        "/participants/emergency/",
        {"preferred_name": "pat", "date_of_birth": "1950-01-01", "reason": "x"},
    )
    assert "No single record matches those details." in missing.content.decode()
    no_detail = ben.post("/participants/emergency/", {"preferred_name": "pat", "reason": "x"})
    assert "Give their date of birth or phone" in no_detail.content.decode()
    assert not EmergencyAccess.objects.exists()
    assert AuditEvent.objects.filter(
        action=Action.PERMISSION_DENIED, target_type="participants.emergency"
    ).exists()
    assert ben.get(f"/participants/{pat.id}/").status_code == 404


def test_manager_reviews_emergency_access(demo: DemoWorld, client_for) -> None:
    pat = _pat(demo)
    _open(client_for("ben"), pat)
    mia = client_for("mia")
    queue = mia.get("/participants/emergency/review/").content.decode()
    assert "Ben" in queue and "front desk in crisis" in queue
    grant = EmergencyAccess.objects.get()
    mia.post("/participants/emergency/review/", {"grant": grant.id, "note": "Appropriate."})
    grant.refresh_from_db()
    assert grant.reviewed_by == demo.users["mia"] and grant.review_note == "Appropriate."
    assert "Reviewed by Mia" in mia.get("/participants/emergency/review/").content.decode()


def test_other_organizations_cannot_break_into_harbor(demo: DemoWorld, client_for) -> None:
    pat = _pat(demo)
    rio = client_for("rio")
    response = _open(rio, pat)
    assert "No single record matches those details." in response.content.decode()
    assert rio.get(f"/participants/{pat.id}/").status_code == 404
