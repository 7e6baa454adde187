"""A supervisor's Today: their team coach by coach, each figure opening the list behind it; and
the read-only page of their own team."""

from datetime import timedelta
from html import unescape
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import CHECKIN, Assessment, ItemResponse
from cairn.demo import DemoWorld
from cairn.tests.html_parts import elements
from coaching.models import PracticeReview
from encounters import demo as encounter_demo
from encounters.models import Encounter, ReviewState
from organizations.models import Membership, Role, Team
from participants.models import Participant, ParticipantStatus

pytestmark = pytest.mark.django_db


def _row_figures(html: str, coach: Any) -> dict[str, tuple[int, str]]:
    rows = [tr for tr in elements(html, "tr") if tr.attrs.get("data-coach") == str(coach.public_id)]
    assert len(rows) == 1
    # The row's links, in column order, by the figure each names.
    start = html.index(f'data-coach="{coach.public_id}"')
    end = html.index("</tr>", start)
    return {
        a.attrs["data-figure"]: (int(a.visible), unescape(a.attrs["href"]))
        for a in elements(html[start:end], "a")
    }


def _expected(coach: Any, organization: Any) -> dict[str, int]:
    """The figures counted here in Python, row by row, independently of the page's queries."""
    today = timezone.localdate()
    cutoff = today - timedelta(days=organization.out_of_touch_days)
    people = [
        p
        for p in Participant.objects.filter(organization=organization, merged_into__isnull=True)
        if coach.pk in (p.coach_id, p.secondary_coach_id) and p.status in ParticipantStatus.open()
    ]
    reachable = [p for p in people if p.no_contact_since is None]
    flagged = 0
    for a in Assessment.objects.filter(
        organization=organization,
        instrument=CHECKIN,
        administered_on__gte=today - timedelta(days=7),
    ):
        answers = {r.item_key: r.value for r in a.responses.all()}
        if coach.pk in (a.participant.coach_id, a.participant.secondary_coach_id) and (
            answers.get("today") == 1 or (answers.get("urges") or 0) >= 3
        ):
            flagged += 1
    return {
        "caseload": len(people),
        "due": sum(1 for p in reachable if p.next_contact_on and p.next_contact_on <= today),
        "quiet": sum(
            1
            for p in reachable
            if (p.last_contact_on and p.last_contact_on < cutoff)
            or (p.last_contact_on is None and p.enrolled_on < cutoff)
        ),
        "cosign": Encounter.objects.filter(
            organization=organization, author=coach, review_state=ReviewState.PENDING
        ).count(),
        "reviews": PracticeReview.objects.filter(
            organization=organization, owner=coach, shared_with_supervisor=True
        ).count(),
        "check-ins": flagged,
    }


@pytest.fixture
def team_week(demo: DemoWorld) -> DemoWorld:
    """Ben's notes need co-signing (two wait), Ana shared one practice review of two, and one of
    Ana's people checked in having a hard day."""
    harbor = demo.organizations["harbor"]
    ana, ben = demo.users["ana"], demo.users["ben"]
    Membership.objects.filter(organization=harbor, user=ben).update(notes_need_cosign=True)
    encounter_demo.wait_for_cosign(harbor, author=ben, count=2)
    PracticeReview.objects.create(
        organization=harbor, owner=ana, title="Shared", summary={}, shared_with_supervisor=True
    )
    PracticeReview.objects.create(organization=harbor, owner=ana, title="Kept", summary={})
    person = Participant.objects.filter(organization=harbor, coach=ana).order_by("id").first()
    assert person is not None
    hard_day = Assessment.objects.create(
        organization=harbor,
        participant=person,
        instrument=CHECKIN,
        instrument_version="1.0",
        administered_on=timezone.localdate(),
        recorded_by=ana,
    )
    ItemResponse.objects.create(organization=harbor, assessment=hard_day, item_key="today", value=1)
    ItemResponse.objects.create(organization=harbor, assessment=hard_day, item_key="urges", value=0)
    return demo


