"""Contact notes: brief and full, sign and lock, addenda, time zones, timeline, Today."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audit.models import Action, AuditEvent
from cairn.demo import DemoWorld
from encounters.models import ContactType, Encounter, NoteState, Outcome
from participants.models import Participant

ZONE = ZoneInfo("America/New_York")


def _pat(demo: DemoWorld) -> Participant:
    return Participant.objects.get(user=demo.users["pat"])


def _local_now() -> datetime:
    return timezone.now().astimezone(ZONE)


def _brief(**overrides: object) -> dict[str, object]:
    moment = _local_now() - timedelta(hours=1)
    data: dict[str, object] = {
        "kind": "brief",
        "contact_type": "phone",
        "outcome": "reached",
        "day": moment.date().isoformat(),
        "start": moment.strftime("%H:%M"),
        "duration_minutes": 10,
        "summary": "Checked in about the new job.",
    }
    data.update(overrides)
    return data


def _note(demo: DemoWorld, client_for, **overrides: object) -> Encounter:
    pat = _pat(demo)
    response = client_for("ana").post(f"/contacts/new/{pat.id}/", _brief(**overrides))
    assert response.status_code == 302, response.content.decode()[:3000]
    return Encounter.objects.latest("created_at")


def test_brief_check_in_is_a_draft_that_moves_last_and_next_contact(demo, client_for) -> None:
    next_day = (timezone.localdate() + timedelta(days=7)).isoformat()
    encounter = _note(demo, client_for, next_contact_on=next_day)
    assert encounter.state == NoteState.DRAFT and encounter.is_brief
    assert encounter.author == demo.users["ana"]
    pat = _pat(demo)
    assert pat.last_contact_on == encounter.occurred_on
    assert pat.next_contact_on is not None and pat.next_contact_on.isoformat() == next_day
    event = AuditEvent.objects.get(action=Action.CREATE, target_id=str(encounter.id))
    assert "summary" in event.changed_fields and "new job" not in str(event.changed_fields)
    page = client_for("ana").get(f"/participants/{pat.id}/").content.decode()
    assert "Checked in about the new job." in page


def test_outreach_attempt_does_not_count_as_contact(demo, client_for) -> None:
    pat = _pat(demo)
    before = pat.last_contact_on
    _note(demo, client_for, contact_type="outreach", outcome="no_answer", summary="No answer.")
    pat.refresh_from_db()
    assert pat.last_contact_on == before


def test_a_brief_note_expands_into_a_full_note(demo, client_for) -> None:
    encounter = _note(demo, client_for)
    client = client_for("ana")
    form = client.get(f"/contacts/{encounter.id}/edit/?kind=full").content.decode()
    assert "What I did" in form and "How they responded" in form
    moment = encounter.started_at.astimezone(ZONE)
    client.post(
        f"/contacts/{encounter.id}/edit/",
        {
            **_brief(day=moment.date().isoformat(), start=moment.strftime("%H:%M")),
            "kind": "full",
            "version": encounter.version,
            "coach_actions": "Listened; shared the bus pass program.",
            "own_words": "I finally feel like people see me.",
        },
    )
    encounter.refresh_from_db()
    assert not encounter.is_brief
    assert encounter.own_words == "I finally feel like people see me."
    assert encounter.version == 2


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"day": (timezone.localdate() + timedelta(days=2)).isoformat()}, "That is in the future."),
        ({"duration_minutes": 800}, "between 1 minute and 12 hours"),
        (
            {"kind": "full", "start": "10:00", "end": "09:30", "day": "2026-01-05"},
            "The end time is before the start time.",
        ),
        ({"contact_type": "outreach", "outcome": "reached"}, "did not reach the person"),
    ],
)
def test_impossible_contacts_are_refused_with_a_reason(demo, client_for, overrides, message):
    pat = _pat(demo)
    before = Encounter.objects.count()
    response = client_for("ana").post(f"/contacts/new/{pat.id}/", _brief(**overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Encounter.objects.count() == before


def test_late_evening_contact_stays_on_its_local_day(demo, client_for) -> None:
    encounter = _note(demo, client_for, day="2026-03-09", start="23:30")
    assert encounter.occurred_on == date(2026, 3, 9)
    assert encounter.started_at.astimezone(ZoneInfo("UTC")).date() == date(2026, 3, 10)
    page = client_for("ana").get(f"/contacts/{encounter.id}/").content.decode()
    assert "9 Mar 2026, 11:30 PM" in page  # the demo organization keeps a 12-hour clock


def test_signing_locks_the_note_and_records_the_credential(demo, client_for) -> None:
    encounter = _note(demo, client_for)
    client = client_for("ana")
    client.post(f"/contacts/{encounter.id}/sign/")
    encounter.refresh_from_db()
    assert encounter.state == NoteState.SIGNED
    assert encounter.signed_by == demo.users["ana"]
    assert encounter.signer_credentials == "CPRS"
    assert len(encounter.content_hash) == 64
    assert not encounter.late_entry
    page = client.get(f"/contacts/{encounter.id}/").content.decode()
    assert "Signed by Ana CPRS" in page and "Sign and lock" not in page


def test_signed_note_cannot_be_changed_even_by_a_crafted_request(demo, client_for) -> None:
    encounter = _note(demo, client_for)
    client = client_for("ana")
    client.post(f"/contacts/{encounter.id}/sign/")
    encounter.refresh_from_db()
    response = client.post(
        f"/contacts/{encounter.id}/edit/",
        _brief(summary="Changed later", version=encounter.version),
        follow=True,
    )
    assert "A signed note doesn" in response.content.decode()
    encounter.refresh_from_db()
    assert encounter.summary == "Checked in about the new job."
    assert AuditEvent.objects.filter(
        action=Action.PERMISSION_DENIED, target_id=str(encounter.id)
    ).exists()
    client.post(f"/contacts/{encounter.id}/sign/")
    assert Encounter.objects.get(pk=encounter.pk).signed_at == encounter.signed_at


def test_addenda_follow_a_signed_note(demo, client_for) -> None:
    encounter = _note(demo, client_for)
    client = client_for("ana")
    early = client.post(f"/contacts/{encounter.id}/addendum/", {"text": "Too soon"}, follow=True)
    assert "addenda are for signed notes" in early.content.decode()
    client.post(f"/contacts/{encounter.id}/sign/")
    client.post(f"/contacts/{encounter.id}/addendum/", {"text": "Called back: bus pass arrived."})
    page = client.get(f"/contacts/{encounter.id}/").content.decode()
    assert "Called back: bus pass arrived." in page
    assert encounter.addenda.count() == 1


def test_empty_note_cannot_be_signed(demo, client_for) -> None:
    encounter = _note(demo, client_for, summary="")
    page = client_for("ana").post(f"/contacts/{encounter.id}/sign/", follow=True)
    assert "There is nothing written yet." in page.content.decode()
    encounter.refresh_from_db()
    assert encounter.state == NoteState.DRAFT


def test_late_entry_is_marked(demo, client_for) -> None:
    encounter = _note(demo, client_for)
    Encounter.objects.filter(pk=encounter.pk).update(
        started_at=timezone.now() - timedelta(hours=80)
    )
    client_for("ana").post(f"/contacts/{encounter.id}/sign/")
    encounter.refresh_from_db()
    assert encounter.late_entry


def test_only_the_author_signs(demo, client_for) -> None:
    encounter = _note(demo, client_for)
    client_for("sam").post(f"/contacts/{encounter.id}/sign/")
    encounter.refresh_from_db()
    assert encounter.state == NoteState.DRAFT


def test_other_coach_cannot_read_or_write_notes_of_anas_participant(demo, client_for) -> None:
    encounter = _note(demo, client_for)
    before = Encounter.objects.count()
    ben = client_for("ben")
    assert ben.get(f"/contacts/{encounter.id}/").status_code == 404
    assert ben.post(f"/contacts/{encounter.id}/sign/").status_code == 404
    assert ben.post(f"/contacts/new/{_pat(demo).id}/", _brief()).status_code == 404
    assert Encounter.objects.count() == before


def test_timeline_mixes_contacts_and_status_steps_in_date_order(demo, client_for) -> None:
    _note(demo, client_for, summary="Newest call")
    pat = _pat(demo)
    client = client_for("ana")
    page = client.get(f"/contacts/timeline/{pat.id}/").content.decode()
    assert page.index("Newest call") < page.index("Status: Active")
    only_status = client.get(f"/contacts/timeline/{pat.id}/", {"kind": "status"}).content.decode()
    assert "Newest call" not in only_status and "Status: Active" in only_status


def test_today_lists_due_overdue_quiet_and_drafts(demo, client_for) -> None:
    pat = _pat(demo)
    today = timezone.localdate()
    Participant.objects.filter(pk=pat.pk).update(next_contact_on=today)
    quiet = Participant.objects.filter(coach=demo.users["ana"]).exclude(pk=pat.pk).first()
    assert quiet is not None
    Participant.objects.filter(pk=quiet.pk).update(
        status="active", next_contact_on=None, last_contact_on=today - timedelta(days=40)
    )
    _note(demo, client_for, summary="Draft waiting")
    page = client_for("ana").get("/today/").content.decode()
    due = page.split('id="due-heading"')[1].split('id="overdue-heading"')[0]
    assert ">Pat<" in due and "Record how the call went" in due
    assert "How did the call with Pat go?" not in due  # the form is fetched for one row at a time
    assert "no voicemail" in due
    assert f">{quiet.preferred_name}<" in page.split('id="quiet-heading"')[1]
    assert "Draft waiting" in page.split('id="drafts-heading"')[1]


def test_outcome_form_opens_in_the_row_or_as_a_page(demo, client_for) -> None:
    pat = _pat(demo)
    client = client_for("ana")
    fragment = client.get(f"/today/outcome/{pat.id}/", HTTP_HX_REQUEST="true").content.decode()
    assert "How did the call with Pat go?" in fragment and "<html" not in fragment
    assert f'hx-post="/today/outcome/{pat.id}/"' in fragment and "autofocus" in fragment
    page = client.get(f"/today/outcome/{pat.id}/").content.decode()
    assert "<h1>How the call with Pat went</h1>" in page
    assert f'action="/today/outcome/{pat.id}/"' in page
    assert AuditEvent.objects.filter(target_type="encounters.today_outcome").exists()


def test_outcome_in_place_logs_an_attempt_and_reschedules(demo, client_for) -> None:
    pat = _pat(demo)
    Participant.objects.filter(pk=pat.pk).update(next_contact_on=timezone.localdate())
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = client_for("ana").post(
        f"/today/outcome/{pat.id}/",
        {"outcome": "no_answer", "next_contact_on": tomorrow},
        HTTP_HX_REQUEST="true",
    )
    fragment = response.content.decode()
    assert "Recorded: No answer. Next contact" in fragment
    assert "<html" not in fragment
    attempt = Encounter.objects.filter(participant=pat).latest("created_at")
    assert (attempt.contact_type, attempt.outcome) == (ContactType.OUTREACH, Outcome.NO_ANSWER)
    assert attempt.state == NoteState.SIGNED
    pat.refresh_from_db()
    assert pat.next_contact_on is not None and pat.next_contact_on.isoformat() == tomorrow


def test_reached_outcome_starts_a_draft_to_finish(demo, client_for) -> None:
    pat = _pat(demo)
    client_for("ana").post(f"/today/outcome/{pat.id}/", {"outcome": "reached"})
    note = Encounter.objects.filter(participant=pat).latest("created_at")
    assert note.state == NoteState.DRAFT and note.contact_type == ContactType.PHONE
    pat.refresh_from_db()
    assert pat.last_contact_on == note.occurred_on
    assert pat.next_contact_on == timezone.localdate() + timedelta(days=1)


def test_outcome_with_a_past_day_is_refused(demo, client_for) -> None:
    pat = _pat(demo)
    before = Encounter.objects.count()
    response = client_for("ana").post(
        f"/today/outcome/{pat.id}/",
        {"outcome": "no_answer", "next_contact_on": "2020-01-01"},
        HTTP_HX_REQUEST="true",
    )
    assert "Please pick how the call went" in response.content.decode()
    assert Encounter.objects.count() == before


def _count(client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len([q for q in queries if "SAVEPOINT" not in q["sql"]])


def test_today_and_timeline_query_counts_do_not_grow(demo, client_for) -> None:
    pat = _pat(demo)
    client = client_for("ana")
    client.get("/today/")
    today_small, timeline_small = (
        _count(client, "/today/"),
        _count(client, f"/contacts/timeline/{pat.id}/"),
    )
    Encounter.objects.bulk_create(
        Encounter(
            organization=pat.organization,
            participant=pat,
            author=demo.users["ana"],
            contact_type="text",
            started_at=timezone.now() - timedelta(days=i),
            occurred_on=timezone.localdate() - timedelta(days=i),
            summary=f"Text {i}",
        )
        for i in range(60)
    )
    Participant.objects.filter(coach=demo.users["ana"]).update(next_contact_on=timezone.localdate())
    assert _count(client, "/today/") == today_small
    # The timeline's page reads its keys, then the contacts and the status steps on it (by the
    # page's days, so a page without steps reads them too): the same as the history grows.
    assert _count(client, f"/contacts/timeline/{pat.id}/") == timeline_small
    # Today: session, user, memberships, second-factor device; 6 section reads (due, overdue
    # and quiet people in one, drafts, comments, schedules, consents, participants' note
    # requests); 1 for reassessments due (every open window of their people,
    # assessments.windows, which also says how many are due in all, for "N more"); 2 for what
    # participants asked from their own Cairn (open call requests, their own check-ins); 1 for
    # consents they signed or answered there; 1 for missed appointments to follow up
    # (appointments.selectors.missed_for_today); 1 for reach-out-soon signals waiting
    # (reachout.selectors.open_for_today); 1 for post-overdose outreach and deaths recorded
    # (overdose.selectors.for_today); 1 for authorizations running low
    # (billing.remaining.for_today); 1 for their own credentials ending
    # (supervision.selectors.credentials_ending_for_today); 2 for referrals whose partner has
    # not answered within the program's days (its setting, then the referrals:
    # referrals.selectors.silent_for_today); 3 for the audit row (no session
    # save: the idle clock is written at most every 10 seconds); 1 for the navigation's counts
    # (due today, unread messages: cairn.nav_selectors); 3 for SUPRT due (the coach's people
    # where the organization reports SUPRT, then their SUPRT-A records, then the names of those
    # due: assessments.suprt).
    assert today_small == 28
    assert timeline_small <= 14


def test_draft_autosaves_while_typing(demo, client_for) -> None:
    encounter = _note(demo, client_for)
    moment = encounter.started_at.astimezone(ZONE)
    data = {
        **_brief(day=moment.date().isoformat(), start=moment.strftime("%H:%M")),
        "summary": "Typed a bit more",
        "version": encounter.version,
    }
    client = client_for("ana")
    fragment = client.post(
        f"/contacts/{encounter.id}/autosave/", data, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "Draft saved at" in fragment
    assert 'name="version" value="2"' in fragment and 'hx-swap-oob="true"' in fragment
    encounter.refresh_from_db()
    assert encounter.summary == "Typed a bit more"
    stale = client.post(
        f"/contacts/{encounter.id}/autosave/",
        {**data, "summary": "Old tab"},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert "Saved in another window too." in stale
    encounter.refresh_from_db()
    assert encounter.summary == "Typed a bit more"
    client.post(f"/contacts/{encounter.id}/sign/")
    locked = client.post(
        f"/contacts/{encounter.id}/autosave/", {**data, "version": 3}
    ).content.decode()
    assert "This note is signed" in locked


def test_a_new_check_in_starts_with_the_persons_preferred_way(demo, client_for) -> None:
    pat = _pat(demo)  # prefers text, then a call
    form = client_for("ana").get(f"/contacts/new/{pat.id}/").content.decode()
    assert '<option value="text" selected>' in form


def test_signing_a_shared_note_with_flagged_words_says_so_gently(demo, client_for) -> None:
    encounter = _note(demo, client_for, summary="Client is an addict who tested dirty.")
    client = client_for("ana")
    page = client.get(f"/contacts/{encounter.id}/").content.decode()
    assert "will read this note" in page and "“addict”" in page and "“tested dirty”" in page
    assert "Signing is never blocked." in page
    signed = client.post(f"/contacts/{encounter.id}/sign/", follow=True).content.decode()
    encounter.refresh_from_db()
    assert encounter.state == NoteState.SIGNED  # never blocked
    assert "can read this note in their portal. The language checker noticed:" in signed
    assert "“addict”, “tested dirty”" in signed and "add an addendum" in signed


def test_signing_a_note_without_flagged_words_adds_nothing(demo, client_for) -> None:
    encounter = _note(demo, client_for, summary="Talked about the new job; she is clean-shaven.")
    client = client_for("ana")
    assert "will read this note" not in client.get(f"/contacts/{encounter.id}/").content.decode()
    signed = client.post(f"/contacts/{encounter.id}/sign/", follow=True).content.decode()
    assert "Signed. The note is now locked" in signed
    assert "The language checker noticed" not in signed


def test_save_and_sign_with_flagged_words_signs_and_says_so_gently(demo, client_for) -> None:
    pat = _pat(demo)
    page = (
        client_for("ana")
        .post(
            f"/contacts/new/{pat.id}/",
            _brief(summary="Says the family calls him a junkie.", sign="1"),
            follow=True,
        )
        .content.decode()
    )
    assert Encounter.objects.latest("created_at").state == NoteState.SIGNED
    assert "Saved and signed." in page and "The language checker noticed: “junkie”" in page
