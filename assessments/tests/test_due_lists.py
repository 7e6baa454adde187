"""Today names the first people due for a reassessment or a SUPRT time point and says how many
more there are; My work lists every one of them."""

from collections.abc import Callable
from datetime import timedelta
from io import StringIO

from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from assessments.selectors import TODAY_LIMIT
from cairn.demo import DemoWorld
from cairn.tests.html_parts import elements
from participants.models import Participant, ParticipantStatus

EXTRA = 4


def _list_items(html: str, list_id: str) -> list[str]:
    lists = [e for e in elements(html, "ul") if e.attrs.get("id") == list_id]
    assert len(lists) == 1, f"no list #{list_id}"
    return [li.text for li in elements(html, "li") if li.text in lists[0].text]


def _more_than_a_page_due(demo: DemoWorld) -> set[str]:
    """Ana takes on more people than Today shows, all a month in: each has the day-30
    reassessment and the SUPRT baseline open today."""
    enrolled = timezone.localdate() - timedelta(days=30)
    names = {f"Dee {i:02d}" for i in range(TODAY_LIMIT + EXTRA)}
    for name in sorted(names):
        Participant.objects.create(
            organization=demo.organizations["harbor"],
            coach=demo.users["ana"],
            preferred_name=name,
            status=ParticipantStatus.ACTIVE,
            enrolled_on=enrolled,
        )
    call_command("refresh_reassessments", stdout=StringIO())
    return names


def test_today_shows_the_first_reassessments_and_says_how_many_more(
    demo: DemoWorld, client_for: Callable[[str], Client]
) -> None:
    names = _more_than_a_page_due(demo)
    ana = client_for("ana")
    mine = ana.get("/reports/mine/").content.decode()
    every = _list_items(mine, "due-list")
    assert len(every) >= len(names)
    assert all(any(name in row for row in every) for name in names)
    today = ana.get("/today/").content.decode()
    assert len(_list_items(today, "reassessments-list")) == TODAY_LIMIT
    more = [p for p in elements(today, "p") if p.attrs.get("id") == "reassessments-more"]
    assert more and f"{len(every) - TODAY_LIMIT} more people are due." in more[0].text
    assert 'href="/reports/mine/#due-heading"' in today


def test_today_shows_the_first_suprt_points_and_my_work_lists_them_all(
    demo: DemoWorld, client_for: Callable[[str], Client]
) -> None:
    names = _more_than_a_page_due(demo)
    ana = client_for("ana")
    every = _list_items(ana.get("/reports/mine/").content.decode(), "suprt-due-all")
    assert all(any(name in row and "Baseline" in row for row in every) for name in names)
    today = ana.get("/today/").content.decode()
    assert len(_list_items(today, "suprt-due-list")) == TODAY_LIMIT
    more = [p for p in elements(today, "p") if p.attrs.get("id") == "suprt-due-more"]
    assert more and f"{len(every) - TODAY_LIMIT} more people are due." in more[0].text


def test_a_short_list_says_nothing_more(
    demo: DemoWorld, client_for: Callable[[str], Client]
) -> None:
    today = client_for("ana").get("/today/").content.decode()
    assert 'id="reassessments-more"' not in today and 'id="suprt-due-more"' not in today
