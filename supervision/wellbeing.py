"""The wellbeing self-check's questions and its trend in words. The questions were written for
Cairn from the seeds' themes (energy, rest, support, the stories a coach carries, boundaries);
they are not a clinical instrument and add up to no score: each answer stands on its own."""

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

# Each statement is put so that "Yes, fully" is the easier place to be.
QUESTIONS = {
    "energy": _("I have had energy for my work and for the rest of my life."),
    "sleep": _("I have been sleeping well enough."),
    "support": _("I feel supported, at work and outside it."),
    "stories": _("I can set down the stories I hear when my day ends."),
    "boundaries": _("I have kept the boundaries I want between work and the rest of my life."),
}
# Short names for the history and the shared summary.
SHORT = {
    "energy": _("Energy"),
    "sleep": _("Sleep"),
    "support": _("Feeling supported"),
    "stories": _("Setting stories down"),
    "boundaries": _("Boundaries"),
}
SCALE = {
    1: _("Not at all"),
    2: _("A little"),
    3: _("Some of the time"),
    4: _("Mostly"),
    5: _("Yes, fully"),
}
HELP = "help"
HELP_QUESTION = _("What would help right now?")


def answer_words(answers: dict[str, Any]) -> list[tuple[str, str]]:
    """The answers as (short name, the scale's words), in the questions' order; a question left
    blank is left out."""
    return [
        (str(SHORT[key]), str(SCALE[answers[key]]))
        for key in QUESTIONS
        if isinstance(answers.get(key), int) and answers[key] in SCALE
    ]


@dataclass(frozen=True)
class Change:
    name: str
    words: str


def trend(checks: list[Any]) -> list[Change]:
    """How the latest check compares with the one before, question by question, in words (the
    checks newest first). Nothing is added up or compared with anyone else."""
    if len(checks) < 2:
        return []
    latest, before = checks[0].answers, checks[1].answers
    changes = []
    for key in QUESTIONS:
        now, then = latest.get(key), before.get(key)
        if not isinstance(now, int) or not isinstance(then, int):
            continue
        if now > then:
            words = _("easier than at your check before")
        elif now < then:
            words = _("harder than at your check before")
        else:
            words = _("about the same as at your check before")
        changes.append(Change(str(SHORT[key]), str(words)))
    return changes
