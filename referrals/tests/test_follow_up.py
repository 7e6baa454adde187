"""A partner's silence puts a follow-up on the coach's Today after the program's days; the
figures by need and by partner, exact with the rows behind each count or de-identified; the
list's filters those figures link to."""

import re
from datetime import timedelta
from html import unescape
from typing import Any

import pytest
from django.utils import timezone

from audit.models import Action, AuditEvent
from cairn.demo import DemoWorld
from cairn.tests.html_parts import elements
from directory import demo as directory_demo
from referrals import demo as referrals_demo
from referrals.models import Referral, ReferralSettings, ReferralState
from referrals.services import Answer, partner_answer

HOUSING_DESK = "Rapid Rehousing Help Desk"
CLINIC = "Harborview Medication for Opioid Use Disorder Clinic"


@pytest.fixture
def tour(demo: DemoWorld) -> DemoWorld:
    """The tour's four referrals: Pat's accepted clinic and unanswered housing desk (8 days),
    a residence that saw one of ana's people, a pantry that declined another."""
    harbor = demo.organizations["harbor"]
    directory_demo.seed(harbor, anchor=timezone.localdate())
    assert referrals_demo.seed(harbor, anchor=timezone.localdate()) == 4
    return demo


def _main(response: Any) -> str:
    assert response.status_code == 200
    (main,) = elements(response.content.decode(), "main")
    return " ".join(main.text.split())


def _silent_list(response: Any) -> str:
    found = [
        u
        for u in elements(response.content.decode(), "ul")
        if u.attrs.get("id") == "silent-referrals"
    ]
    return found[0].text if found else ""


def test_a_partner_silent_past_the_program_days_is_on_the_coachs_today(tour, client_for) -> None:
    listed = _silent_list(client_for("ana").get("/today/"))
    assert f"Pat to {HOUSING_DESK}" in listed
    assert "8 days with no answer" in listed
    assert "the link has not been opened" in listed
    assert CLINIC not in listed  # accepted: nothing to chase
    # Another coach's Today does not show ana's people.
    assert _silent_list(client_for("ben").get("/today/")) == ""


def test_an_answer_or_more_days_take_it_off_today(tour, client_for) -> None:
    housing = Referral.objects.get(service__name=HOUSING_DESK)
    ReferralSettings.objects.create(organization=housing.organization, answer_within_days=9)
    assert _silent_list(client_for("ana").get("/today/")) == ""
    ReferralSettings.objects.filter(organization=housing.organization).update(answer_within_days=8)
    assert HOUSING_DESK in _silent_list(client_for("ana").get("/today/"))
    partner_answer(referral=housing, answer=Answer.ACCEPT)
    assert _silent_list(client_for("ana").get("/today/")) == ""


def test_a_manager_sets_the_days_and_the_change_is_audited(tour, client_for) -> None:
    assert client_for("ana").get("/referrals/settings/").status_code == 403
    mia = client_for("mia")
    assert 'value="5"' in mia.get("/referrals/settings/").content.decode()
    refused = mia.post("/referrals/settings/", {"answer_within_days": "0"})
    assert refused.status_code == 200
    assert 'value="0"' in refused.content.decode()  # what was typed stays
    assert not ReferralSettings.objects.exists()
    saved = mia.post("/referrals/settings/", {"answer_within_days": "10"}, follow=True)
    assert "Saved." in _main(saved)
    assert ReferralSettings.objects.get().answer_within_days == 10
    assert AuditEvent.objects.filter(
        target_type="referrals.referralsettings", action=Action.UPDATE
    ).exists()
    assert _silent_list(client_for("ana").get("/today/")) == ""


def _rows_html(response: Any, table_id: str) -> list[str]:
    html = response.content.decode()
    table = html.split(f'<table class="data-table" id="{table_id}"', 1)[1].split("</table>")[0]
    return re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S)


