"""Headless Chromium records contacts the way a coach does: a brief check-in and a group session
by keyboard alone, a due call from Today swapped in place by htmx, axe-core audits of the
contact, review and schedule pages, and the 360 px layout of Today and the session form.

Run: DATABASE_URL=postgres://cairn:cairn@127.0.0.1:5432/cairn CAIRN_DEMO=1 CAIRN_HTTPS=0 \
     CAIRN_REQUIRE_2FA=0 .venv/bin/pytest cairn/tests/test_browser_contacts.py
"""

import contextlib
import os
import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop

from django.utils import timezone

from cairn.demo import DEMO_PASSWORD
from cairn.tests.browser_support import (  # noqa: F401 - the *_fixture names and browser are fixtures
    Session,
    assert_no_horizontal_scroll,
    browser,
    browser_demo_fixture,
    describe,
    named,
    narrow_session_fixture,
    session_fixture,
    with_id,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOTE_PATH = re.compile(r"^/contacts/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/$")


def _link(text: str) -> Callable[[dict[str, str]], bool]:
    return lambda el: el["tag"] == "a" and el["text"] == text


def _button(text: str) -> Callable[[dict[str, str]], bool]:
    return lambda el: el["tag"] == "button" and el["text"] == text


def _make_pat_due_today() -> str:
    """Pat's next contact is today, so Pat has a row under "Calls and follow-ups due today"."""
    from participants.models import Participant

    pat = Participant.objects.get(user__username="pat")
    Participant.objects.filter(pk=pat.pk).update(next_contact_on=timezone.localdate())
    return str(pat.id)


def _group_with_members(count: int) -> tuple[str, list[str]]:
    """A group facilitated by ana with `count` people from her caseload (set up without the UI)."""
    from groups.services import add_member, save_group
    from organizations.models import Membership
    from participants.models import Participant, ParticipantStatus

    ana = Membership.objects.select_related("user", "organization").get(user__username="ana")
    group = save_group(
        acting=ana,
        group=None,
        values={"name": "Thursday circle", "default_duration": 60, "facilitator": ana.user},
    )
    people = list(
        Participant.objects.filter(coach=ana.user, status__in=ParticipantStatus.open()).order_by(
            "preferred_name"
        )[:count]
    )
    assert len(people) == count, f"ana's open caseload has only {len(people)} people"
    for person in people:
        add_member(acting=ana, group=group, participant=person)
    return str(group.id), [str(p.id) for p in people]


def test_keyboard_only_brief_check_in_signed_and_locked(session: Session) -> None:
    from encounters.models import Encounter
    from participants.models import Participant

    pat = Participant.objects.get(user__username="pat")
    summary = "Talked about the new job; feeling steady."
    page = session.page
    session.sign_in("ana", DEMO_PASSWORD)
    session.goto(f"/participants/{pat.id}/")
    assert session.h1().startswith("Pat"), session.h1()

    # "Recent contacts" on the overview: the brief check-in link, by Tab and Enter.
    link = session.tab_until(_link("Brief check-in"), "Brief check-in link", max_tabs=150)
    assert link["href"] == f"/contacts/new/{pat.id}/", link
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert session.path == f"/contacts/new/{pat.id}/"
    assert session.h1() == "Brief check-in with Pat"
    session.audit("brief check-in form")

    # Contact type by type-ahead on the select; date and time keep their defaults (now).
    session.tab_until(named("contact_type"), "type of contact select", max_tabs=40)
    page.keyboard.type("Phone")
    assert page.locator("#id_contact_type").input_value() == "phone"
    session.tab_until(named("duration_minutes"), "minutes field", max_tabs=15)
    page.keyboard.type("15")
    session.tab_until(named("summary"), "one-line summary field", max_tabs=3)
    page.keyboard.type(summary)
    session.tab_until(_button("Save draft"), "Save draft button", max_tabs=10)
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert NOTE_PATH.match(session.path), f"{session.path}: {session.h1()!r}"
    assert session.h1() == "Phone with Pat"
    lead = page.locator("p.lead")
    assert "Draft" in lead.inner_text()
    assert "15 minutes" in lead.inner_text()
    assert page.get_by_text(summary).is_visible()
    assert page.get_by_role("status").get_by_text("Saved as a draft.").is_visible()
    session.audit("draft note")

    session.tab_until(_button("Sign and lock"), "Sign and lock button", max_tabs=60)
    note_path = session.path
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert session.path == note_path
    assert "Signed by Ana" in lead.inner_text(), lead.inner_text()
    assert page.get_by_role("button", name="Sign and lock").count() == 0
    assert page.get_by_role("link", name="Edit draft").count() == 0
    assert page.get_by_role("heading", name="Addenda").is_visible()
    session.audit("signed note")

    note = Encounter.objects.filter(participant=pat).latest("created_at")
    assert note_path == f"/contacts/{note.id}/"
    assert note.state == "signed"
    assert note.duration_minutes == 15
    assert note.contact_type == "phone"
    assert note.summary == summary
    assert note.signed_by is not None and note.signed_by.username == "ana"
    session.assert_clean()


def test_keyboard_only_group_session_for_three_people(session: Session) -> None:
    from groups.models import Group, GroupSession

    page = session.page
    session.sign_in("ana", DEMO_PASSWORD)

    # Setup by mouse: a new group with three members.
    session.goto("/groups/")
    assert session.h1() == "Groups"
    session.audit("groups list")
    page.locator("#id_name").fill("Tuesday evening circle")
    page.locator("#id_meets").fill("Tuesdays, 6 to 7:30 pm")
    with page.expect_navigation():
        page.get_by_role("button", name="Create group").click()
    (group,) = [g for g in Group.objects.all() if g.name == "Tuesday evening circle"]
    assert session.path == f"/groups/{group.id}/"
    assert session.h1() == "Tuesday evening circle"

    for _ in range(3):
        add = page.get_by_label("Add someone")
        add.select_option(index=0)
        chosen = add.locator("option:checked").inner_text().strip()
        with page.expect_navigation():
            page.get_by_role("button", name="Add to group").click()
        status = page.get_by_role("status")
        assert "joined the group." in status.inner_text(), f"adding {chosen}: {status.inner_text()}"
    members = page.get_by_role("region", name="Members").get_by_role("listitem")
    assert members.count() == 3
    session.audit("group page with three members")

    with page.expect_navigation():
        page.get_by_role("link", name="Record a session").click()
    assert session.path == f"/groups/{group.id}/session/"
    assert session.h1() == "Record a session of Tuesday evening circle"
    session.audit("group session form (empty)")

    # From here on, the keyboard only. Topic and note first, then a submit with nobody ticked.
    session.tab_until(named("topic"), "topic field", max_tabs=40)
    page.keyboard.type("Handling the holidays")
    session.tab_until(named("shared_note"), "group note field", max_tabs=2)
    page.keyboard.type("We shared plans for the holidays and the people we can call.")
    session.tab_until(_button("Record the session"), "Record the session button", max_tabs=40)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert session.path == f"/groups/{group.id}/session/"
    alert = page.get_by_role("alert")
    assert "Tick at least one person who came." in alert.inner_text(), alert.inner_text()
    assert (session.focused() or {}).get("id") == "form-errors", session.focused()
    assert page.locator("#id_topic").input_value() == "Handling the holidays"
    assert GroupSession.objects.filter(group=group).count() == 0
    session.audit("group session form with the attendance error")

    # Tick the three members (in page order) with Space; one line for the first of them.
    who_came = page.get_by_role("group", name="Who came")
    attendee_ids = who_came.locator("input[type=checkbox]").evaluate_all(
        "(boxes) => boxes.map((box) => box.value)"
    )
    assert len(attendee_ids) == 3, attendee_ids
    line = "Brought a friend along for the first time."
    for index, person_id in enumerate(attendee_ids):
        session.tab_until(with_id(f"attend-{person_id}"), f"attendee {index + 1} checkbox")
        page.keyboard.press("Space")
        assert page.locator(f"#attend-{person_id}").is_checked()
        if index == 0:
            session.tab_until(with_id(f"line-{person_id}"), "their own line", max_tabs=1)
            page.keyboard.type(line)
    session.tab_until(_button("Record the session"), "Record the session button", max_tabs=40)
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert session.path == f"/groups/{group.id}/", session.h1()
    assert page.get_by_role("status").get_by_text("Session recorded for 3 people.").is_visible()
    recent = page.get_by_role("region", name="Recent sessions")
    assert "Handling the holidays" in recent.inner_text()

    recorded = GroupSession.objects.get(group=group)
    contacts = list(recorded.contacts.filter(contact_type="group"))
    assert len(contacts) == 3
    assert {str(c.participant_id) for c in contacts} == set(attendee_ids)
    assert all(c.state == "signed" for c in contacts)  # "Sign the notes now" is ticked by default
    lines = {str(c.participant_id): c.participant_response for c in contacts}
    assert lines[attendee_ids[0]] == line
    assert lines[attendee_ids[1]] == lines[attendee_ids[2]] == ""
    session.assert_clean()


def test_today_records_a_due_call_in_place(session: Session) -> None:
    from encounters.models import Encounter
    from participants.models import Participant

    pat_id = _make_pat_due_today()
    page = session.page
    session.sign_in("ana", DEMO_PASSWORD)
    assert session.path == "/today/"
    row = page.locator(f"#due-{pat_id}")
    assert row.count() == 1, "Pat has no single row on Today"
    assert page.locator("#due-list").locator(f"#due-{pat_id}").count() == 1
    session.audit("Today with a due call")

    # A marker that a full page load would wipe out.
    page.evaluate("() => { window.__same_document = true; }")

    def in_pats_row() -> bool:
        return bool(page.evaluate(f"() => !!document.activeElement.closest('#due-{pat_id}')"))

    # Today lists the people; the outcome form is fetched for one row when the coach opens it.
    assert row.locator("form").count() == 0
    session.tab_until(
        lambda el: el["href"] == f"/today/outcome/{pat_id}/" and in_pats_row(),
        "'Record how the call went' in Pat's row",
    )
    with page.expect_response(lambda r: f"/today/outcome/{pat_id}/" in r.url) as opened:
        page.keyboard.press("Enter")
    assert opened.value.request.headers.get("hx-request") == "true", "the form was not fetched"
    page.locator(f"#due-{pat_id} form").wait_for()
    # Focus lands on the first choice of the fetched form; the arrows move the choice.
    page.wait_for_function(
        "() => document.activeElement && document.activeElement.name === 'outcome'"
    )
    assert row.get_by_label("Reached").evaluate("(el) => el === document.activeElement")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert row.get_by_label("No answer").is_checked()
    session.tab_until(
        lambda el: _button("Record")(el) and in_pats_row(), "Record button in Pat's row"
    )
    with page.expect_response(lambda r: f"/today/outcome/{pat_id}/" in r.url) as answer:
        page.keyboard.press("Enter")
    assert answer.value.status == 200
    assert answer.value.request.headers.get("hx-request") == "true", "not sent by htmx"

    recorded = page.locator(f"#due-{pat_id}").get_by_role("status")
    recorded.wait_for()
    # htmx focuses the new row's autofocus element in its settle step, a moment after the swap
    # puts the message in: give it that moment (on a busy machine it can take a while).
    with contextlib.suppress(PlaywrightTimeoutError):
        page.wait_for_function(
            f"() => !!document.activeElement.closest('#due-{pat_id}')", timeout=5000
        )
    focus_after_swap = session.focused()
    focus_in_row = in_pats_row()
    assert "Recorded: No answer." in recorded.inner_text(), recorded.inner_text()
    assert session.path == "/today/"
    assert page.evaluate("() => window.__same_document === true"), "the whole page reloaded"
    assert page.locator(f"#due-{pat_id}").count() == 1
    assert page.locator(f"#due-{pat_id} form").count() == 0
    session.audit("Today after recording a call")

    attempt = Encounter.objects.filter(participant_id=pat_id).latest("created_at")
    assert (attempt.outcome, attempt.contact_type, attempt.state) == (
        "no_answer",
        "outreach",
        "signed",
    )
    pat = Participant.objects.get(pk=pat_id)
    assert pat.next_contact_on == timezone.localdate() + timedelta(days=1)
    session.assert_clean()

    # The swap replaced the button that had focus. A keyboard user must not be thrown back to
    # the top of the page: focus belongs on the new row (its message, or a link in it).
    assert focus_in_row, (
        f"after the htmx swap focus fell to <{describe(focus_after_swap).split()[0]}>, "
        f"outside #due-{pat_id}"
    )


def test_review_admin_schedule_and_timeline_pages_are_accessible(session: Session) -> None:
    from encounters.models import ContactType, ReviewState
    from encounters.services import record_encounter, sign_encounter
    from organizations.models import Membership
    from participants.models import Participant

    pat = Participant.objects.get(user__username="pat")
    Membership.objects.filter(user__username="ana").update(notes_need_cosign=True)
    ana = Membership.objects.select_related("user", "organization").get(user__username="ana")
    note = record_encounter(
        acting=ana,
        participant=pat,
        brief=True,
        values={
            "contact_type": ContactType.IN_PERSON,
            "started_at": timezone.now() - timedelta(hours=1),
            "duration_minutes": 30,
            "summary": "Walked to the library together; talked about housing.",
        },
    )
    note = sign_encounter(acting=ana, encounter=note)
    assert note.review_state == ReviewState.PENDING

    page = session.page
    session.sign_in("sam", DEMO_PASSWORD)
    session.goto("/contacts/review/")
    assert session.h1() == "Notes to co-sign"
    pending = page.locator(f"a[href='/contacts/{note.id}/']")
    assert pending.count() == 1, "the signed note is not in sam's queue"
    session.audit("sam's co-sign queue")
    with page.expect_navigation():
        pending.click()
    assert session.path == f"/contacts/{note.id}/"
    review = page.get_by_role("region", name="Supervisor review")
    assert review.get_by_role("button", name="Co-sign").is_visible()
    assert review.get_by_label("Comment for the coach").is_visible()
    assert review.get_by_role("button", name="Return with comment").is_visible()
    session.audit("pending note as the supervisor")
    session.sign_out()

    session.sign_in("max", DEMO_PASSWORD)
    session.goto("/contacts/service-types/")
    assert session.h1() == "Services a contact can be recorded under"
    assert page.locator("table tbody tr").count() >= 1
    session.audit("service types (admin)")
    session.goto("/organization/settings/")
    assert session.path == "/organization/settings/"
    session.audit("organization settings (admin)")
    session.sign_out()

    session.sign_in("ana", DEMO_PASSWORD)
    session.goto(f"/contacts/schedules/new/{pat.id}/")
    assert session.h1() == "Regular check-ins with Pat"
    session.audit("schedule form")
    session.goto(f"/contacts/timeline/{pat.id}/")
    assert session.h1() == "Pat's timeline"
    assert page.locator(f"a[href='/contacts/{note.id}/']").count() == 1
    session.audit("Pat's timeline")
    session.assert_clean()


def test_today_and_group_session_fit_360_px(narrow_session: Session) -> None:
    session = narrow_session
    pat_id = _make_pat_due_today()
    group_id, _ = _group_with_members(3)
    session.sign_in("ana", DEMO_PASSWORD)

    assert session.path == "/today/"
    session.page.locator(f"#due-{pat_id}").get_by_role(
        "link", name="Record how the call went"
    ).click()
    session.page.locator(f"#due-{pat_id} form").wait_for()
    assert_no_horizontal_scroll(session, "Today with a due row and its outcome form open")
    session.audit("Today at 360 px")

    session.goto(f"/groups/{group_id}/session/")
    assert session.h1() == "Record a session of Thursday circle"
    assert session.page.locator("input[name=attend]").count() >= 3
    assert_no_horizontal_scroll(session, "group session form")
    session.audit("group session form at 360 px")
    session.assert_clean()
