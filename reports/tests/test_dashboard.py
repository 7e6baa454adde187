"""The dashboard page: figures from stored rows, filters, scope, query count and downloads."""

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from django.core.cache import cache as django_cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import User
from assessments.models import BARC10, Assessment
from audit.models import Action, AuditEvent
from cairn.demo import DemoWorld
from encounters.models import Encounter, ServiceType
from organizations.models import Membership, Role
from participants.models import Participant

MARK = "Zephyr"  # a gender identity nobody in the demo has: the filter isolates these rows
RANGE = {"gender_identity": MARK, "start": "2026-01-01", "end": "2026-10-31"}


def enrol(demo: DemoWorld, name: str, coach: str, enrolled: date, **values: Any) -> Participant:
    return Participant.objects.create(
        organization=demo.organizations["harbor"],
        preferred_name=name,
        coach=demo.users[coach] if coach in demo.users else User.objects.get(username=coach),
        enrolled_on=enrolled,
        gender_identity=MARK,
        **values,
    )


def contact(person: Participant, day: date, kind: str = "phone", **values: Any) -> Encounter:
    values.setdefault("duration_minutes", 30)
    coach = person.coach
    assert coach is not None
    return Encounter.objects.create(
        organization=person.organization,
        participant=person,
        author=coach,
        contact_type=kind,
        started_at=timezone.make_aware(datetime.combine(day, time(10))),
        occurred_on=day,
        **values,
    )


def barc(person: Participant, day: date, total: int) -> Assessment:
    coach = person.coach
    assert coach is not None
    return Assessment.objects.create(
        organization=person.organization,
        participant=person,
        instrument=BARC10,
        instrument_version="1",
        administered_on=day,
        schedule_point="extra",
        recorded_by=coach,
        total=total,
        is_complete=True,
        answered=10,
        item_count=10,
    )


@pytest.fixture
def program(demo: DemoWorld) -> dict[str, Participant]:
    """Three people of ana and ben (sam's team) and one of a coach outside any team."""
    outsider = User.objects.create(username="olu", preferred_name="Olu")
    Membership.objects.create(
        organization=demo.organizations["harbor"], user=outsider, role=Role.COACH
    )
    alex = enrol(demo, "Alex", "ana", date(2026, 1, 1), age_range="25-34")
    bo = enrol(demo, "Bo", "ben", date(2026, 3, 1), veteran_status="yes")
    cy = enrol(demo, "Cy", "ana", date(2025, 6, 1), status="closed", status_since=date(2026, 2, 1))
    dee = enrol(demo, "Dee", "olu", date(2026, 2, 1))
    contact(alex, date(2026, 1, 5), "in_person", duration_minutes=60)
    contact(alex, date(2026, 2, 1), "phone")  # day 31 after enrolment
    contact(alex, date(2026, 7, 20), "text", duration_minutes=10)  # day 200
    contact(bo, date(2026, 3, 3), "outreach", outcome="no_answer")  # an attempt: not served
    contact(cy, date(2026, 1, 10), "phone")
    contact(dee, date(2026, 2, 2), "video")
    contact(dee, date(2025, 12, 30), "video")  # before the range
    barc(alex, date(2026, 1, 1), 30)
    barc(alex, date(2026, 1, 31), 33)  # day 30: done
    barc(alex, date(2026, 7, 1), 48)  # day 181: the federal follow-up
    return {"alex": alex, "bo": bo, "cy": cy, "dee": dee}


def report(client: Client, **params: str) -> Any:
    response = client.get("/reports/", {**RANGE, **params})
    assert response.status_code == 200
    return response


def headline(response: Any, key: str) -> str:
    return next(h.value for h in response.context["report"].headlines if h.key == key)


def test_manager_sees_figures_worked_out_from_the_stored_rows(
    program: dict[str, Participant], client_for: Callable[[str], Client]
) -> None:
    response = report(client_for("mia"))
    assert headline(response, "served") == "3"  # Alex, Cy, Dee; Bo only had an attempt
    assert headline(response, "enrolled") == "3"  # Alex, Bo, Dee (Cy enrolled in 2025)
    assert headline(response, "active") == "3"  # Cy is closed
    assert headline(response, "contacts") == "6"
    assert headline(response, "hours") == "2.7"  # 60 + 30 + 10 (Alex) + 30 (Cy) + 30 (Dee)
    data = response.context["report"]
    retention = dict(next(t for t in data.tables if t.key == "retention").rows)
    assert retention["Day 30"] == ["33%", "3"]  # Alex (last contact day 200) of Alex, Bo, Dee
    assert retention["Day 180"] == ["33%", "3"]  # all three enrolled 180 days before 31 Oct
    follow_up = dict(next(t for t in data.tables if t.key == "follow-up").rows)
    assert follow_up["Day 30"] == ["33%", "1", "3"]
    assert follow_up["Day 180 ±30"] == ["33%", "1", "3"]  # windows of Alex, Bo, Dee
    capital = dict(next(t for t in data.tables if t.key == "recovery-capital").rows)
    assert capital["Mean change in total"] == ["+18"]
    assert capital["Share at 47 or more at the latest"] == ["100%"]
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "Not yet available" not in html
    assert headline(response, "referrals") == "0"  # none made in the program's fixture
    assert headline(response, "referral-days") == "—"


