"""One date and time style: every template and text goes through lib/when.py, and times follow
the organization's 12- or 24-hour clock on Today, a note and the audit review."""

import re
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone, translation

from audit.models import Action, AuditEvent
from audit.services import NewEvent, record_events
from cairn.demo import DemoWorld
from encounters.models import Encounter
from lib import when
from organizations.models import Clock, Organization
from participants.models import Participant

ROOT = Path(__file__).resolve().parents[2]
SKIP = {"node_modules", ".venv", "var", ".git"}

# A format string written in a template: `|date:"j M"`, `|time:'H:i'`, `{% now "Y" %}`.
RAW_FORMAT = re.compile(r"""\|\s*(date|time)\s*:|\{%\s*now\s""")
# Python text formatting a date by hand, outside the one place.
RAW_PYTHON = re.compile(r"""\b(date_format|time_format|strftime)\(""")
PYTHON_ALLOWED = {
    "lib/when.py",
    # Machine stamps, never shown as a date to a person.
    "imports/management/commands/bench_import.py",
    "bench/pages.py",
    "backups/services.py",  # a backup file's name
    "reports/suprt_counts.py",  # SQLite's date arithmetic in SQL, never shown
}


def _files(suffix: str) -> list[Path]:
    return [
        path
        for path in ROOT.rglob(f"*{suffix}")
        if not SKIP.intersection(path.relative_to(ROOT).parts)
    ]


def test_no_template_writes_its_own_date_or_time_format() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()[:120]}"
        for path in _files(".html")
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if RAW_FORMAT.search(line)
    ]
    assert found == [], "Use |show_date, |show_time, |show_datetime (lib/when.py):\n" + "\n".join(
        found
    )


def test_no_python_text_writes_its_own_date_or_time_format() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in _files(".py")
        if "tests" not in path.relative_to(ROOT).parts
        and str(path.relative_to(ROOT)) not in PYTHON_ALLOWED
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if RAW_PYTHON.search(line)
    ]
    assert found == [], "Use lib.when.show_date / show_time / show_datetime:\n" + "\n".join(found)


def test_one_date_style_in_english_and_spanish() -> None:
    moment = datetime(2026, 12, 4, 17, 5, tzinfo=ZoneInfo("UTC"))
    with timezone.override(ZoneInfo("UTC")):
        with when.clock_override("24"):
            assert when.show_datetime(moment) == "4 Dec 2026, 17:05"
        with when.clock_override("12"):
            assert when.show_datetime(moment) == "4 Dec 2026, 5:05 PM"
            assert when.show_time(time(9, 5)) == "9:05 AM"
        with translation.override("es"):
            assert when.show_date(moment) == "4 dic 2026"
        assert when.show_date(moment) == "4 Dec 2026"  # each language keeps its own written days


def test_a_day_is_the_organizations_day_and_written_the_same_from_a_date_or_a_moment() -> None:
    """Days and times are formatted once per language (lib.when keeps them): a moment is still
    written as the day and time it is on the organization's clock."""
    late = datetime(2026, 12, 5, 2, 30, tzinfo=ZoneInfo("UTC"))  # 4 Dec, 20:30 in Chicago
    with timezone.override(ZoneInfo("America/Chicago")), when.clock_override("24"):
        assert when.show_date(late) == when.show_date(date(2026, 12, 4)) == "4 Dec 2026"
        assert when.show_datetime(late) == "4 Dec 2026, 20:30"
    with timezone.override(ZoneInfo("UTC")), when.clock_override("12"):
        assert when.show_datetime(late) == "5 Dec 2026, 2:30 AM"
        with translation.override("es"):
            assert when.show_date(late) == "5 dic 2026"


def _set_clock(demo: DemoWorld, clock: str) -> Organization:
    harbor = demo.organizations["harbor"]
    Organization.objects.filter(pk=harbor.pk).update(clock=clock)
    return harbor


def _a_note_yesterday_at_five_past_five(demo: DemoWorld, client_for) -> Encounter:
    pat = Participant.objects.get(user=demo.users["pat"])
    day = timezone.localdate() - timedelta(days=1)
    response = client_for("ana").post(
        f"/contacts/new/{pat.id}/",
        {
            "kind": "brief",
            "contact_type": "phone",
            "outcome": "reached",
            "day": day.isoformat(),
            "start": "17:05",
            "duration_minutes": 10,
            "summary": "Talked about the week ahead.",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return Encounter.objects.latest("created_at")


def _an_audit_event_at_five_past_five(organization: Organization) -> None:
    zone = ZoneInfo(organization.time_zone)
    day = timezone.localdate() - timedelta(days=1)
    record_events(
        organization=organization,
        events=[
            NewEvent(
                action=Action.VIEW,
                actor_id=None,
                actor_username="clock-check",
                role="",
                target_type="participants.participant",
                target_id="",
                created_at=datetime.combine(day, time(17, 5), tzinfo=zone),
            )
        ],
    )


@pytest.mark.parametrize(
    ("clock", "shown", "not_shown"), [("24", "17:05", "5:05 PM"), ("12", "5:05 PM", "17:05")]
)
def test_times_follow_the_organization_clock_on_today_a_note_and_the_audit_review(
    demo, client_for, clock: str, shown: str, not_shown: str
) -> None:
    harbor = _set_clock(demo, clock)
    encounter = _a_note_yesterday_at_five_past_five(demo, client_for)
    _an_audit_event_at_five_past_five(harbor)

    today = client_for("ana").get("/today/").content.decode()
    drafts = today.split(str(encounter.participant.preferred_name), 1)[1]
    assert shown in drafts and not_shown not in drafts

    note = client_for("ana").get(f"/contacts/{encounter.id}/").content.decode()
    lead = note.split('<p class="lead">', 1)[1].split("</p>", 1)[0]
    assert shown in lead and not_shown not in lead

    review = client_for("mia").get("/audit/", {"user": "clock-check"}).content.decode()
    assert f", {shown}</td>" in review and not_shown not in review


def test_the_administrator_sets_the_clock_and_it_is_audited(demo, client_for) -> None:
    harbor = demo.organizations["harbor"]
    form = client_for("max").get("/organization/settings/").content.decode()
    assert "24-hour clock (17:05)" in form
    response = client_for("max").post(
        "/organization/settings/",
        {
            "name": harbor.name,
            "time_zone": harbor.time_zone,
            "clock": Clock.TWENTY_FOUR,
            "out_of_touch_days": harbor.out_of_touch_days,
            "coach_hours": harbor.coach_hours,
        },
    )
    assert response.status_code == 302
    harbor.refresh_from_db()
    assert harbor.clock == Clock.TWENTY_FOUR
    event = AuditEvent.objects.filter(target_type="organizations.organization").latest("seq")
    assert event.action == Action.UPDATE and "clock" in event.changed_fields


def test_date_and_time_fields_name_the_style_pages_use(demo, client_for) -> None:
    _set_clock(demo, "24")
    pat = Participant.objects.get(user=demo.users["pat"])
    form = client_for("ana").get(f"/contacts/new/{pat.id}/").content.decode()
    assert "Cairn writes it as 4 Dec 2026." in form
    assert "Cairn writes it as 17:05." in form
    assert re.search(r'type="time"[^>]*aria-describedby="id_start_helptext', form)


def test_a_filter_bar_keeps_its_boxes_in_line_without_the_date_sentence(demo, client_for) -> None:
    review = client_for("mia").get("/audit/").content.decode()
    assert 'name="since"' in review and "Cairn writes it as" not in review
