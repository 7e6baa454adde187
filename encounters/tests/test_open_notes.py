"""Open notes: Pat reads signed notes (never drafts, never review comments), sees withheld ones
listed with a reason, comments or asks for corrections, and the coach answers."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import User
from audit.models import Action, AuditEvent
from cairn.demo import DemoWorld
from encounters.models import (
    Addendum,
    Encounter,
    FeedbackStatus,
    NoteFeedback,
    NoteState,
    ReviewState,
)
from encounters.services import record_encounter, sign_encounter
from organizations.models import Membership, Role
from participants.models import Participant

pytestmark = pytest.mark.django_db


def _pat(demo: DemoWorld) -> Participant:
    return Participant.objects.get(user=demo.users["pat"])


def _ana(demo: DemoWorld) -> Membership:
    return Membership.objects.select_related("user", "organization").get(user=demo.users["ana"])


def _write(demo: DemoWorld, summary: str, *, sign: bool = True, days_ago: int = 1) -> Encounter:
    note = record_encounter(
        acting=_ana(demo),
        participant=_pat(demo),
        brief=True,
        values={
            "contact_type": "in_person",
            "started_at": timezone.now() - timedelta(days=days_ago),
            "summary": summary,
        },
    )
    return sign_encounter(acting=_ana(demo), encounter=note) if sign else note


def test_signed_notes_are_open_to_pat_and_drafts_never_are(demo, client_for) -> None:
    signed = _write(demo, "Talked about the bus pass.")
    draft = _write(demo, "Still writing this one.", sign=False)
    pat = client_for("pat")
    listing = pat.get("/me/notes/").content.decode()
    assert "Talked about the bus pass." in listing
    assert "Still writing this one." not in listing
    assert "Talked about the bus pass." in pat.get(f"/me/notes/{signed.id}/").content.decode()
    assert pat.get(f"/me/notes/{draft.id}/").status_code == 404


def test_supervisor_review_comments_are_never_shown_to_pat(demo, client_for) -> None:
    note = _write(demo, "Planned the clinic visit.")
    Encounter.objects.filter(pk=note.pk).update(
        review_state=ReviewState.RETURNED, review_comment="Add the time you spent, please."
    )
    page = client_for("pat").get(f"/me/notes/{note.id}/").content.decode()
    assert "Planned the clinic visit." in page
    assert "Add the time you spent" not in page


def test_withheld_note_is_listed_with_its_reason_but_not_shown(demo, client_for) -> None:
    note = _write(demo, "Her sister's situation came up.", days_ago=3)
    response = client_for("ana").post(
        f"/contacts/{note.id}/withhold/", {"reason": "another_person", "comment": ""}
    )
    assert response.status_code == 302
    pat = client_for("pat")
    listing = pat.get("/me/notes/").content.decode()
    day = note.started_at.astimezone(timezone.get_current_timezone())
    assert (
        f"A note from {day.day} {day:%b %Y} was not shared: "
        "it has information about another person." in listing
    )
    assert "Her sister" not in listing
    assert pat.get(f"/me/notes/{note.id}/").status_code == 404
    assert AuditEvent.objects.filter(
        action=Action.UPDATE, target_id=str(note.id), changed_fields__has_item="withheld_reason"
    ).exists()
    # Shared again: readable, and the un-withholding is audited too.
    assert client_for("ana").post(f"/contacts/{note.id}/share/").status_code == 302
    assert "Her sister" in pat.get(f"/me/notes/{note.id}/").content.decode()
    assert (
        AuditEvent.objects.filter(
            action=Action.UPDATE, target_id=str(note.id), changed_fields=["withheld_at"]
        ).count()
        == 1
    )


def test_only_the_author_or_a_supervisor_may_withhold(demo, client_for) -> None:
    note = _write(demo, "A note of Ana's.")
    assert client_for("ben").get(f"/contacts/{note.id}/withhold/").status_code == 404
    assert client_for("mia").get(f"/contacts/{note.id}/withhold/").status_code == 403
    sam = client_for("sam")
    assert sam.post(f"/contacts/{note.id}/withhold/", {"reason": "risk"}).status_code == 302
    note.refresh_from_db()
    assert note.withheld_reason == "risk" and note.withheld_by == demo.users["sam"]


def test_withhold_needs_a_reason_from_the_list(demo, client_for) -> None:
    note = _write(demo, "A note.")
    page = client_for("ana").post(f"/contacts/{note.id}/withhold/", {"reason": "bored"})
    assert page.status_code == 200 and 'role="alert"' in page.content.decode()
    note.refresh_from_db()
    assert note.withheld_at is None


def _ask(demo: DemoWorld, client_for, note: Encounter) -> NoteFeedback:
    response = client_for("pat").post(
        f"/me/notes/{note.id}/correction/",
        {"text": "It was Tuesday, not Monday.", "suggested": "We met on Tuesday."},
    )
    assert response.status_code == 302
    return NoteFeedback.objects.get(encounter=note)


def test_an_accepted_correction_becomes_an_addendum_and_the_note_stays_locked(
    demo, client_for
) -> None:
    note = _write(demo, "Met on Monday at the center.")
    request = _ask(demo, client_for, note)
    ana = client_for("ana")
    assert "It was Tuesday" in ana.get(f"/contacts/{note.id}/").content.decode()
    assert "1 comment or correction request on your notes" in ana.get("/today/").content.decode()
    response = ana.post(
        f"/contacts/requests/{request.id}/answer/",
        {"decision": "accept", "text": "We met on Tuesday, not Monday."},
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == FeedbackStatus.ACCEPTED
    addendum = Addendum.objects.get(encounter=note)
    assert request.addendum == addendum and "We met on Tuesday" in addendum.text
    locked = Encounter.objects.get(pk=note.pk)
    assert locked.summary == "Met on Monday at the center."
    assert locked.content_hash == note.content_hash and locked.state == NoteState.SIGNED
    page = client_for("pat").get(f"/me/notes/{note.id}/").content.decode()
    assert "Corrected: the change was added to the note" in page
    assert "We met on Tuesday, not Monday." in page
    assert AuditEvent.objects.filter(
        target_type="encounters.notefeedback", action=Action.UPDATE
    ).exists()
    assert "comment or correction request" not in ana.get("/today/").content.decode()


def test_a_declined_correction_shows_pat_the_reason(demo, client_for) -> None:
    note = _write(demo, "Talked about the weekend.")
    request = _ask(demo, client_for, note)
    client_for("ana").post(
        f"/contacts/requests/{request.id}/answer/",
        {"decision": "decline", "text": "My calendar shows Monday; let's talk on Thursday."},
    )
    page = client_for("pat").get(f"/me/notes/{note.id}/").content.decode()
    assert "Not changed" in page
    assert "My calendar shows Monday; let&#x27;s talk on Thursday." in page
    assert not Addendum.objects.filter(encounter=note).exists()


def test_decline_without_a_reason_is_refused_and_keeps_the_request_open(demo, client_for) -> None:
    note = _write(demo, "A note.")
    request = _ask(demo, client_for, note)
    page = client_for("ana").post(
        f"/contacts/requests/{request.id}/answer/", {"decision": "decline", "text": ""}
    )
    assert 'role="alert"' in page.content.decode()
    request.refresh_from_db()
    assert request.status == FeedbackStatus.OPEN


def test_a_request_answered_elsewhere_is_not_answered_twice(demo, client_for) -> None:
    note = _write(demo, "A note.")
    request = _ask(demo, client_for, note)
    client_for("sam").post(
        f"/contacts/requests/{request.id}/answer/", {"decision": "decline", "text": "Sam's no."}
    )
    page = client_for("ana").post(
        f"/contacts/requests/{request.id}/answer/",
        {"decision": "accept", "text": "Ana's late yes."},
    )
    body = page.content.decode()
    assert "answered this on" in body and "Ana&#x27;s late yes." in body
    request.refresh_from_db()
    assert request.answer == "Sam's no." and not Addendum.objects.filter(encounter=note).exists()


def test_a_comment_is_marked_read_with_an_optional_reply(demo, client_for) -> None:
    note = _write(demo, "A note.")
    client_for("pat").post(f"/me/notes/{note.id}/comment/", {"text": "Thanks for this."})
    comment = NoteFeedback.objects.get(encounter=note)
    client_for("ana").post(f"/contacts/requests/{comment.id}/answer/", {"decision": "seen"})
    comment.refresh_from_db()
    assert comment.status == FeedbackStatus.SEEN
    assert "Your coach read it" in client_for("pat").get(f"/me/notes/{note.id}/").content.decode()


def test_another_participants_note_and_request_are_not_found(demo, client_for) -> None:
    note = _write(demo, "Pat's note.")
    request = _ask(demo, client_for, note)
    other = Participant.objects.exclude(pk=_pat(demo).pk).filter(
        organization=demo.organizations["harbor"]
    )[0]
    user = User.objects.create(username="other_person")
    Membership.objects.create(
        organization=demo.organizations["harbor"], user=user, role=Role.PARTICIPANT
    )
    Participant.objects.filter(pk=other.pk).update(user=user)
    client = Client()
    client.force_login(user)
    assert client.get(f"/me/notes/{note.id}/").status_code == 404
    assert client.post(f"/me/notes/{note.id}/correction/", {"text": "x"}).status_code == 404
    assert client.get(f"/contacts/requests/{request.id}/answer/").status_code == 403
    assert "Pat&#x27;s note." not in client.get("/me/notes/").content.decode()
    assert NoteFeedback.objects.count() == 1


def test_comments_corrections_and_answers_are_unreadable_at_rest(demo, client_for) -> None:
    from django.db import connection

    note = _write(demo, "A note.")
    request = _ask(demo, client_for, note)
    client_for("ana").post(
        f"/contacts/requests/{request.id}/answer/",
        {"decision": "decline", "text": "Checked with Rosalind at the front desk."},
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT text, suggested, answer FROM encounters_notefeedback")
        stored = " ".join(value for row in cursor.fetchall() for value in row)
    assert "Tuesday" not in stored and "Rosalind" not in stored
