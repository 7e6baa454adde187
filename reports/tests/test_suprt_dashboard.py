"""SUPRT on the program dashboard: shown with its time points against the 80% target where the
organization reports SUPRT (an administrator's setting), the BARC-10 follow-up where it does not.
"""

from collections.abc import Callable
from datetime import date, timedelta
from html.parser import HTMLParser
from typing import Any

import pytest
from django.core.cache import cache as django_cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from assessments.models import SUPRT_A, Assessment
from audit.models import Action, AuditEvent
from cairn.demo import DemoWorld
from organizations.models import Organization
from participants.models import Participant
from reports.tests.test_dashboard import RANGE, barc, enrol

pytestmark = pytest.mark.django_db

SETTINGS = {
    "name": "Harbor Recovery Community",
    "time_zone": "America/New_York",
    "out_of_touch_days": 14,
    "clock": "12",
    "coach_hours": "Monday to Friday, 9 to 5",
    "staff_language": "en",
}


def suprt_a(person: Participant, day: date, point: str) -> Assessment:
    coach = person.coach
    assert coach is not None
    return Assessment.objects.create(
        organization=person.organization,
        participant=person,
        instrument=SUPRT_A,
        instrument_version="1",
        administered_on=day,
        schedule_point=point,
        recorded_by=coach,
        is_complete=True,
    )


@pytest.fixture
def program(demo: DemoWorld) -> dict[str, Participant]:
    alex = enrol(demo, "Alex", "ana", date(2026, 1, 1))
    bo = enrol(demo, "Bo", "ben", date(2026, 3, 1))
    cy = enrol(demo, "Cy", "ana", date(2025, 6, 1), status="closed", status_since=date(2026, 2, 1))
    dee = enrol(demo, "Dee", "ana", date(2026, 2, 1))
    suprt_a(alex, date(2026, 1, 10), "baseline")
    suprt_a(alex, date(2026, 7, 10), "reassessment")  # day 181 after the baseline
    suprt_a(dee, date(2026, 2, 5), "baseline")  # no reassessment: due 5 Aug 2026 ±30
    suprt_a(cy, date(2026, 2, 20), "closeout")  # care ended 1 Feb 2026
    barc(alex, date(2026, 7, 1), 48)  # a BARC-10 at day 181: the BARC-10 follow-up
    return {"alex": alex, "bo": bo, "cy": cy, "dee": dee}


def dashboard(client: Client, **params: str) -> Any:
    response = client.get("/reports/", {**RANGE, **params})
    assert response.status_code == 200
    return response


def headlines(response: Any) -> dict[str, str]:
    return {h.label: str(h.value) for h in response.context["report"].headlines}


