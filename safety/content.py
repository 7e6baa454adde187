"""What a safety plan holds: its parts in the six-step order, the prompts, and comparisons."""

import json
from dataclasses import dataclass, field
from typing import Any

import phonenumbers
from django.utils.translation import gettext_lazy as _

from lib.phones import for_display, to_e164

# Short numbers people dial as they are; they are not valid E.164 numbers.
SHORT_NUMBERS = frozenset({"988", "911", "211", "311"})
CRISIS_LINE = "988"


class Kind:
    LINES = "lines"  # free text, one entry per line
    PEOPLE = "people"  # name + phone rows


@dataclass(frozen=True)
class Part:
    key: str
    kind: str
    step: int
    title: Any
    prompt: Any


# The six steps and "what matters to me"; step 3 has places (lines) and people (rows).
PARTS: tuple[Part, ...] = (
    Part(
        "warning_signs",
        Kind.LINES,
        1,
        _("Warning signs"),
        _(
            "What tells you a hard time might be starting? Thoughts, feelings, places, times of "
            "day: whatever you notice first."
        ),
    ),
    Part(
        "coping",
        Kind.LINES,
        2,
        _("Things I can do on my own"),
        _("What can you do by yourself that helps you feel a little steadier, even for a while?"),
    ),
    Part(
        "distraction_places",
        Kind.LINES,
        3,
        _("Places that take my mind off things"),
        _("Where can you go to be around others or think about something else for a while?"),
    ),
    Part(
        "distraction_people",
        Kind.PEOPLE,
        3,
        _("People who take my mind off things"),
        _("Who is easy to be with, even if you don't talk about how you feel?"),
    ),
    Part(
        "help_people",
        Kind.PEOPLE,
        4,
        _("People I can ask for help"),
        _("Who could you tell that things are hard right now?"),
    ),
    Part(
        "professionals",
        Kind.PEOPLE,
        5,
        _("Professionals and crisis lines"),
        _(
            "Which professionals or services can you reach? 988 is always on your plan, to call "
            "or text, day or night."
        ),
    ),
    Part(
        "safer_surroundings",
        Kind.LINES,
        6,
        _("Making my surroundings safer"),
        _(
            "What could make the place you are in safer when things get hard, and who could "
            "help with that?"
        ),
    ),
    Part(
        "reasons",
        Kind.LINES,
        7,
        _("What matters to me"),
        _("What matters most to you? What keeps you going?"),
    ),
)
PART_BY_KEY = {part.key: part for part in PARTS}
STEP_TITLES = {
    1: _("Step 1: Warning signs"),
    2: _("Step 2: Things I can do on my own"),
    3: _("Step 3: People and places that take my mind off things"),
    4: _("Step 4: People I can ask for help"),
    5: _("Step 5: Professionals and crisis lines"),
    6: _("Step 6: Making my surroundings safer"),
    7: _("What matters to me"),
}


@dataclass(frozen=True)
class Person:
    name: str
    phone: str = ""  # E.164, or a short number such as 988

    @property
    def phone_display(self) -> str:
        return display_phone(self.phone)

    def as_line(self) -> str:
        return f"{self.name}, {self.phone_display}" if self.phone else self.name


@dataclass(frozen=True)
class PlanContent:
    """The words of one version. Lines and people keep the order the person gave them."""

    parts: dict[str, tuple[Any, ...]] = field(default_factory=dict)

    @classmethod
    def from_values(cls, values: dict[str, Any]) -> "PlanContent":
        parts: dict[str, tuple[Any, ...]] = {}
        for part in PARTS:
            raw = values.get(part.key) or ()
            if part.kind == Kind.PEOPLE:
                parts[part.key] = tuple(
                    p if isinstance(p, Person) else Person(p["name"], p.get("phone", ""))
                    for p in raw
                    if (p.name if isinstance(p, Person) else p.get("name", "")).strip()
                )
            else:
                lines = raw.splitlines() if isinstance(raw, str) else raw
                parts[part.key] = tuple(line.strip() for line in lines if line.strip())
        return cls(parts)

    @classmethod
    def from_json(cls, text: str) -> "PlanContent":
        return cls.from_values(json.loads(text) if text else {})

    def to_json(self) -> str:
        data: dict[str, Any] = {}
        for part in PARTS:
            items = self.get(part.key)
            if part.kind == Kind.PEOPLE:
                data[part.key] = [{"name": p.name, "phone": p.phone} for p in items]
            else:
                data[part.key] = list(items)
        return json.dumps(data, ensure_ascii=False, sort_keys=True)

    def get(self, key: str) -> tuple[Any, ...]:
        return self.parts.get(key, ())

    def lines(self, key: str) -> list[str]:
        """Every entry of a part as one line of text (people as 'name (phone)')."""
        items = self.get(key)
        if PART_BY_KEY[key].kind == Kind.PEOPLE:
            return [p.as_line() for p in items]
        return list(items)

    def text(self, key: str) -> str:
        return "\n".join(self.get(key))

    @property
    def is_empty(self) -> bool:
        return not any(self.parts.values())

    def professionals_without_988(self) -> tuple[Person, ...]:
        """988 is shown on every plan by itself, so a listed 988 is not shown twice."""
        return tuple(p for p in self.get("professionals") if p.phone != CRISIS_LINE)


@dataclass(frozen=True)
class PartChange:
    part: Part
    added: list[str]
    removed: list[str]
    kept: list[str]

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed)


def compare(before: PlanContent | None, after: PlanContent) -> list[PartChange]:
    """Per part: lines added and removed since the earlier version (order changes ignored)."""
    changes = []
    for part in PARTS:
        old = before.lines(part.key) if before is not None else []
        new = after.lines(part.key)
        changes.append(
            PartChange(
                part=part,
                added=[line for line in new if line not in old],
                removed=[line for line in old if line not in new],
                kept=[line for line in new if line in old],
            )
        )
    return changes


def changed_keys(before: PlanContent | None, after: PlanContent) -> list[str]:
    return [change.part.key for change in compare(before, after) if change.changed]


def normalise_phone(typed: str) -> str:
    """What a person typed, as something a phone can dial: E.164, or a short number like 988."""
    digits = "".join(ch for ch in typed if ch.isdigit())
    if digits in SHORT_NUMBERS and len(typed.strip()) <= 5:
        return digits
    return to_e164(typed)


def display_phone(stored: str) -> str:
    if not stored or stored in SHORT_NUMBERS:
        return stored
    try:
        return for_display(stored)
    except phonenumbers.NumberParseException:
        return stored


@dataclass(frozen=True)
class ShownPart:
    part: Part
    items: tuple[Any, ...]  # lines (str) or Person

    @property
    def is_people(self) -> bool:
        return self.part.kind == Kind.PEOPLE


@dataclass(frozen=True)
class ShownStep:
    number: int
    title: Any
    parts: list[ShownPart]

    @property
    def is_crisis_step(self) -> bool:
        return self.number == 5


def shown_steps(content: PlanContent) -> list[ShownStep]:
    """The plan in reading order, ready for a template (a listed 988 is shown once, in step 5)."""
    steps: dict[int, ShownStep] = {}
    for part in PARTS:
        step = steps.setdefault(part.step, ShownStep(part.step, STEP_TITLES[part.step], []))
        items = (
            content.professionals_without_988()
            if part.key == "professionals"
            else content.get(part.key)
        )
        step.parts.append(ShownPart(part, items))
    return list(steps.values())
