"""A review of one conversation: labels for every utterance and a strengths-first summary."""

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from coaching.conversation.model import ConversationModel, load
from coaching.conversation.parse import COACH, Utterance

QUESTIONS = ("open_question", "closed_question")
REFLECTIONS = ("simple_reflection", "complex_reflection")
EXAMPLES = 3
# What each stored reading is called on the page (the review keeps the short names).
READINGS = {
    "open_question": _("Open question"),
    "closed_question": _("Closed question"),
    "simple_reflection": _("Simple reflection"),
    "complex_reflection": _("Complex reflection"),
    "affirmation": _("Affirmation"),
    "information": _("Information"),
    "advice_with_permission": _("Advice, after asking"),
    "advice_without_permission": _("Advice, without asking first"),
    "other": _("Something else"),
    "change_talk": _("Talk about change"),
    "sustain_talk": _("Talk about staying the same"),
    "neutral": _("Neither"),
}


def reading_label(label: str) -> str:
    """`open_question` -> "Open question"; a reading not known here in plain words."""
    return str(READINGS.get(label, label.replace("_", " ").capitalize()))


@dataclass
class LabelledUtterance:
    speaker: str
    text: str
    label: str
    why: list[str] = field(default_factory=list)  # the cues behind a coach turn's reading


@dataclass
class Review:
    utterances: list[LabelledUtterance]
    summary: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "utterances": [
                {"speaker": u.speaker, "text": u.text, "label": u.label, "why": u.why}
                for u in self.utterances
            ],
            "summary": self.summary,
        }


def review(utterances: list[Utterance], model: ConversationModel | None = None) -> Review:
    model = model or load()
    coach: list[str] = []
    before: list[str] = []
    previous = ""
    for u in utterances:
        if u.speaker == COACH:
            coach.append(u.text)
            before.append(previous)
        previous = u.text if u.speaker != COACH else ""
    participant = [u.text for u in utterances if u.speaker != COACH]
    read = model.label_coach(coach, before, in_order=True)
    reasons = iter(
        model.why(text, person, label)
        for text, person, label in zip(coach, before, read, strict=True)
    )
    coach_labels = iter(read)
    participant_labels = iter(model.label_participant(participant))
    labelled = [
        LabelledUtterance(u.speaker, u.text, next(coach_labels), next(reasons))
        if u.speaker == COACH
        else LabelledUtterance(u.speaker, u.text, next(participant_labels))
        for u in utterances
    ]
    return Review(labelled, summarize(labelled))


def _ratio(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 2) if denominator else None


def _questions_and_reflections(questions: int, reflections: int) -> str:
    asked = ngettext("There was %(n)d question", "There were %(n)d questions", questions) % {
        "n": questions
    }
    reflected = ngettext("%(n)d reflection.", "%(n)d reflections.", reflections) % {
        "n": reflections
    }
    return f"{asked} and {reflected}"


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
        text = ngettext(
            "You reflected back %(n)d time; reflections show the person they were heard.",
            "You reflected back %(n)d times; reflections show the person they were heard.",
            reflections,
        ) % {"n": reflections}
        if ratio is not None and ratio >= 1:
            text += (
                f" That is {ratio} reflections per question (1:1 is often called fair, 2:1 good)."
            )
        strengths.append({"text": text, "examples": examples(*REFLECTIONS)})
    if counts["affirmation"]:
        strengths.append(
            {
                "text": ngettext(
                    "You named the person's strengths %(n)d time.",
                    "You named the person's strengths %(n)d times.",
                    counts["affirmation"],
                )
                % {"n": counts["affirmation"]},
                "examples": examples("affirmation"),
            }
        )
    if counts["open_question"]:
        strengths.append(
            {
                "text": ngettext(
                    "You asked %(n)d open question, inviting the person to tell their own story.",
                    "You asked %(n)d open questions, inviting the person to tell their own story.",
                    counts["open_question"],
                )
                % {"n": counts["open_question"]},
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
                "text": _questions_and_reflections(questions, reflections)
                + " Try answering a question with a reflection before asking the next one.",
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
                "text": ngettext(
                    "Advice was offered %(n)d time without asking first.",
                    "Advice was offered %(n)d times without asking first.",
                    counts["advice_without_permission"],
                )
                % {"n": counts["advice_without_permission"]}
                + ' Asking "Would it help if I shared an idea?" keeps the choice with the person.',
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
