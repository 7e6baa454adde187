"""My record and privacy: what Cairn holds, who looked, my consents (stop one), a copy of it all."""

import json
import re
from datetime import datetime, timedelta
from typing import Any
from unittest import mock

import pytest
from django.utils import timezone

from audit.models import Action, AuditEvent
from cairn.demo import DemoWorld
from cairn.tests.html_parts import elements
from consent.models import Consent, Disclosure
from encounters.models import Encounter, NoteState
from participants.models import Participant

pytestmark = pytest.mark.django_db


def _pat(demo: DemoWorld) -> Participant:
    return Participant.objects.get(user=demo.users["pat"])


def _recorded(
    pat: Participant,
    *,
    at: datetime,
    actor: Any,
    role: str,
    target: str,
    action: Action = Action.VIEW,
) -> None:
    """One event of Pat's trail written as it was at `at` (the trail is append-only)."""
    from audit.services import Target, record_event

    with mock.patch("django.utils.timezone.now", return_value=at):
        record_event(
            action=action,
            actor=actor,
            organization=pat.organization,
            role=role,
            target=Target(type=target, id="1"),
            participant_id=pat.id,
        )


def _consent(demo: DemoWorld, **extra: object) -> Consent:
    pat = _pat(demo)
    values: dict[str, object] = {
        "organization": pat.organization,
        "participant": pat,
        "disclosing_party": "Harbor",
        "categories": ["attendance"],
        "recipient": "Harbor Medical Associates",
        "purpose": "Coordinating care",
        "signed_on": timezone.localdate(),
        "signature_method": "typed",
        "signature": "Pat",
        "created_by": demo.users["ana"],
    }
    values.update(extra)
    return Consent.objects.create(**values)


def test_record_page_lists_what_is_held_consents_and_disclosures(demo, client_for) -> None:
    consent = _consent(demo)
    Disclosure.objects.create(
        organization=consent.organization,
        participant=consent.participant,
        consent=consent,
        legal_basis="consent",
        recipient="Harbor Medical Associates",
        purpose="Coordinating care",
        categories=["attendance"],
        disclosed_by=demo.users["ana"],
        document_sha256="0" * 64,
    )
    page = client_for("pat").get("/me/record/").content.decode()
    assert len(re.findall(r"<h1[\s>]", page)) == 1
    assert "What Cairn keeps about me" in page
    assert "1 more note is not shared with you." in page  # the demo's withheld note
    assert "Stop sharing with Harbor Medical Associates" in page
    assert "shared with Harbor Medical Associates" in page
    assert 'href="/me/record/copy.html"' in page and 'href="/me/record/access/"' in page


def test_access_report_shows_anas_views_in_plain_words(demo, client_for) -> None:
    pat = _pat(demo)
    client_for("ana").get(f"/participants/{pat.id}/")
    client_for("pat").get("/me/")
    page = client_for("pat").get("/me/record/access/").content.decode()
    assert len(re.findall(r"<h1[\s>]", page)) == 1
    assert "Ana</strong> (peer coach) looked at your record" in page
    assert "(you)" not in page  # my own visits are not listed
    assert AuditEvent.objects.filter(
        target_type="audit.access_report", actor=demo.users["pat"], participant_id=pat.id
    ).exists()


def test_pat_stops_a_consent_after_a_confirmation_step(demo, client_for) -> None:
    consent = _consent(demo)
    pat = client_for("pat")
    confirm = pat.get(f"/me/record/consents/{consent.id}/stop/").content.decode()
    assert "Stop sharing with Harbor Medical Associates?" in confirm
    consent.refresh_from_db()
    assert consent.revoked_at is None  # looking at the question changes nothing
    assert pat.post(f"/me/record/consents/{consent.id}/stop/", {"note": ""}).status_code == 302
    consent.refresh_from_db()
    assert consent.revoked_at is not None and consent.revoked_by == demo.users["pat"]
    event = AuditEvent.objects.get(target_id=str(consent.id), action=Action.UPDATE)
    assert event.role == "participant" and event.actor == demo.users["pat"]
    assert "Revoked" in pat.get("/me/record/").content.decode()


def test_a_consent_already_ended_is_not_stopped_again(demo, client_for) -> None:
    consent = _consent(demo, expires_on=timezone.localdate() - timedelta(days=3))
    response = client_for("pat").post(f"/me/record/consents/{consent.id}/stop/")
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.revoked_at is None


def test_another_persons_consent_is_not_found(demo, client_for) -> None:
    other = Participant.objects.exclude(pk=_pat(demo).pk).filter(
        organization=demo.organizations["harbor"]
    )[0]
    consent = _consent(demo, participant=other)
    assert client_for("pat").post(f"/me/record/consents/{consent.id}/stop/").status_code == 404
    consent.refresh_from_db()
    assert consent.revoked_at is None


