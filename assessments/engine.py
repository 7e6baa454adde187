"""The instrument engine: definitions read from data files, validated, and scored the same way."""

import re
import tomllib
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings

BUILT_IN = Path(__file__).resolve().parent / "instruments"
RULES = {"sum", "none"}
MISSING = {"no_total", "allowed"}


class ItemKind(StrEnum):
    """What kind of answer an item takes. BARC-10 and the check-in use only CHOICE."""

    CHOICE = "choice"  # one option (a radio group)
    MULTI = "multi"  # any number of options (checkboxes), stored as "1;4;6"
    DATE = "date"  # stored as YYYY-MM-DD
    MONTH_YEAR = "month_year"  # stored as YYYY-MM
    NUMBER = "number"  # a whole number between the item's minimum and maximum
    TEXT = "text"  # a short text, encrypted at rest like every answer text


OPTION_KINDS = frozenset({ItemKind.CHOICE, ItemKind.MULTI})
MULTI_SEPARATOR = ";"


class InstrumentDefinitionError(ValueError):
    """A definition file is malformed; the message names the file and what is wrong."""


class InvalidAnswer(ValueError):
    """An answer outside the options the instrument defines (a crafted or stale form)."""


@dataclass(frozen=True)
class Option:
    value: int
    labels: dict[str, str]

    def label(self, language: str) -> str:
        return self.labels.get(language) or self.labels["en"]


@dataclass(frozen=True)
class Condition:
    """True when the earlier item `item` was answered with one of `values` (for a multiple
    choice: when any of them was ticked). A list of conditions holds when all of them do."""

    item: str
    values: frozenset[int]


@dataclass(frozen=True)
class Item:
    key: str
    number: int
    texts: dict[str, str]
    shorts: dict[str, str]
    options: tuple[Option, ...]
    kind: ItemKind = ItemKind.CHOICE
    section: str = ""
    code: str = ""  # the column name in the federal export (SUPRT); empty for other instruments
    whys: dict[str, str] = field(default_factory=dict)
    specials: tuple[Option, ...] = ()  # "prefer not to say", "don't know": real answers
    show_if: tuple[Condition, ...] = ()
    hide_if: tuple[Condition, ...] = ()
    prefill: str = ""  # what the record may already know (see assessments.suprt.prefill)
    minimum: int | None = None
    maximum: int | None = None
    max_length: int = 200

    def text(self, language: str) -> str:
        return self.texts.get(language) or self.texts["en"]

    def short(self, language: str) -> str:
        return self.shorts.get(language) or self.shorts.get("en") or self.text(language)

    def why(self, language: str) -> str:
        return self.whys.get(language) or self.whys.get("en", "")

    def option(self, value: int) -> Option | None:
        return next((o for o in (*self.options, *self.specials) if o.value == value), None)

    def special(self, value: int | None) -> Option | None:
        return next((o for o in self.specials if o.value == value), None)


@dataclass(frozen=True)
class Section:
    key: str
    titles: dict[str, str]
    show_if: tuple[Condition, ...] = ()
    hide_if: tuple[Condition, ...] = ()

    def title(self, language: str) -> str:
        return self.titles.get(language) or self.titles["en"]


@dataclass(frozen=True)
class Band:
    minimum: int
    maximum: int
    labels: dict[str, str]
    reference_line: bool

    def label(self, language: str) -> str:
        return self.labels.get(language) or self.labels["en"]


@dataclass(frozen=True)
class ReassessmentDefaults:
    baseline: bool
    offsets_days: tuple[int, ...]
    repeat_every_days: int
    window_days: int


@dataclass(frozen=True)
class Instrument:
    key: str
    version: str
    languages: tuple[str, ...]
    titles: dict[str, str]
    short_titles: dict[str, str]
    instructions: dict[str, str]
    citation: str
    licence: str
    metadata: dict[str, str]
    rule: str
    missing: str
    minimum: int | None
    maximum: int | None
    items: tuple[Item, ...]
    bands: tuple[Band, ...]
    reassessment: ReassessmentDefaults | None
    source: str
    sections: tuple[Section, ...] = ()
    # False keeps an instrument off the "Record an assessment" chooser and the import template
    # (SUPRT has its own pages and export).
    listed: bool = True

    def title(self, language: str = "en") -> str:
        return self.titles.get(language) or self.titles["en"]

    def short_title(self, language: str = "en") -> str:
        return self.short_titles.get(language) or self.title(language)

    def instruction(self, language: str = "en") -> str:
        return self.instructions.get(language) or self.instructions.get("en", "")

    @property
    def has_total(self) -> bool:
        return self.rule == "sum"

    @property
    def reference(self) -> Band | None:
        return next((b for b in self.bands if b.reference_line), None)

    def item(self, key: str) -> Item | None:
        return next((i for i in self.items if i.key == key), None)

    def section(self, key: str) -> Section | None:
        return next((s for s in self.sections if s.key == key), None)

    def band_for(self, total: int | None) -> Band | None:
        if total is None:
            return None
        return next((b for b in self.bands if b.minimum <= total <= b.maximum), None)


