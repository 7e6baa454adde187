"""Finding help: words without accents or case, need, language, cost, open now and distance."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from cairn.demo import DemoWorld
from directory import demo as directory_demo
from directory.models import Cost, Need, Schedule, Service, Weekday
from directory.selectors import Search, find_services, miles_between, zip_centroid

EASTERN = ZoneInfo("America/New_York")
ANCHOR = date(2026, 12, 4)  # a Friday


@pytest.fixture
def harbor(demo: DemoWorld):
    org = demo.organizations["harbor"]
    directory_demo.seed(org, anchor=ANCHOR)
    return org


def _names(org, at: datetime | None = None, **search) -> list[str]:
    findings, _known = find_services(
        organization=org,
        search=Search(**search),
        now=at or datetime(2026, 12, 4, 12, tzinfo=EASTERN),
    )
    return [f.service.name for f in findings[: len(findings)]]


def test_words_match_without_accents_or_case(harbor) -> None:
    assert _names(harbor, words="REUNION") == ["Reunión de recuperación en español"]
    assert _names(harbor, words="résumés") == ["Second Chance Job Center"]
    assert "Second Chance Job Center" in _names(harbor, words="resumes")


def test_every_word_must_match(harbor) -> None:
    assert _names(harbor, words="food saturday") == ["Northside Food Bank"]


def test_need_language_and_cost_narrow_the_list(harbor) -> None:
    assert set(_names(harbor, need=Need.FOOD)) == {
        "Westside Community Food Pantry",
        "Northside Food Bank",
    }
    assert _names(harbor, language="vi") == ["Community Health Center"]
    assert "Recovery Residence Referrals" in _names(harbor, cost=Cost.PAID)
    assert "Westside Community Food Pantry" not in _names(harbor, cost=Cost.PAID)


def test_archived_listings_are_not_found(harbor) -> None:
    Service.objects.filter(name="Northside Food Bank").update(status="inactive")
    assert _names(harbor, need=Need.FOOD) == ["Westside Community Food Pantry"]


def test_open_now_uses_the_weekly_hours(harbor) -> None:
    friday_noon = datetime(2026, 12, 4, 12, 0, tzinfo=EASTERN)
    found = _names(harbor, at=friday_noon, open_now=True)
    assert "Westside Community Food Pantry" in found
    assert "Northside Food Bank" not in found  # Saturdays only
    assert "Evening Recovery Meeting" not in found
    assert "Syringe Services and Naloxone" in found  # around the clock


def test_open_now_across_midnight(harbor) -> None:
    # Friday 23:00 to 01:00: open at 23:30 Friday and at 00:30 Saturday, closed at 01:30.
    late_friday = datetime(2026, 12, 4, 23, 30, tzinfo=EASTERN)
    early_saturday = datetime(2026, 12, 5, 0, 30, tzinfo=EASTERN)
    after = datetime(2026, 12, 5, 1, 30, tzinfo=EASTERN)
    thursday_night = datetime(2026, 12, 4, 0, 30, tzinfo=EASTERN)  # after Thursday: closed
    name = "Midnight Recovery Meeting"
    assert name in _names(harbor, at=late_friday, open_now=True)
    assert name in _names(harbor, at=early_saturday, open_now=True)
    assert name not in _names(harbor, at=after, open_now=True)
    assert name not in _names(harbor, at=thursday_night, open_now=True)


def test_open_now_is_read_in_the_organizations_time_zone(harbor) -> None:
    """8:30 pm in Baltimore is 1:30 am UTC the next day: the pantry (7 am to 9 pm) is open."""
    moment = datetime(2026, 12, 5, 1, 30, tzinfo=ZoneInfo("UTC")).astimezone(EASTERN)
    assert "Westside Community Food Pantry" in _names(harbor, at=moment, open_now=True)
    assert Weekday.of(moment.date()) == Weekday.FR


def test_a_schedule_closing_exactly_at_the_time_is_closed(harbor) -> None:
    service = Service.objects.get(name="Expungement and Record Clearing Clinic")
    Schedule.objects.filter(service=service).update(opens_at=time(9), closes_at=time(12))
    Schedule.objects.filter(service=service).update(byday=Weekday.FR)
    friday_noon = datetime(2026, 12, 4, 12, 0, tzinfo=EASTERN)
    assert service.name not in _names(harbor, at=friday_noon, open_now=True)


def test_zip_codes_have_centroids_offline() -> None:
    lat, lon = zip_centroid("21201") or (0.0, 0.0)
    assert round(lat, 1) == 39.3 and round(lon, 1) == -76.6
    assert zip_centroid("00000") is None
    assert zip_centroid("abc") is None
    assert 30 < miles_between((39.2946, -76.6252), (38.9072, -77.0369)) < 40  # to Washington


def test_distance_orders_nearest_first_and_limits(harbor) -> None:
    findings, known = find_services(
        organization=harbor,
        search=Search(need=Need.FOOD, zip_code="21201"),
        now=datetime(2026, 12, 4, 12, tzinfo=EASTERN),
    )
    assert known and len(findings) == 2
    findings = findings[0:2]
    assert [f.service.name for f in findings] == [
        "Westside Community Food Pantry",
        "Northside Food Bank",
    ]
    assert findings[0].miles is not None and findings[0].miles < 2
    assert findings[1].miles is not None and findings[1].miles > 8
    near = _names(harbor, need=Need.FOOD, zip_code="21201", within_miles=5)
    assert near == ["Westside Community Food Pantry"]


def test_an_unknown_zip_says_so(harbor) -> None:
    findings, known = find_services(
        organization=harbor,
        search=Search(zip_code="00000"),
        now=datetime(2026, 12, 4, 12, tzinfo=EASTERN),
    )
    assert findings == [] and not known


def test_another_organizations_listings_are_never_found(demo: DemoWorld, harbor) -> None:
    assert _names(demo.organizations["riverside"], need=Need.FOOD) == []