def _table(response: Any, table_id: str) -> dict[str, list[str]]:
    """Each body row's cells by the row's heading."""
    rows: dict[str, list[str]] = {}
    for row in _rows_html(response, table_id):
        if "<td" in row:
            cells = [cell.text for cell in elements(row, "th", "td")]
            rows[cells[0]] = cells[1:]
    return rows


def _links(response: Any, table_id: str, heading: str) -> list[str]:
    row = next(r for r in _rows_html(response, table_id) if f">{heading}</th>" in r)
    return [unescape(href) for href in re.findall(r'href="([^"]+)"', row)]


# Columns: waiting, accepted, first service, declined, closed, made, median days.


def test_figures_by_need_and_partner_count_where_each_referral_stands(tour, client_for) -> None:
    page = client_for("mia").get("/referrals/figures/")
    by_need = _table(page, "by-need")
    assert by_need["Housing"] == ["1", "0", "1", "0", "0", "2", "6"]
    assert by_need["Treatment and medication"][:6] == ["0", "1", "0", "0", "0", "1"]
    assert by_need["Food"][:6] == ["0", "0", "0", "1", "0", "1"]
    assert by_need["All"] == ["1", "1", "1", "1", "0", "4", "6"]
    by_partner = _table(page, "by-partner")
    assert by_partner["Charm City Housing Alliance"][:6] == ["1", "0", "0", "0", "0", "1"]
    assert by_partner["Westside Neighbors"][:6] == ["0", "0", "0", "1", "0", "1"]
    assert AuditEvent.objects.filter(target_type="referrals.figures").exists()


def test_each_count_opens_the_referrals_behind_it(tour, client_for) -> None:
    mia = client_for("mia")
    links = _links(mia.get("/referrals/figures/"), "by-need", "Housing")
    assert len(links) == 3  # waiting, first service, made: a zero opens nothing
    made = [href for href in links if "state=" not in href]
    assert len(made) == 1
    listed = _main(mia.get(made[0]))
    assert "2 referrals" in listed and HOUSING_DESK in listed and CLINIC not in listed
    waiting = next(href for href in links if "state=sent" in href)
    listed = _main(mia.get(waiting))
    assert "1 referral" in listed and HOUSING_DESK in listed


def test_the_deidentified_view_hides_small_counts_and_lists_nobody(tour, client_for) -> None:
    page = client_for("mia").get("/referrals/figures/", {"numbers": "deidentified"})
    by_need = _table(page, "by-need")
    assert by_need["Housing"] == ["<11", "0", "<11", "0", "0", "<11", "<11"]
    assert by_need["All"][5] == "<11"
    assert _links(page, "by-need", "Housing") == []
    assert "Pat" not in _main(page)


def test_a_coach_counts_only_their_own_people_and_a_period_narrows_it(tour, client_for) -> None:
    assert "No referrals were sent in this period." in _main(
        client_for("ben").get("/referrals/figures/")
    )
    since = (timezone.localdate() - timedelta(days=10)).isoformat()
    recent = _table(client_for("ana").get("/referrals/figures/", {"sent_from": since}), "by-need")
    assert recent["All"][5] == "2"  # the pantry (20 days) and the residence (30) are before it
    wrong = client_for("ana").get(
        "/referrals/figures/", {"sent_from": since, "sent_to": "2020-01-01"}
    )
    assert "Choose a day on or after the first day." in _main(wrong)


def test_the_list_keeps_valid_filters_and_says_which_is_wrong(tour, client_for) -> None:
    listed = _main(
        client_for("mia").get(
            "/referrals/", {"need": "housing", "partner": "not-a-partner", "state": ""}
        )
    )
    assert "Partner: “not-a-partner” is not a valid UUID." in listed
    assert "2 referrals" in listed
    declined = _main(client_for("mia").get("/referrals/", {"state": ReferralState.DECLINED}))
    assert "1 referral" in declined and "Westside Community Food Pantry" in declined
