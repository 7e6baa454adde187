"""Minutes into units: the payer's unit length and rounding rule, then its daily cap. Pure
functions, so the hand-worked cases in the tests read like the payer's own manual."""

from billing.models import Rounding


def units_for(minutes: int, *, unit_minutes: int, rounding: str) -> int:
    """How many units `minutes` of service are worth.

    With 15-minute units: the midpoint rule (a unit from its 8th minute) gives 7 → 0, 8 → 1,
    22 → 1, 23 → 2, 38 → 3; whole units only gives 7 → 0, 22 → 1, 38 → 2; any part of a unit
    gives 7 → 1, 22 → 2, 38 → 3."""
    if minutes <= 0 or unit_minutes <= 0:
        return 0
    whole, rest = divmod(minutes, unit_minutes)
    if rounding == Rounding.WHOLE:
        return whole
    if rounding == Rounding.ANY_PART:
        return whole + (1 if rest else 0)
    # The midpoint: more than half of a unit (8 of 15 minutes, 16 of 30) counts as a unit.
    return whole + (1 if rest * 2 > unit_minutes else 0)


def within_cap(units: int, *, used_today: int, daily_cap: int | None) -> int:
    """The units still billable today under the payer's daily cap (None: no cap)."""
    if daily_cap is None:
        return units
    return max(0, min(units, daily_cap - used_today))


def remaining(authorized: int, used: int) -> int:
    return max(0, authorized - used)


def npi_is_valid(npi: str) -> bool:
    """A National Provider Identifier: ten digits whose last is the Luhn check digit of the
    first nine prefixed with 80840 (the card issuer prefix for US health applications)."""
    if len(npi) != 10 or not npi.isdigit():
        return False
    return luhn_check_digit("80840" + npi[:9]) == int(npi[9])


def luhn_check_digit(digits: str) -> int:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 0:  # the digit next to the check digit is doubled
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return (10 - total % 10) % 10