@dataclass(frozen=True)
class Score:
    """What the engine makes of one set of answers: never typed in by a person."""

    total: int | None
    is_complete: bool
    answered: int
    item_count: int


def score(instrument: Instrument, answers: dict[str, int | None]) -> Score:
    """Score answers keyed by item key (None = skipped or left blank).

    Out-of-range values and unknown items raise InvalidAnswer; nothing is imputed.
    """
    unknown = set(answers) - {item.key for item in instrument.items}
    if unknown:
        raise InvalidAnswer(f"{instrument.key} has no item {sorted(unknown)[0]!r}")
    values: list[int] = []
    for item in instrument.items:
        value = answers.get(item.key)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int) or item.option(value) is None:
            raise InvalidAnswer(f"{value!r} is not an answer to {instrument.key} {item.key}")
        values.append(value)
    answered, count = len(values), len(instrument.items)
    if instrument.rule == "none":
        return Score(total=None, is_complete=True, answered=answered, item_count=count)
    all_answered = answered == count
    return Score(
        total=sum(values) if all_answered else None,
        is_complete=all_answered,
        answered=answered,
        item_count=count,
    )


# --- loading ---------------------------------------------------------------------------------


def load_file(path: Path) -> Instrument:
    """Read and validate one definition file; InstrumentDefinitionError says what to fix."""
    try:
        with path.open("rb") as handle:
            raw = tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise InstrumentDefinitionError(f"{path.name}: not valid TOML ({error})") from error
    return parse(raw, source=path.name)


def parse(raw: dict[str, Any], *, source: str) -> Instrument:
    check = _Checker(source)
    key = check.text(raw, "key")
    version = check.text(raw, "version")
    languages = tuple(check.list_of_text(raw, "languages"))
    if "en" not in languages:
        check.fail("languages must include 'en'")
    check.languages = languages
    rule = check.text(check.table(raw, "scoring"), "rule")
    if rule not in RULES:
        check.fail(f"scoring.rule must be one of {sorted(RULES)}, not {rule!r}")
    missing = check.text(raw["scoring"], "missing")
    if missing not in MISSING:
        check.fail(f"scoring.missing must be one of {sorted(MISSING)}, not {missing!r}")
    shared = [check.option(o, f"options[{i}]") for i, o in enumerate(raw.get("options", []))]
    specials = {
        check.text(entry, "key", f"special[{i + 1}]"): check.option(
            entry, f"special[{i + 1}]", negative=True
        )
        for i, entry in enumerate(raw.get("special", []))
    }
    sections = _sections(check, raw)
    items = _items(check, raw, shared, specials, {s.key for s in sections})
    minimum = maximum = None
    if rule == "sum":
        minimum = check.integer(raw["scoring"], "minimum", "scoring")
        maximum = check.integer(raw["scoring"], "maximum", "scoring")
        lowest = sum(min(o.value for o in item.options) for item in items)
        highest = sum(max(o.value for o in item.options) for item in items)
        if (minimum, maximum) != (lowest, highest):
            check.fail(
                f"scoring range {minimum}-{maximum} does not match the options ({lowest}-{highest})"
            )
    bands = _bands(check, raw, minimum, maximum)
    reassessment = None
    if "reassessment" in raw:
        table = check.table(raw, "reassessment")
        reassessment = ReassessmentDefaults(
            baseline=bool(table.get("baseline", True)),
            offsets_days=tuple(check.integer(table, "offsets_days", "reassessment", many=True)),
            repeat_every_days=check.integer(table, "repeat_every_days", "reassessment"),
            window_days=check.integer(table, "window_days", "reassessment"),
        )
    return Instrument(
        key=key,
        version=version,
        languages=languages,
        titles=check.translations(raw, "title"),
        short_titles=check.translations(raw, "short_title", required=False),
        instructions=check.translations(raw, "instructions", required=False),
        citation=str(raw.get("citation", "")),
        licence=str(raw.get("licence", "")),
        metadata={str(k): str(v) for k, v in raw.get("metadata", {}).items()},
        rule=rule,
        missing=missing,
        minimum=minimum,
        maximum=maximum,
        items=tuple(items),
        bands=tuple(bands),
        reassessment=reassessment,
        source=source,
        sections=tuple(sections),
        listed=bool(raw.get("listed", True)),
    )


