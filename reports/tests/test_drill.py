"""Every dashboard figure opens the people or contacts behind it, scoped, paged and audited."""

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from audit.models import Action, AuditEvent
from cairn.demo import DemoWorld
from participants.models import Participant
from reports.tables import Linked
from reports.tests import test_dashboard
from reports.tests.test_dashboard import RANGE, barc, contact, enrol, report

program = test_dashboard.program  # the hand-computed fixture: Alex, Bo, Cy and Dee


def rows(client: Client, figure: str, **params: str) -> Any:
    response = client.get(f"/reports/rows/{figure}/", {**RANGE, **params})
    assert response.status_code == 200, response.status_code
    return response


def names(response: Any) -> list[str]:
    """The text of each row's participant link, in page order."""
    listing = response.context["listing"]
    return [
        next(cell.text for cell in row if cell.href.startswith("/participants/"))
        for row in response.context["rows"]
        if listing
    ]


def column(response: Any, title: str) -> dict[str, str]:
    """Participant name → the text in the column called `title`."""
    index = response.context["listing"].columns.index(title)
    return {
        next(c.text for c in row if c.href.startswith("/participants/")): row[index].text
        for row in response.context["rows"]
    }


def table(response: Any, key: str) -> dict[str, list[str]]:
    return dict(next(t for t in response.context["report"].tables if t.key == key).rows)


def test_contacts_behind_a_month_and_type_cell_are_listed_without_note_text(
    program: dict[str, Participant], client_for: Callable[[str], Client]
) -> None:
    mia = client_for("mia")
    january = rows(mia, "contacts", month="2026-01")
    assert sorted(names(january)) == ["Alex", "Cy"]
    phone = rows(mia, "contacts", month="2026-01", type="phone")
    assert names(phone) == ["Cy"]
    assert phone.context["listing"].columns == ["Date", "Type", "Service", "Minutes", "Participant"]
    html = phone.content.decode()
    assert "2026-01-10" in html and f"/participants/{program['cy'].id}/" in html
    assert "Jan 2026, Phone" in html  # what the list is narrowed to
    assert sorted(names(rows(mia, "contacts"))) == ["Alex", "Alex", "Alex", "Bo", "Cy", "Dee"]
    assert len(names(rows(mia, "contacts", service="none"))) == 6  # no service types here


def test_hours_list_only_the_contacts_that_reached_someone(
    program: dict[str, Participant], client_for: Callable[[str], Client]
) -> None:
    hours = rows(client_for("mia"), "hours")
    assert sorted(names(hours)) == ["Alex", "Alex", "Alex", "Cy", "Dee"]  # not Bo's attempt
    minutes = [int(row[3].text) for row in hours.context["rows"]]
    assert sum(minutes) / 60 == pytest.approx(2.7, abs=0.05)


def test_caseload_by_coach_opens_that_coachs_open_caseload(
    demo: DemoWorld, program: dict[str, Participant], client_for: Callable[[str], Client]
) -> None:
    mia = client_for("mia")
    assert names(rows(mia, "active", coach=str(demo.users["ana"].public_id))) == ["Alex"]
    caseload = table(report(mia), "caseload")
    ana = caseload[demo.users["ana"].display_name][0]
    assert isinstance(ana, Linked) and f"coach={demo.users['ana'].public_id}" in ana.href
    assert "ana" not in ana.href.split("coach=")[0]  # no name in the URL


def test_engagement_opens_the_people_reached_that_month(
    program: dict[str, Participant], client_for: Callable[[str], Client]
) -> None:
    february = rows(client_for("mia"), "engagement", month="2026-02")
    assert column(february, "Contacts that month") == {"Alex": "1", "Dee": "1"}


def test_retention_lists_the_people_counted_and_who_is_still_in_contact(
    program: dict[str, Participant], client_for: Callable[[str], Client]
) -> None:
    day_30 = rows(client_for("mia"), "retention", day="30")
    assert column(day_30, "Still in contact") == {"Alex": "Yes", "Bo": "No", "Dee": "No"}


def test_follow_up_lists_the_windows_that_closed_done_or_not(
    program: dict[str, Participant], client_for: Callable[[str], Client]
) -> None:
    mia = client_for("mia")
    day_30 = rows(mia, "follow-up", day="30")
    assert column(day_30, "Reassessment done") == {"Alex": "Yes", "Bo": "No", "Dee": "No"}
    federal = rows(mia, "federal")
    assert column(federal, "Follow-up done") == {"Alex": "Yes", "Bo": "No", "Dee": "No"}


def test_recovery_capital_shows_each_persons_baseline_and_latest_total(
    program: dict[str, Participant], client_for: Callable[[str], Client]
) -> None:
    capital = rows(client_for("mia"), "recovery-capital")
    assert column(capital, "Baseline total") == {"Alex": "30"}
    assert column(capital, "Latest total") == {"Alex": "48"}


def _linked_counts(response: Any) -> list[Linked]:
    report_ = response.context["report"]
    cells = [h.value for h in report_.headlines if h.key in ("served", "enrolled", "active")]
    cells.append(next(h.value for h in report_.headlines if h.key == "contacts"))
    for key in ("by-type", "by-service", "caseload"):
        cells += [c for _label, row in table(response, key).items() for c in row]
    cells += [row[1] for row in table(response, "retention").values()]  # people counted
    cells += [row[2] for row in table(response, "follow-up").values()]  # due
    return cells