class TableReader(HTMLParser):
    """The rows of one table (by id) as a reader meets them: row header, then each cell's text."""

    def __init__(self, table_id: str) -> None:
        super().__init__()
        self.table_id, self.inside, self.in_body = table_id, False, False
        self.rows: list[list[str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table" and dict(attrs).get("id") == self.table_id:
            self.inside = True
        elif self.inside and tag == "tbody":
            self.in_body = True
        elif self.in_body and tag == "tr":
            self.rows.append([])
        elif self.in_body and tag in ("th", "td"):
            self.rows[-1].append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self.inside = self.in_body = False

    def handle_data(self, data: str) -> None:
        if self.in_body and self.rows and self.rows[-1]:
            self.rows[-1][-1] = " ".join((self.rows[-1][-1] + data).split())


def inputs(html: str) -> dict[str, dict[str, str | None]]:
    """Each named input's attributes."""
    found: dict[str, dict[str, str | None]] = {}

    class Reader(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag == "input" and dict(attrs).get("name"):
                found[str(dict(attrs)["name"])] = dict(attrs)

    Reader().feed(html)
    return found


def table_rows(html: str, table_id: str) -> dict[str, list[str]]:
    reader = TableReader(f"{table_id}-table")
    reader.feed(html)
    return {row[0]: row[1:] for row in reader.rows}


def test_a_manager_sees_suprt_time_points_against_the_target_when_the_program_reports_suprt(
    program: dict[str, Participant], client_for: Callable[[str], Client]
) -> None:
    response = dashboard(client_for("mia"))
    html = response.content.decode()
    shown = headlines(response)
    # Of Alex, Bo and Dee (their 6-month windows closed by 31 October), Alex was reassessed.
    assert shown["SUPRT follow-up at 6 months (target 80%)"] == "33%"
    assert "BARC-10 follow-up at 180 days" not in shown
    assert "SUPRT (SAMHSA's outcome reporting)" in html
    rows = table_rows(html, "suprt")
    assert rows["Baseline within 30 days of intake"] == ["67%", "2", "3", "Below 80%"]
    assert rows["6-month reassessment (day 150 to 210)"] == ["33%", "1", "3", "Below 80%"]
    assert rows["Annual assessment (±30 days)"] == ["—", "0", "0", "—"]
    # Cy's care ended on 1 February: the closeout was done; no 6-month or annual point is asked.
    assert rows["Closeout within 30 days of the end of care"] == ["100%", "1", "1", "Meets 80%"]
    # The BARC-10 reassessments stay in their own table.
    assert table_rows(html, "follow-up")["Day 180 ±30"] == ["33%", "1", "3"]


def test_the_de_identified_dashboard_hides_small_suprt_counts_and_their_target(
    program: dict[str, Participant], client_for: Callable[[str], Client]
) -> None:
    response = dashboard(client_for("mia"), view="deidentified")
    shown = headlines(response)
    assert shown["SUPRT follow-up at 6 months (target 80%)"] == "<11"
    rows = table_rows(response.content.decode(), "suprt")
    assert rows["6-month reassessment (day 150 to 210)"] == ["<11", "<11", "<11", "—"]
    assert rows["Annual assessment (±30 days)"] == ["—", "0", "0", "—"]


def test_a_program_that_does_not_report_suprt_sees_the_barc10_follow_up_and_no_suprt(
    program: dict[str, Participant], demo: DemoWorld, client_for: Callable[[str], Client]
) -> None:
    Organization.objects.filter(slug="harbor").update(reports_suprt=False)
    response = dashboard(client_for("mia"))
    html = response.content.decode()
    shown = headlines(response)
    assert shown["BARC-10 follow-up at 180 days"] == "33%"  # Alex, of Alex, Bo and Dee
    assert "SUPRT follow-up at 6 months (target 80%)" not in shown
    assert "SUPRT" not in html and not table_rows(html, "suprt")


def test_switching_suprt_on_shows_it_at_once_though_the_figures_are_kept(
    program: dict[str, Participant], demo: DemoWorld, client_for: Callable[[str], Client]
) -> None:
    mia = client_for("mia")
    Organization.objects.filter(slug="harbor").update(reports_suprt=False)
    assert "SUPRT" not in dashboard(mia).content.decode()  # kept in the cache now
    Organization.objects.filter(slug="harbor").update(reports_suprt=True)
    assert table_rows(dashboard(mia).content.decode(), "suprt")


def test_only_an_administrator_switches_suprt_reporting_and_the_change_is_audited(
    demo: DemoWorld, client_for: Callable[[str], Client]
) -> None:
    harbor = demo.organizations["harbor"]
    assert harbor.reports_suprt  # the demo's Harbor is SAMHSA-funded; Riverside is not
    assert not demo.organizations["riverside"].reports_suprt
    for username in ("mia", "sam", "ana"):
        refused = client_for(username).post("/organization/settings/", SETTINGS)
        assert refused.status_code in (403, 404)
    harbor.refresh_from_db()
    assert harbor.reports_suprt
    page = client_for("max").get("/organization/settings/").content.decode()
    box = inputs(page).get("reports_suprt")
    assert box is not None and box.get("type") == "checkbox" and "checked" in box
    assert "This program reports SUPRT (SAMHSA-funded)" in page
    client_for("max").post("/organization/settings/", SETTINGS)  # the box left unticked
    harbor.refresh_from_db()
    assert not harbor.reports_suprt
    event = AuditEvent.objects.get(target_type="organizations.organization", action=Action.UPDATE)
    assert event.changed_fields == ["reports_suprt"]
    assert "SUPRT due" not in client_for("ana").get("/today/").content.decode()


def _count(client: Client) -> int:
    django_cache.clear()  # counted, not kept
    with CaptureQueriesContext(connection) as queries:
        dashboard(client)
    return len(queries)


def test_suprt_adds_one_query_to_the_dashboard_whatever_the_number_of_people(
    program: dict[str, Participant], demo: DemoWorld, client_for: Callable[[str], Client]
) -> None:
    mia = client_for("mia")
    mia.get("/reports/")  # warm the session and membership caches
    with_suprt = _count(mia)
    for index in range(12):
        extra = enrol(demo, f"Extra {index}", "ben", date(2026, 1, 5) + timedelta(days=index))
        suprt_a(extra, extra.enrolled_on + timedelta(days=3), "baseline")
        suprt_a(extra, extra.enrolled_on + timedelta(days=183), "reassessment")
    assert _count(mia) == with_suprt
    # 12 more reassessed on time: 13 of 15 six-month windows done.
    assert headlines(dashboard(mia))["SUPRT follow-up at 6 months (target 80%)"] == "87%"
    Organization.objects.filter(slug="harbor").update(reports_suprt=False)
    # The time points counted over the people's episodes and SUPRT-A records (`suprt_counts`).
    assert _count(mia) == with_suprt - 1


def test_each_suprt_figure_opens_the_people_behind_it(
    program: dict[str, Participant], client_for: Callable[[str], Client]
) -> None:
    mia = client_for("mia")
    headline = next(
        h.value for h in dashboard(mia).context["report"].headlines if h.key == "suprt-follow-up"
    )
    behind = mia.get(headline.href)
    assert behind.status_code == 200
    listing = behind.context["listing"]
    done_column = listing.columns.index("SUPRT-A done in the window")
    shown = {row[0].text: row[done_column].text for row in behind.context["rows"]}
    assert shown == {"Alex": "Yes", "Bo": "No", "Dee": "No"}
    closeout = mia.get("/reports/rows/suprt/", {**RANGE, "point": "closeout"})
    assert [row[0].text for row in closeout.context["rows"]] == ["Cy"]
    assert mia.get("/reports/rows/suprt/", {**RANGE, "point": "day-30"}).status_code == 404
    Organization.objects.filter(slug="harbor").update(reports_suprt=False)
    assert mia.get("/reports/rows/suprt/", {**RANGE, "point": "closeout"}).status_code == 404