class _Checker:
    """Small helpers that turn a missing or mistyped entry into one clear sentence."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.languages: tuple[str, ...] = ("en",)

    def fail(self, message: str) -> Any:
        raise InstrumentDefinitionError(f"{self.source}: {message}")

    def table(self, raw: dict[str, Any], name: str) -> dict[str, Any]:
        value = raw.get(name)
        if not isinstance(value, dict):
            self.fail(f"needs a [{name}] table")
        return value  # type: ignore[return-value]

    def text(self, raw: Any, name: str, where: str = "") -> str:
        value = raw.get(name) if isinstance(raw, dict) else None
        if not isinstance(value, str) or not value.strip():
            self.fail(f"{where + ': ' if where else ''}'{name}' is missing or empty")
        return str(value).strip()

    def list_of_text(self, raw: dict[str, Any], name: str) -> list[str]:
        value = raw.get(name)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value) or not value:
            self.fail(f"'{name}' must be a list of language codes")
        return list(value)  # type: ignore[arg-type]

    def integer(
        self, raw: Any, name: str, where: str, many: bool = False, negative: bool = False
    ) -> Any:
        value = raw.get(name) if isinstance(raw, dict) else None
        values = value if many and isinstance(value, list) else [value]
        lowest = -(2**15) if negative else 0
        if not all(isinstance(v, int) and not isinstance(v, bool) and v >= lowest for v in values):
            kind = "a list of whole numbers" if many else "a whole number"
            self.fail(f"{where}: '{name}' must be {kind}")
        return value

    def translations(
        self, raw: Any, name: str, where: str = "", required: bool = True
    ) -> dict[str, str]:
        value = raw.get(name) if isinstance(raw, dict) else None
        prefix = f"{where}: " if where else ""
        if value is None and not required:
            return {}
        if not isinstance(value, dict):
            self.fail(
                f"{prefix}'{name}' needs a text for each language ({', '.join(self.languages)})"
            )
        for language in self.languages:
            text = value.get(language)  # type: ignore[union-attr]
            if not isinstance(text, str) or not text.strip():
                self.fail(f"{prefix}'{name}' has no '{language}' text")
        return {str(k): str(v).strip() for k, v in value.items()}  # type: ignore[union-attr]

    def option(self, raw: Any, where: str, negative: bool = False) -> Option:
        return Option(
            value=self.integer(raw, "value", where, negative=negative),
            labels=self.translations(raw, "label", where),
        )

    def conditions(self, raw: Any, name: str, where: str) -> tuple[Condition, ...]:
        value = raw.get(name, []) if isinstance(raw, dict) else []
        if not isinstance(value, list):
            self.fail(f"{where}: '{name}' must be a list of {{ item, values }} tables")
        found = []
        for entry in value:
            item = self.text(entry, "item", f"{where}.{name}")
            values = self.integer(entry, "values", f"{where}.{name}", many=True, negative=True)
            if not isinstance(values, list) or not values:
                self.fail(f"{where}.{name}: 'values' must be a list of whole numbers")
            found.append(Condition(item=item, values=frozenset(values)))
        return tuple(found)


def _answers_of(
    check: "_Checker",
    entry: dict[str, Any],
    where: str,
    options_given: list[Option],
    specials: dict[str, Option],
) -> tuple[ItemKind, tuple[Option, ...], list[Option]]:
    kind_text = str(entry.get("kind", ItemKind.CHOICE))
    if kind_text not in ItemKind.__members__.values():
        check.fail(f"{where}: kind must be one of {[k.value for k in ItemKind]}")
    kind = ItemKind(kind_text)
    options = tuple(options_given) if kind in OPTION_KINDS else ()
    if kind in OPTION_KINDS and not options:
        check.fail(f"{where}: no response options (give [[options]] or item options)")
    chosen = []
    for name in entry.get("special", []):
        if name not in specials:
            check.fail(f"{where}: no [[special]] answer named {name!r}")
        chosen.append(specials[name])
    values = [o.value for o in (*options, *chosen)]
    if len(set(values)) != len(values):
        check.fail(f"{where}: two options share a value")
    return kind, options, chosen


def _sections(check: "_Checker", raw: dict[str, Any]) -> list[Section]:
    sections: list[Section] = []
    for i, entry in enumerate(raw.get("sections", [])):
        where = f"sections[{i + 1}]"
        sections.append(
            Section(
                key=check.text(entry, "key", where),
                titles=check.translations(entry, "title", where),
                show_if=check.conditions(entry, "show_if", where),
                hide_if=check.conditions(entry, "hide_if", where),
            )
        )
    return sections


def _items(
    check: "_Checker",
    raw: dict[str, Any],
    shared: list[Option],
    specials: dict[str, Option] | None = None,
    section_keys: set[str] | None = None,
) -> list[Item]:
    specials = specials or {}
    section_keys = section_keys or set()
    items: list[Item] = []
    seen: set[str] = set()
    found_items = raw.get("items")
    raw_items: list[Any] = found_items if isinstance(found_items, list) else []
    if not raw_items:
        check.fail("needs at least one [[items]] entry")
    for number, entry in enumerate(raw_items, start=1):
        where = f"items[{number}]"
        item_key = check.text(entry, "key", where)
        if item_key in seen:
            check.fail(f"{where}: item key {item_key!r} is used twice")
        seen.add(item_key)
        own = [
            check.option(o, f"{where}.options[{i}]") for i, o in enumerate(entry.get("options", []))
        ]
        kind, options, chosen = _answers_of(check, entry, where, own or shared, specials)
        section = str(entry.get("section", ""))
        if section_keys and section not in section_keys:
            check.fail(f"{where}: section {section!r} is not one of the [[sections]]")
        show_if = check.conditions(entry, "show_if", where)
        hide_if = check.conditions(entry, "hide_if", where)
        for condition in (*show_if, *hide_if):
            if condition.item not in seen - {item_key}:
                check.fail(f"{where}: a condition names {condition.item!r}, not an earlier item")
        minimum = maximum = None
        if kind == ItemKind.NUMBER:
            minimum = check.integer(entry, "minimum", where)
            maximum = check.integer(entry, "maximum", where)
        items.append(
            Item(
                key=item_key,
                number=number,
                texts=check.translations(entry, "text", where),
                shorts=check.translations(entry, "short", where, required=False),
                options=options,
                kind=kind,
                section=section,
                code=str(entry.get("code", "")),
                whys=check.translations(entry, "why", where, required=False),
                specials=tuple(chosen),
                show_if=show_if,
                hide_if=hide_if,
                prefill=str(entry.get("prefill", "")),
                minimum=minimum,
                maximum=maximum,
                max_length=int(entry.get("max_length", 200)),
            )
        )
    return items


def _bands(
    check: "_Checker", raw: dict[str, Any], minimum: int | None, maximum: int | None
) -> list[Band]:
    bands: list[Band] = []
    for i, entry in enumerate(raw.get("bands", [])):
        where = f"bands[{i + 1}]"
        band = Band(
            minimum=check.integer(entry, "minimum", where),
            maximum=check.integer(entry, "maximum", where),
            labels=check.translations(entry, "label", where),
            reference_line=bool(entry.get("reference_line", False)),
        )
        if minimum is None or maximum is None:
            check.fail(f"{where}: score bands need a scoring rule with a total")
        elif not minimum <= band.minimum <= band.maximum <= maximum:
            check.fail(f"{where}: {band.minimum}-{band.maximum} is outside {minimum}-{maximum}")
        bands.append(band)
    return bands


def _directories() -> list[Path]:
    """Built-in definitions first; an organization's directory replaces files by instrument key."""
    extra = getattr(settings, "CAIRN_INSTRUMENTS_DIR", "")
    return [BUILT_IN, *([Path(extra)] if extra else [])]


