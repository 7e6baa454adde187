"""A check-in that asks for care ("Having a hard day", or strong urges) stands out on Today,
in words as well as looks, with the day and time the person checked in in the org's zone."""

from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from assessments.models import CHECKIN, Assessment
from lib.when import show_weekday_time
from participants.models import Participant

pytestmark = pytest.mark.django_db


def _check_ins_section(page: str) -> str:
    return page.split('id="check-ins"', 1)[1].split("</ul>", 1)[0]


def _latest_check_in() -> Assessment:
    pat = Participant.objects.get(user__username="pat")
    return Assessment.objects.filter(participant=pat, instrument=CHECKIN).latest("created_at")


def _when(check_in: Assessment) -> str:
    with timezone.override(ZoneInfo(check_in.organization.time_zone)):
        return show_weekday_time(check_in.created_at, clock=check_in.organization.clock)


def test_a_hard_day_with_strong_urges_stands_out_with_words_and_time(demo, client_for) -> None:
    client_for("pat").post("/me/check-in/", {"item_today": "1", "item_urges": "4"})
    section = _check_ins_section(client_for("ana").get("/today/").content.decode())
    assert 'class="check-in-care"' in section
    assert "Having a hard day, with strong urges" in section
    assert f"Pat checked in, {_when(_latest_check_in())}" in section
    assert "A reason to reach out, never a judgment." in section


def test_a_hard_day_alone_and_strong_urges_alone_are_named(demo, client_for) -> None:
    client_for("pat").post("/me/check-in/", {"item_today": "1"})
    section = _check_ins_section(client_for("ana").get("/today/").content.decode())
    assert '<strong class="care-words">Having a hard day</strong>' in section
    Assessment.objects.filter(instrument=CHECKIN, recorded_by__username="pat").delete()
    client_for("pat").post("/me/check-in/", {"item_today": "4", "item_urges": "3"})
    section = _check_ins_section(client_for("ana").get("/today/").content.decode())
    assert '<strong class="care-words">Strong urges</strong>' in section


def test_a_good_day_is_an_ordinary_line(demo, client_for) -> None:
    client_for("pat").post("/me/check-in/", {"item_today": "4", "item_urges": "1"})
    section = _check_ins_section(client_for("ana").get("/today/").content.decode())
    assert "Pat checked in" in section
    assert "check-in-care" not in section and "hard day" not in section