def test_every_count_on_the_page_equals_the_rows_behind_it(
    program: dict[str, Participant], client_for: Callable[[str], Client]
) -> None:
    mia = client_for("mia")
    cells = _linked_counts(report(mia))
    assert len(cells) > 20
    for cell in cells:
        assert isinstance(cell, Linked), cell
        behind = mia.get(cell.href)
        assert behind.status_code == 200, cell.href
        assert behind.context["page"].paginator.count == int(cell), (cell.href, str(cell))
        assert str(cell) in cell.label  # the accessible name says the number and what opens


def test_done_counts_equal_the_rows_marked_done(
    program: dict[str, Participant], client_for: Callable[[str], Client]
) -> None:
    mia = client_for("mia")
    for label, (_share, done, _due) in table(report(mia), "follow-up").items():
        assert isinstance(done, Linked), label
        behind = mia.get(done.href)
        marked = [row[-1].text for row in behind.context["rows"]]
        assert marked.count("Yes") == int(done), label


def test_a_supervisors_drill_down_shows_only_their_team(
    program: dict[str, Participant], client_for: Callable[[str], Client]
) -> None:
    sam = client_for("sam")
    assert "Dee" not in names(rows(sam, "contacts"))
    assert "Dee" not in names(rows(sam, "engagement", month="2026-02"))
    assert set(column(rows(sam, "retention", day="30"), "Still in contact")) == {
        "Alex",
        "Bo",
    }
    assert "Dee" not in names(rows(sam, "follow-up", day="30"))


@pytest.mark.parametrize(
    ("figure", "params"),
    [
        ("salaries", {}),
        ("contacts", {"month": "2024-01"}),  # outside the range
        ("contacts", {"month": "March"}),
        ("contacts", {"type": "carrier-pigeon"}),
        ("contacts", {"service": "999999"}),
        ("retention", {}),  # which day?
        ("retention", {"day": "45"}),
        ("follow-up", {"day": "180"}),  # the federal row is its own figure
        ("engagement", {}),
        ("suprt", {}),  # which time point?
        ("suprt", {"point": "day-30"}),
    ],
)
def test_unknown_figures_and_cells_are_not_found(
    program: dict[str, Participant],
    client_for: Callable[[str], Client],
    figure: str,
    params: dict[str, str],
) -> None:
    response = client_for("mia").get(f"/reports/rows/{figure}/", {**RANGE, **params})
    assert response.status_code == 404


def test_a_drill_down_is_audited_once_and_paged(
    demo: DemoWorld, program: dict[str, Participant], client_for: Callable[[str], Client]
) -> None:
    mia = client_for("mia")
    for index in range(55):
        person = enrol(demo, f"Many {index:02}", "ben", date(2026, 4, 1))
        contact(person, date(2026, 4, 2))
    before = AuditEvent.objects.filter(action=Action.VIEW, target_type="reports.rows").count()
    first = rows(mia, "contacts", month="2026-04")
    after = AuditEvent.objects.filter(action=Action.VIEW, target_type="reports.rows").count()
    assert after == before + 1
    assert len(first.context["rows"]) == 50 and first.context["page"].paginator.count == 55
    second = rows(mia, "contacts", month="2026-04", page="2")
    assert len(second.context["rows"]) == 5


def test_the_deidentified_view_shows_no_links(
    program: dict[str, Participant], client_for: Callable[[str], Client]
) -> None:
    response = report(client_for("mia"), view="deidentified")
    assert "/reports/rows/" not in response.content.decode()


DRILLS = [
    ("served", {}),
    ("active", {}),
    ("contacts", {"month": "2026-05", "type": "phone"}),
    ("hours", {}),
    ("engagement", {"month": "2026-05"}),
    ("retention", {"day": "30"}),
    ("follow-up", {"day": "30"}),
    ("federal", {}),
    ("recovery-capital", {}),
    ("suprt", {"point": "reassessment"}),  # Harbor reports SUPRT
]


@pytest.mark.parametrize(("figure", "params"), DRILLS)
def test_a_drill_down_makes_the_same_number_of_queries_with_more_data(
    demo: DemoWorld,
    program: dict[str, Participant],
    client_for: Callable[[str], Client],
    figure: str,
    params: dict[str, str],
) -> None:
    mia = client_for("mia")
    mia.get("/reports/")  # warm the session and membership caches

    def more(first: int, last: int) -> None:
        for index in range(first, last):
            extra = enrol(demo, f"Extra {index}", "ben", date(2026, 1, 1) + timedelta(days=index))
            contact(extra, date(2026, 5, 1) + timedelta(days=index), "phone")
            barc(extra, extra.enrolled_on, 25 + index)
            barc(extra, extra.enrolled_on + timedelta(days=30), 30 + index)

    more(0, 1)  # a row in every list, so both pages read one page of rows
    with CaptureQueriesContext(connection) as before:
        rows(mia, figure, **params)
    more(1, 16)
    with CaptureQueriesContext(connection) as after:
        rows(mia, figure, **params)
    # 14 = session, user, membership, 2FA device, the form's teams, coaches and service types,
    # a count, the audit row (5, in a savepoint) and one page of rows (no session save: the idle
    # clock is written at most every 10 seconds); the follow-up also reads the schedule, the
    # people and their BARC-10 dates and breaks (4); SUPRT counts the people's windows at the
    # time point (1, `suprt_counts.people_at`).
    pinned = {"follow-up": 19, "suprt": 16}.get(figure, 15)
    assert len(after) == len(before) == pinned, "\n".join(
        q["sql"][:100] for q in after.captured_queries
    )
