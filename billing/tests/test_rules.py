"""Minutes into units, by hand-worked cases from the payers' manuals."""

import pytest

from billing.models import Rounding
from billing.rules import npi_is_valid, remaining, units_for, within_cap


@pytest.mark.parametrize(
    ("minutes", "midpoint", "whole", "any_part"),
    [
        (0, 0, 0, 0),
        (7, 0, 0, 1),
        (8, 1, 0, 1),
        (15, 1, 1, 1),
        (22, 1, 1, 2),
        (23, 2, 1, 2),
        (37, 2, 2, 3),
        (38, 3, 2, 3),
        (60, 4, 4, 4),
    ],
)
def test_fifteen_minute_units(minutes: int, midpoint: int, whole: int, any_part: int) -> None:
    def units(rounding: str) -> int:
        return units_for(minutes, unit_minutes=15, rounding=rounding)

    assert units(Rounding.MIDPOINT) == midpoint
    assert units(Rounding.WHOLE) == whole
    assert units(Rounding.ANY_PART) == any_part


def test_other_unit_lengths_use_their_own_midpoint() -> None:
    assert units_for(15, unit_minutes=30, rounding=Rounding.MIDPOINT) == 0
    assert units_for(16, unit_minutes=30, rounding=Rounding.MIDPOINT) == 1
    assert units_for(45, unit_minutes=60, rounding=Rounding.WHOLE) == 0


def test_a_daily_cap_trims_then_stops() -> None:
    assert within_cap(4, used_today=0, daily_cap=None) == 4
    assert within_cap(4, used_today=10, daily_cap=16) == 4
    assert within_cap(4, used_today=14, daily_cap=16) == 2
    assert within_cap(4, used_today=16, daily_cap=16) == 0
    assert remaining(40, 38) == 2 and remaining(40, 41) == 0


def test_npi_check_digit() -> None:
    assert npi_is_valid("1234567893")  # the example in CMS's NPI check-digit guidance
    assert not npi_is_valid("1234567890")
    assert not npi_is_valid("123456789")
    assert not npi_is_valid("12345678a3")