def test_filters_narrow_by_coach_demographics_and_service_type(
    demo: DemoWorld, program: dict[str, Participant], client_for: Callable[[str], Client]
) -> None:
    mia = client_for("mia")
    assert headline(report(mia, coach=str(demo.users["ana"].public_id)), "served") == "2"
    assert headline(report(mia, age_range="25-34"), "served") == "1"
    assert headline(report(mia, veteran_status="yes"), "enrolled") == "1"
    video = ServiceType.objects.create(organization=demo.organizations["harbor"], name="Walk")
    Encounter.objects.filter(participant=program["dee"]).update(service_type=video)
    assert headline(report(mia, service_type=str(video.pk)), "served") == "1"
    assert headline(report(mia, start="2026-03-01"), "served") == "1"  # only Alex in July


def test_supervisor_sees_only_their_team_and_riverside_sees_nothing_of_harbor(
    program: dict[str, Participant], client_for: Callable[[str], Client]
) -> None:
    assert headline(report(client_for("sam")), "served") == "2"  # not Dee (olu has no team)
    riverside = Client()
    riverside.force_login(User.objects.get(username="rio"))
    assert riverside.get("/reports/").status_code == 302  # a coach: their own view


def test_a_wrong_date_range_says_so_and_shows_the_last_twelve_months(
    program: dict[str, Participant], client_for: Callable[[str], Client]
) -> None:
    response = report(client_for("mia"), start="2026-10-01", end="2026-01-01")
    assert "The end date is before the start date." in response.content.decode()
    assert response.context["filters"].end == timezone.localdate()


def test_deidentified_view_and_download_hide_small_counts(
    program: dict[str, Participant], client_for: Callable[[str], Client]
) -> None:
    mia = client_for("mia")
    assert headline(report(mia, view="deidentified"), "served") == "<11"
    response = mia.get("/reports/report.csv", RANGE)
    assert response["Content-Type"].startswith("text/csv")
    body = response.content.decode()
    assert "Participants served,<11" in body
    assert "Alex" not in body
    assert AuditEvent.objects.filter(action=Action.EXPORT, target_type="reports.dashboard").exists()


def test_the_download_keeps_a_name_that_looks_like_a_formula_from_running(
    demo: DemoWorld, program: dict[str, Participant], client_for: Callable[[str], Client]
) -> None:
    trick = ServiceType.objects.create(
        organization=demo.organizations["harbor"], name='=HYPERLINK("x")'
    )
    Encounter.objects.filter(participant=program["dee"]).update(service_type=trick)
    body = client_for("mia").get("/reports/report.csv", RANGE).content.decode()
    assert "'=HYPERLINK" in body
    assert ",=HYPERLINK" not in body and "\n=HYPERLINK" not in body


def test_dashboard_makes_the_same_number_of_queries_with_more_data(
    demo: DemoWorld, program: dict[str, Participant], client_for: Callable[[str], Client]
) -> None:
    mia = client_for("mia")
    mia.get("/reports/")  # warm the session and membership caches
    django_cache.clear()  # the figures counted, not kept (`reports.cache`, tested on its own)
    with CaptureQueriesContext(connection) as before:
        report(mia)
    for index in range(15):
        extra = enrol(demo, f"Extra {index}", "ben", date(2026, 4, 1) + timedelta(days=index))
        contact(extra, date(2026, 5, 1) + timedelta(days=index))
        barc(extra, extra.enrolled_on, 25 + index)
    django_cache.clear()
    with CaptureQueriesContext(connection) as after:
        report(mia)
    # 23 = page, session and form queries, plus the dashboard's 13: the data version (1), a
    # transaction to turn JIT off (3), contacts with retention (1), people counts (1), caseload
    # (1), recovery capital (1), the schedule (1), the people with a break whose windows
    # move (3) and, as Harbor reports SUPRT, its time points counted (1).
    assert len(after) == len(before) <= 23


def test_drill_down_lists_the_people_behind_a_figure_and_is_audited(
    program: dict[str, Participant], client_for: Callable[[str], Client]
) -> None:
    response = client_for("sam").get("/reports/rows/served/", RANGE)
    html = response.content.decode()
    assert response.status_code == 200
    assert f"/participants/{program['alex'].id}/" in html and "Cy" in html
    assert "Dee" not in html  # outside sam's team
    assert AuditEvent.objects.filter(action=Action.VIEW, target_type="reports.rows").exists()


def test_drill_down_refuses_coaches_and_unknown_figures(
    program: dict[str, Participant], client_for: Callable[[str], Client]
) -> None:
    assert client_for("ana").get("/reports/rows/served/").status_code == 403
    assert client_for("max").get("/reports/rows/served/").status_code == 403
    assert client_for("mia").get("/reports/rows/salaries/").status_code == 404