@cache
def registry() -> dict[str, Instrument]:
    found: dict[str, Instrument] = {}
    for directory in _directories():
        for path in sorted(directory.glob("*.toml")):
            instrument = load_file(path)
            found[instrument.key] = instrument
    return found


def instrument(key: str) -> Instrument:
    """The current definition of one instrument (KeyError when there is none)."""
    return registry()[key]


def instruments() -> list[Instrument]:
    """Every instrument offered on the general "Record an assessment" page and the import."""
    return [i for i in registry().values() if i.listed]


# --- answers of several kinds, and skip logic ------------------------------------------------

MONTH_YEAR = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True)
class Answer:
    """One stored answer: `value` holds a choice, a number or a special answer ("prefer not to
    say" is a real answer, never a blank); `text` holds a date, a month, a list of ticked
    options or words. Both empty: not answered."""

    value: int | None = None
    text: str = ""

    @property
    def is_blank(self) -> bool:
        return self.value is None and not self.text

    def chosen(self, kind: ItemKind) -> frozenset[int]:
        """The option values this answer picked, as skip logic reads them."""
        if kind == ItemKind.MULTI and self.text:
            return frozenset(int(p) for p in self.text.split(MULTI_SEPARATOR) if p)
        return frozenset() if self.value is None else frozenset({self.value})


