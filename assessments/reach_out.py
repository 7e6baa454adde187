"""Which check-in answers ask a coach to reach out soon (issue 24, signals slice).

The default is deliberately narrower than "asks for care" on Today (`selectors.asks_for_care`):
a check-in raises a reach-out-soon signal only when the person is "Having a hard day" together
with "Very strong" urges, or feels supported "Not at all". Values are those of
`instruments/checkin.toml`; an unanswered question never raises anything.
"""

from collections.abc import Mapping
from enum import StrEnum

from assessments.selectors import HARD_DAY

VERY_STRONG_URGES = 4
NOT_AT_ALL_SUPPORTED = 1


class ReachOutReason(StrEnum):
    HARD_DAY_AND_VERY_STRONG_URGES = "hard_day_and_urges"
    NOT_SUPPORTED = "not_supported"


def reach_out_reasons(answers: Mapping[str, int | None]) -> list[ReachOutReason]:
    """The reasons a check-in's answers (item key -> value) ask a coach to reach out soon."""
    reasons: list[ReachOutReason] = []
    urges = answers.get("urges")
    if answers.get("today") == HARD_DAY and urges is not None and urges >= VERY_STRONG_URGES:
        reasons.append(ReachOutReason.HARD_DAY_AND_VERY_STRONG_URGES)
    if answers.get("supported") == NOT_AT_ALL_SUPPORTED:
        reasons.append(ReachOutReason.NOT_SUPPORTED)
    return reasons