def test_my_copy_leaves_out_drafts_and_withheld_notes_and_is_audited(demo, client_for) -> None:
    pat = _pat(demo)
    Encounter.objects.create(
        organization=pat.organization,
        participant=pat,
        author=demo.users["ana"],
        contact_type="phone",
        started_at=timezone.now(),
        occurred_on=timezone.localdate(),
        summary="Draft words not yet signed",
    )
    withheld = Encounter.objects.get(participant=pat, withheld_at__isnull=False)
    response = client_for("pat").get("/me/record/copy.json")
    assert response["Content-Disposition"] == 'attachment; filename="my-cairn-record.json"'
    copy = json.loads(response.content)
    summaries = [c["summary"] for c in copy["contacts"]]
    assert "Draft words not yet signed" not in summaries
    # Only the signed notes Pat can read: the withheld one is listed by date and reason only.
    assert (
        len(copy["contacts"])
        == Encounter.objects.filter(
            participant=pat, state=NoteState.SIGNED, withheld_at__isnull=True
        ).count()
    )
    assert copy["notes_not_shared"] == [
        {
            "date": withheld.occurred_on.isoformat(),
            "reason": "it has information about another person",
        }
    ]
    assert AuditEvent.objects.filter(
        action=Action.EXPORT, actor=demo.users["pat"], participant_id=pat.id
    ).exists()
    html = client_for("pat").get("/me/record/copy.html").content.decode()
    assert "Pat's record at Harbor Recovery Community" in html


def test_portal_pages_have_one_h1_and_the_help_bar(demo, client_for) -> None:
    note = Encounter.objects.filter(
        participant=_pat(demo), state=NoteState.SIGNED, withheld_at__isnull=True
    ).first()
    assert note is not None
    client = client_for("pat")
    for path in (
        "/me/notes/",
        f"/me/notes/{note.id}/",
        f"/me/notes/{note.id}/comment/",
        f"/me/notes/{note.id}/correction/",
        "/me/messages/",
        "/me/record/",
        "/me/record/access/",
    ):
        page = client.get(path).content.decode()
        assert len(re.findall(r"<h1[\s>]", page)) == 1, path
        assert 'href="tel:988"' in page and "Leave quickly" in page, path


def test_who_has_looked_counts_repeats_in_one_line_per_person_thing_and_day(
    demo, client_for
) -> None:
    pat = _pat(demo)
    ana = client_for("ana")
    for _ in range(4):
        ana.get(f"/contacts/timeline/{pat.id}/")
    ana.get(f"/participants/{pat.id}/")
    day = timezone.localtime().strftime("%-d %b")
    record = client_for("pat").get("/me/record/").content.decode()
    assert f"Ana</strong> (peer coach) looked at your list of contacts 4 times on {day}" in record
    assert record.count("looked at your list of contacts") == 1
    full = client_for("pat").get("/me/record/access/").content.decode()
    assert full.count("looked at your list of contacts") == 1
    assert "looked at your list of contacts 4 times" in full
    once = re.search(r"looked at your record\s*<br>", full)
    assert once, "a single look is a line of its own, with its time and no count"
    assert "1 time" not in full


def test_who_has_looked_keeps_days_and_people_apart(demo, client_for) -> None:
    pat = _pat(demo)
    client_for("ana").get(f"/contacts/timeline/{pat.id}/")
    client_for("ana").get(f"/contacts/timeline/{pat.id}/")
    client_for("sam").get(f"/contacts/timeline/{pat.id}/")
    earlier = AuditEvent.objects.filter(
        actor=demo.users["ana"], target_type="encounters.timeline"
    ).first()
    assert earlier is not None
    # An event from two days ago (the trail is append-only: one row written as it was then).
    _recorded(
        pat,
        at=timezone.now() - timedelta(days=2),
        actor=demo.users["ana"],
        role="coach",
        target="encounters.timeline",
    )
    full = client_for("pat").get("/me/record/access/").content.decode()
    assert "Ana</strong> (peer coach) looked at your list of contacts 2 times" in full
    assert "Sam</strong> (supervisor) looked at your list of contacts\n" in full
    assert full.count("Ana</strong> (peer coach) looked at your list of contacts") == 2


def test_who_has_looked_in_spanish_counts_in_spanish(demo, client_for) -> None:
    from portal.tests.test_spanish import spanish_pat

    pat = _pat(demo)
    for _ in range(3):
        client_for("ana").get(f"/contacts/timeline/{pat.id}/")
    full = spanish_pat().get("/me/record/access/").content.decode()
    assert "3 veces" in full and "3 times" not in full


def test_who_has_looked_shows_one_time_for_a_minute_and_a_span_for_longer(demo, client_for) -> None:
    pat, sam = _pat(demo), demo.users["sam"]
    start = timezone.now().replace(hour=15, minute=0, second=5, microsecond=0)
    seconds = [0, 20, 40, 60 * 60]  # three in one minute on the timeline, then the plan an hour on
    for n, later in enumerate(seconds):
        at = start + timedelta(seconds=later)
        kind = "encounters.timeline" if n < 3 else "plans.plan"
        _recorded(pat, at=at, actor=sam, role="supervisor", target=kind)
        _recorded(pat, at=at, actor=sam, role="supervisor", target="plans.plan")
    _recorded(
        pat,
        at=start,
        actor=None,
        role="partner",
        target="participants.participant",
        action=Action.UPDATE,
    )
    page = client_for("pat").get("/me/record/access/").content.decode()
    lines = [" ".join(li.text.split()) for li in elements(page, "li") if "Sam" in li.text]
    timeline = next(line for line in lines if "list of contacts" in line)
    plan = next(line for line in lines if "recovery plan" in line)
    assert "3 times" in timeline and " from " not in timeline
    assert "5 times" in plan and " from " in plan and " to " in plan
    cairn = [" ".join(li.text.split()) for li in elements(page, "li") if "Cairn itself" in li.text]
    assert cairn and all("(" not in line for line in cairn)
