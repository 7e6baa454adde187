"""The instrument engine: definitions read from data files, validated, and scored the same way."""

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings

BUILT_IN = Path(__file__).resolve().parent / "instruments"
RULES = {"sum", "none"}
MISSING = {"no_total", "allowed"}


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
class Item:
    key: str
    number: int
    texts: dict[str, str]
    shorts: dict[str, str]
    options: tuple[Option, ...]

    def text(self, language: str) -> str:
        return self.texts.get(language) or self.texts["en"]

    def short(self, language: str) -> str:
        return self.shorts.get(language) or self.shorts.get("en") or self.text(language)

    def option(self, value: int) -> Option | None:
        return next((o for o in self.options if o.value == value), None)


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
    items = _items(check, raw, shared)
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

    def integer(self, raw: Any, name: str, where: str, many: bool = False) -> Any:
        value = raw.get(name) if isinstance(raw, dict) else None
        values = value if many and isinstance(value, list) else [value]
        if not all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in values):
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

    def option(self, raw: Any, where: str) -> Option:
        return Option(
            value=self.integer(raw, "value", where),
            labels=self.translations(raw, "label", where),
        )


def _items(check: "_Checker", raw: dict[str, Any], shared: list[Option]) -> list[Item]:
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
        options = tuple(own or shared)
        if not options:
            check.fail(f"{where}: no response options (give [[options]] or item options)")
        if len({o.value for o in options}) != len(options):
            check.fail(f"{where}: two options share a value")
        items.append(
            Item(
                key=item_key,
                number=number,
                texts=check.translations(entry, "text", where),
                shorts=check.translations(entry, "short", where, required=False),
                options=options,
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
    return list(registry().values())