def test_supervisor_today_shows_each_coach_with_their_figures(team_week: DemoWorld, client_for):
    harbor = team_week.organizations["harbor"]
    html = client_for("sam").get("/today/").content.decode()
    for name in ("ana", "ben"):
        coach = team_week.users[name]
        shown = {figure: number for figure, (number, _href) in _row_figures(html, coach).items()}
        assert shown == _expected(coach, harbor)
    # The fixture's own figures are really on the page, not only zeros.
    assert _row_figures(html, team_week.users["ben"])["cosign"][0] == 2
    assert _row_figures(html, team_week.users["ana"])["reviews"][0] == 1
    assert _row_figures(html, team_week.users["ana"])["check-ins"][0] >= 1


def test_each_figure_opens_the_list_behind_it(team_week: DemoWorld, client_for):
    sam = client_for("sam")
    ben = team_week.users["ben"]
    links = {
        figure: href
        for figure, (_n, href) in _row_figures(sam.get("/today/").content.decode(), ben).items()
    }
    assert links["caseload"] == f"{reverse('participants:list')}?coach={ben.public_id}&status=open"
    assert "due=1" in links["due"]
    assert f"quiet={team_week.organizations['harbor'].out_of_touch_days}" in links["quiet"]
    assert links["cosign"] == f"{reverse('encounters:review')}?coach={ben.public_id}"
    assert links["reviews"] == f"{reverse('coaching:practice_shared')}?coach={ben.public_id}"
    assert links["check-ins"] == "#flagged-heading"

    # The caseload behind the figure lists as many people as the figure says.
    expected = _expected(ben, team_week.organizations["harbor"])
    caseload = sam.get(links["caseload"])
    assert caseload.context["page"].paginator.count == expected["caseload"]
    assert "Ben's caseload" in caseload.content.decode()
    due = sam.get(links["due"])
    assert due.context["page"].paginator.count == expected["due"]
    quiet = sam.get(links["quiet"])
    assert quiet.context["page"].paginator.count == expected["quiet"]
    queue = sam.get(links["cosign"])
    assert queue.context["page"].paginator.count == 2
    assert {e.author_id for e in queue.context["page"].object_list} == {ben.pk}
    reviews = sam.get(
        f"{reverse('coaching:practice_shared')}?coach={team_week.users['ana'].public_id}"
    )
    assert [r.title for r in reviews.context["shared"]] == ["Shared"]


def test_the_hard_day_check_in_is_listed_with_its_coach(team_week: DemoWorld, client_for):
    html = client_for("sam").get("/today/").content.decode()
    listed = [
        li.text for li in elements(html, "li") if "checked in" in li.text and "coach Ana" in li.text
    ]
    assert listed


def test_coach_today_has_no_team_table(team_week: DemoWorld, client_for):
    response = client_for("ana").get("/today/")
    assert response.context["team"] is None
    assert 'id="team-table"' not in response.content.decode()
    assert response.context["day"] is not None


def test_supervisor_opens_their_own_team_read_only(team_week: DemoWorld, client_for):
    team = Team.objects.get(organization=team_week.organizations["harbor"], name="Harbor Team A")
    response = client_for("sam").get(f"/organization/my-team/{team.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    names = [th.text for th in elements(html, "th") if th.attrs.get("scope") == "row"]
    assert any(n.startswith("Ana") for n in names)
    assert any(n.startswith("Ben") for n in names)
    assert not elements(html, "form") or all(
        f.attrs.get("action", "").startswith("/accounts/") or "switch" in f.attrs.get("action", "")
        for f in elements(html, "form")
    )  # no editing controls: only the layout's own forms (sign out, organization switch)


def test_supervisor_gets_404_for_another_team(team_week: DemoWorld, client_for):
    other = Team.objects.create(
        organization=team_week.organizations["harbor"], name="Harbor Team B"
    )
    assert client_for("sam").get(f"/organization/my-team/{other.pk}/").status_code == 404
    assert client_for("ana").get(f"/organization/my-team/{other.pk}/").status_code == 403


def test_demo_tour_sam_has_notes_to_cosign(demo: DemoWorld, client_for):
    from cairn.demo import seed_tour

    seed_tour(demo, anchor=timezone.localdate())
    ben = Membership.objects.get(organization=demo.organizations["harbor"], user__username="ben")
    assert ben.notes_need_cosign
    assert ben.role == Role.COACH
    queue = client_for("sam").get(reverse("encounters:review"))
    assert queue.context["page"].paginator.count == 2
