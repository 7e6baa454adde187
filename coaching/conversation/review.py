"""A review of one conversation: labels for every utterance and a strengths-first summary."""

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from coaching.conversation.model import ConversationModel, load
from coaching.conversation.parse import COACH, Utterance

QUESTIONS = ("open_question", "closed_question")
REFLECTIONS = ("simple_reflection", "complex_reflection")
EXAMPLES = 3


@dataclass
class LabelledUtterance:
    speaker: str
    text: str
    label: str


@dataclass
class Review:
    utterances: list[LabelledUtterance]
    summary: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "utterances": [
                {"speaker": u.speaker, "text": u.text, "label": u.label} for u in self.utterances
            ],
            "summary": self.summary,
        }


def review(utterances: list[Utterance], model: ConversationModel | None = None) -> Review:
    model = model or load()
    coach = [u.text for u in utterances if u.speaker == COACH]
    participant = [u.text for u in utterances if u.speaker != COACH]
    coach_labels = iter(model.label_coach(coach))
    participant_labels = iter(model.label_participant(participant))
    labelled = [
        LabelledUtterance(
            u.speaker,
            u.text,
            next(coach_labels) if u.speaker == COACH else next(participant_labels),
        )
        for u in utterances
    ]
    return Review(labelled, summarize(labelled))


def _ratio(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 2) if denominator else None


def summarize(utterances: list[LabelledUtterance]) -> dict[str, Any]:
    """Practice feedback, not a fidelity score: figures, the words behind them, strengths first."""
    coach = [u for u in utterances if u.speaker == COACH]
    counts = Counter(u.label for u in coach)
    questions = sum(counts[label] for label in QUESTIONS)
    reflections = sum(counts[label] for label in REFLECTIONS)
    coach_words = sum(len(u.text.split()) for u in coach)
    all_words = sum(len(u.text.split()) for u in utterances) or 1
    participant_counts = Counter(u.label for u in utterances if u.speaker != COACH)

    def examples(*labels: str) -> list[str]:
        return [u.text for u in coach if u.label in labels][:EXAMPLES]

    figures: dict[str, Any] = {
        "coach_utterances": len(coach),
        "participant_utterances": len(utterances) - len(coach),
        "label_counts": dict(sorted(counts.items())),
        "participant_label_counts": dict(sorted(participant_counts.items())),
        "reflections_per_question": _ratio(reflections, questions),
        "open_question_share": _ratio(counts["open_question"], questions),
        "complex_reflection_share": _ratio(counts["complex_reflection"], reflections),
        "coach_talk_share": round(coach_words / all_words, 2),
        "advice_without_permission": counts["advice_without_permission"],
        "affirmations": counts["affirmation"],
    }
    strengths: list[dict[str, Any]] = []
    growth: list[dict[str, Any]] = []
    ratio = figures["reflections_per_question"]
    if reflections:
        text = (
            f"You reflected back {reflections} time(s); reflections show the person they "
            "were heard."
        )
        if ratio is not None and ratio >= 1:
            text += (
                f" That is {ratio} reflections per question (1:1 is often called fair, 2:1 good)."
            )
        strengths.append({"text": text, "examples": examples(*REFLECTIONS)})
    if counts["affirmation"]:
        strengths.append(
            {
                "text": f"You named the person's strengths {counts['affirmation']} time(s).",
                "examples": examples("affirmation"),
            }
        )
    if counts["open_question"]:
        strengths.append(
            {
                "text": f"You asked {counts['open_question']} open question(s), "
                "inviting the person to tell their own story.",
                "examples": examples("open_question"),
            }
        )
    if counts["advice_with_permission"]:
        strengths.append(
            {
                "text": "You asked before offering ideas.",
                "examples": examples("advice_with_permission"),
            }
        )
    if ratio is not None and ratio < 1:
        growth.append(
            {
                "text": f"There were {questions} question(s) and {reflections} "
                "reflection(s). Try answering a question with a reflection "
                "before asking the next one.",
                "examples": examples("closed_question"),
            }
        )
    share = figures["complex_reflection_share"]
    if share is not None and share < 0.4:
        growth.append(
            {
                "text": "Most reflections repeated the words back. Adding a guess at the "
                "feeling or meaning underneath (a complex reflection) can deepen "
                "the conversation; 40% is often called fair and 50% good.",
                "examples": examples("simple_reflection"),
            }
        )
    if counts["advice_without_permission"]:
        growth.append(
            {
                "text": f"Advice was offered {counts['advice_without_permission']} "
                'time(s) without asking first. Asking "Would it help if I shared '
                'an idea?" keeps the choice with the person.',
                "examples": examples("advice_without_permission"),
            }
        )
    if figures["coach_talk_share"] > 0.6:
        growth.append(
            {
                "text": f"You spoke {round(figures['coach_talk_share'] * 100)}% of the "
                "words. More room for the person's voice may help.",
                "examples": [],
            }
        )
    figures["strengths"] = strengths
    figures["to_try_next"] = growth
    return figures
