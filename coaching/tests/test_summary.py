"""The review summary: the arithmetic, and feedback that starts with what went well."""

from coaching.conversation.model import apply_rules
from coaching.conversation.review import LabelledUtterance, summarize


def _u(speaker: str, text: str, label: str) -> LabelledUtterance:
    return LabelledUtterance(speaker, text, label)


CONVERSATION = [
    _u("coach", "What has the week been like?", "open_question"),
    _u("participant", "Rough. I want to get back to meetings.", "change_talk"),
    _u("coach", "You want to get back to meetings.", "simple_reflection"),
    _u("coach", "Part of you misses the people there.", "complex_reflection"),
    _u("coach", "Did you go on Tuesday?", "closed_question"),
    _u("participant", "No.", "neutral"),
    _u("coach", "You kept your job through all of it.", "affirmation"),
    _u("coach", "You should go tonight.", "advice_without_permission"),
    _u("participant", "Maybe.", "neutral"),
]


def test_summary_figures() -> None:
    summary = summarize(CONVERSATION)
    assert summary["coach_utterances"] == 6
    assert summary["participant_utterances"] == 3
    assert summary["reflections_per_question"] == 1.0
    assert summary["open_question_share"] == 0.5
    assert summary["complex_reflection_share"] == 0.5
    assert summary["advice_without_permission"] == 1
    coach_words = sum(len(u.text.split()) for u in CONVERSATION if u.speaker == "coach")
    all_words = sum(len(u.text.split()) for u in CONVERSATION)
    assert summary["coach_talk_share"] == round(coach_words / all_words, 2)
    assert summary["participant_label_counts"] == {"change_talk": 1, "neutral": 2}


def test_feedback_starts_with_strengths_and_quotes_the_coachs_words() -> None:
    summary = summarize(CONVERSATION)
    assert summary["strengths"], "there is always something that went well here"
    reflections = summary["strengths"][0]
    assert "reflected back 2 times;" in reflections["text"]
    assert "You want to get back to meetings." in reflections["examples"]
    advice = [p for p in summary["to_try_next"] if "without asking first" in p["text"]]
    assert advice and advice[0]["examples"] == ["You should go tonight."]


def test_no_questions_means_no_ratio_rather_than_a_crash() -> None:
    summary = summarize([_u("coach", "Good to see you.", "other")])
    assert summary["reflections_per_question"] is None
    assert summary["open_question_share"] is None


def test_rules_decide_permission_and_question_form() -> None:
    assert (
        apply_rules(
            "Would it be okay if I shared an idea? You could try the 7 pm group.", "information"
        )
        == "advice_with_permission"
    )
    assert apply_rules("You need to call your PO today.", "information") == (
        "advice_without_permission"
    )
    assert apply_rules("How did the call with your sister go?", "closed_question") == (
        "open_question"
    )
    assert apply_rules("Did you make it to the clinic?", "open_question") == "closed_question"
    assert apply_rules("So you're feeling stuck?", "complex_reflection") == "complex_reflection"


def test_feedback_counts_in_proper_plurals() -> None:
    summary = summarize(CONVERSATION)
    texts = " ".join(p["text"] for p in summary["strengths"] + summary["to_try_next"])
    assert "You named the person's strengths 1 time." in texts
    assert "You asked 1 open question," in texts
    assert "Advice was offered 1 time without asking first." in texts
    assert "(s)" not in texts
    fewer = summarize([_u("coach", "Did you go?", "closed_question")] * 2)
    assert "There were 2 questions and 0 reflections." in fewer["to_try_next"][0]["text"]