def _holds(
    conditions: tuple[Condition, ...], instrument: Instrument, answers: dict[str, Answer]
) -> bool:
    for condition in conditions:
        earlier = instrument.item(condition.item)
        answer = answers.get(condition.item, Answer())
        if earlier is None or not (answer.chosen(earlier.kind) & condition.values):
            return False
    return True


def is_shown(instrument: Instrument, item: Item, answers: dict[str, Answer]) -> bool:
    """Skip logic: an item (or its section) with `show_if` appears only when all its conditions
    hold, and with `hide_if` disappears when all of those hold."""
    section = instrument.section(item.section)
    for rules in (section, item):
        if rules is None:
            continue
        if rules.show_if and not _holds(rules.show_if, instrument, answers):
            return False
        if rules.hide_if and _holds(rules.hide_if, instrument, answers):
            return False
    return True


def _text_of(item: Item, text: str) -> str | None:
    """The stored text for a date, month, list of options or words; None when malformed."""
    if item.kind == ItemKind.MULTI:
        parts = [p for p in text.split(MULTI_SEPARATOR) if p]
        if not all(p.lstrip("-").isdigit() for p in parts):
            return None
        picked = sorted({int(p) for p in parts})
        allowed = {o.value for o in item.options}
        return MULTI_SEPARATOR.join(str(v) for v in picked) if set(picked) <= allowed else None
    if item.kind == ItemKind.DATE:
        try:
            return date.fromisoformat(text).isoformat()
        except ValueError:
            return None
    if item.kind == ItemKind.MONTH_YEAR:
        match = MONTH_YEAR.match(text)
        return text if match and 1 <= int(match.group(2)) <= 12 else None
    return text if len(text) <= item.max_length else None


def _value_fits(item: Item, value: int) -> bool:
    if item.kind == ItemKind.CHOICE:
        return item.option(value) is not None
    if item.kind == ItemKind.NUMBER:
        low, high = item.minimum, item.maximum
        return (low is None or value >= low) and (high is None or value <= high)
    return False


def _check_one(instrument: Instrument, item: Item, answer: Answer) -> Answer:
    value, text = answer.value, answer.text.strip()
    problem = InvalidAnswer(f"{answer!r} is not an answer to {instrument.key} {item.key}")
    if isinstance(value, bool) or (value is not None and not isinstance(value, int)):
        raise problem
    if value is not None and item.special(value) is not None:
        return Answer(value=value)  # a special answer stands alone
    takes_value = item.kind in (ItemKind.CHOICE, ItemKind.NUMBER)
    if value is not None:
        if text or not takes_value or not _value_fits(item, value):
            raise problem
        return Answer(value=value)
    if not text:
        return Answer()
    stored = None if takes_value else _text_of(item, text)
    if stored is None:
        raise problem
    return Answer(text=stored)


def check_answers(instrument: Instrument, answers: dict[str, Answer]) -> dict[str, Answer]:
    """Every item's cleaned answer, in order. Answers to items that skip logic hides are dropped
    (someone changed an earlier answer after filling them in); anything malformed raises."""
    unknown = set(answers) - {item.key for item in instrument.items}
    if unknown:
        raise InvalidAnswer(f"{instrument.key} has no item {sorted(unknown)[0]!r}")
    cleaned: dict[str, Answer] = {}
    for item in instrument.items:
        answer = _check_one(instrument, item, answers.get(item.key, Answer()))
        cleaned[item.key] = answer if is_shown(instrument, item, cleaned) else Answer()
    return cleaned


def shown_items(instrument: Instrument, answers: dict[str, Answer]) -> list[Item]:
    return [item for item in instrument.items if is_shown(instrument, item, answers)]


def answer_words(item: Item, answer: Answer, language: str) -> str:
    """An answer as a person reads it: option labels, never stored codes."""
    if answer.value is not None:
        option = item.option(answer.value)
        if option is not None:
            return option.label(language)
        return str(answer.value)
    if item.kind == ItemKind.MULTI and answer.text:
        return ", ".join(
            o.label(language) for v in sorted(answer.chosen(item.kind)) if (o := item.option(v))
        )
    if item.kind == ItemKind.MONTH_YEAR and answer.text:
        year, month = answer.text.split("-")
        return f"{month}/{year}"
    return answer.text
