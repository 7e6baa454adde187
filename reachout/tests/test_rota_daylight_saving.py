"""On-call shifts across the US daylight-saving changes (organization time zone
America/New_York): a shift typed in local time covers the right instants, and the gap finder
reports neither a false gap nor a missed one (issue 24)."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from organizations.models import Membership
from reachout.forms import ShiftForm
from reachout.models import OnCallShift, Signal
from reachout.selectors import _uncovered, on_call_cover, rota
from reachout.services import add_shift

NY = ZoneInfo("America/New_York")


def _form_shift(org, starts_on: str, starts_at: str, ends_on: str, ends_at: str):
    form = ShiftForm(
        data={
            "person": "",
            "team": "",
            "starts_on": starts_on,
            "starts_at": starts_at,
            "ends_on": ends_on,
            "ends_at": ends_at,
        },
        organization=org,
    )
    form.is_valid()
    return form.cleaned_data["start"], form.cleaned_data["end"]


@pytest.mark.django_db
def test_a_night_shift_over_spring_forward_lasts_nine_hours(demo) -> None:
    mia = Membership.objects.get(user__username="mia")
    mia.organization.time_zone = "America/New_York"
    start, end = _form_shift(mia.organization, "2026-03-07", "22:00", "2026-03-08", "08:00")
    assert start.astimezone(UTC) == datetime(2026, 3, 8, 3, 0, tzinfo=UTC)  # 22:00 EST
    assert end.astimezone(UTC) == datetime(2026, 3, 8, 12, 0, tzinfo=UTC)  # 08:00 EDT
    assert end - start == timedelta(hours=9)


@pytest.mark.django_db
def test_a_night_shift_over_fall_back_lasts_eleven_hours(demo) -> None:
    mia = Membership.objects.get(user__username="mia")
    mia.organization.time_zone = "America/New_York"
    start, end = _form_shift(mia.organization, "2026-10-31", "22:00", "2026-11-01", "08:00")
    assert start.astimezone(UTC) == datetime(2026, 11, 1, 2, 0, tzinfo=UTC)  # 22:00 EDT
    assert end.astimezone(UTC) == datetime(2026, 11, 1, 13, 0, tzinfo=UTC)  # 08:00 EST
    assert end - start == timedelta(hours=11)


def test_back_to_back_local_shifts_over_either_change_leave_no_gap() -> None:
    for (eve_month, eve_day), (month, day) in (((3, 7), (3, 8)), ((10, 31), (11, 1))):
        evening = datetime(2026, eve_month, eve_day, 22, 0, tzinfo=NY)
        morning = datetime(2026, month, day, 8, 0, tzinfo=NY)
        midnight = datetime(2026, month, day, 0, 0, tzinfo=NY)
        spans = [(evening, midnight), (midnight, morning)]
        assert _uncovered(spans, evening, morning) == []
        # The stretch after the last shift is a gap, of the real length.
        noon = datetime(2026, month, day, 12, 0, tzinfo=NY)
        (gap,) = _uncovered(spans, evening, noon)
        assert gap[0].astimezone(UTC) == morning.astimezone(UTC)
        assert gap[1] - gap[0] == timedelta(hours=4)


def test_the_repeated_hour_at_fall_back_is_a_gap_when_only_one_copy_is_covered() -> None:
    # 01:00-02:00 happens twice on 1 November: a shift ending when the clocks go back (06:00
    # UTC) and the next starting at 02:00 EST (07:00 UTC) leave the repeated hour uncovered.
    first_one = datetime(2026, 11, 1, 5, 0, tzinfo=UTC)  # 01:00 EDT
    first_two = datetime(2026, 11, 1, 6, 0, tzinfo=UTC)  # 01:00 EST, the repeated hour
    after = datetime(2026, 11, 1, 7, 0, tzinfo=UTC)  # 02:00 EST
    spans = [(first_one - timedelta(hours=3), first_two), (after, after + timedelta(hours=3))]
    gaps = _uncovered(spans, first_one - timedelta(hours=3), after + timedelta(hours=3))
    assert gaps == [(first_two, after)]


@pytest.mark.django_db
def test_the_shift_covers_the_extra_hour_and_the_rota_shows_no_false_gap(demo) -> None:
    mia = Membership.objects.get(user__username="mia")
    org = mia.organization
    org.time_zone = "America/New_York"
    org.save(update_fields=["time_zone"])
    ana = Membership.objects.get(user__username="ana")
    start, end = _form_shift(org, "2026-10-31", "22:00", "2026-11-01", "08:00")
    add_shift(acting=mia, person=ana.user, team=None, starts_at=start, ends_at=end)
    shift = OnCallShift.objects.get()
    assert shift.ends_at - shift.starts_at == timedelta(hours=11)
    # Inside the repeated hour (01:30 EST, 06:30 UTC) and just before the end, Ana is on call.
    for at in (datetime(2026, 11, 1, 6, 30, tzinfo=UTC), end - timedelta(minutes=1)):
        assert Signal.objects.filter(on_call_cover(ana, now=at)).count() == Signal.objects.count()
        assert OnCallShift.objects.filter(person=ana.user, starts_at__lte=at, ends_at__gt=at)
    assert not OnCallShift.objects.filter(starts_at__lte=end, ends_at__gt=end).exists()
    week = rota(mia, start=start)
    covered_until = [g for g in week["gaps"] if g.starts_at < end]
    assert covered_until == []
    assert all(g.starts_at >= end for g in week["gaps"])
