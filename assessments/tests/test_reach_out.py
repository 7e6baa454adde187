"""The conservative default rule for check-in answers that ask a coach to reach out soon
(issue 24)."""

from assessments.reach_out import ReachOutReason, reach_out_reasons


def test_hard_day_alone_or_strong_urges_alone_raise_nothing() -> None:
    assert reach_out_reasons({"today": 1}) == []
    assert reach_out_reasons({"urges": 4}) == []
    assert reach_out_reasons({"today": 1, "urges": 3}) == []


def test_hard_day_with_very_strong_urges() -> None:
    assert reach_out_reasons({"today": 1, "urges": 4}) == [
        ReachOutReason.HARD_DAY_AND_VERY_STRONG_URGES
    ]


def test_not_supported_at_all() -> None:
    assert reach_out_reasons({"supported": 1, "today": 4}) == [ReachOutReason.NOT_SUPPORTED]
    assert reach_out_reasons({"supported": 2}) == []


def test_unanswered_questions_raise_nothing() -> None:
    assert reach_out_reasons({}) == []
    assert reach_out_reasons({"today": None, "urges": None, "supported": None}) == []
