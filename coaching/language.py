"""The language checker: finds stigmatizing or labelling words and suggests person-first ones.

Entries come from data files, one per language (lexicon/en.json, lexicon/es.json), plus an
organization's own additions. Words inside quotation marks are the participant's and are never
flagged; negated advice terms ("did not relapse", "no recayó") are left alone; ordinary senses
are excluded per entry. Each entry carries examples that must and must not trigger it; the
tests run them all.
"""

import json
import re
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

LEXICON_DIR = Path(__file__).parent / "lexicon"
LEXICON_PATH = LEXICON_DIR / "en.json"
LANGUAGES = {"en": "English", "es": "Spanish"}
NEGATORS = frozenset(
    {"not", "never", "no", "didn't", "didnt", "hasn't", "hasnt", "haven't", "isn't", "wasn't",
     "without", "don't", "doesn't", "won't", "nor",
     "nunca", "jamás", "jamas", "sin", "ni", "tampoco"}
)  # fmt: skip
QUOTES = re.compile(r"\"[^\"\n]{0,2000}\"|“[^”\n]{0,2000}”|«[^»\n]{0,2000}»")
WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
CLAUSE_BREAK = re.compile(r"[.;:!?,\n]")
EXCLUDE_WINDOW = 40


@dataclass(frozen=True)
class Finding:
    start: int
    end: int
    text: str
    suggestion: str
    reason: str
    source: str
    severity: str
    entry: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Entry:
    id: str
    keywords: tuple[str, ...]
    patterns: tuple[re.Pattern[str], ...]
    exclude: tuple[re.Pattern[str], ...]
    suggestion: str
    reason: str
    source: str
    severity: str
    skip_if_negated: bool = False
    notices: str = ""  # what it looks for, in words, for the word list page
    language: str = "en"
    category: str = ""
    examples: tuple[str, ...] = ()  # sentences it must flag
    ordinary: tuple[str, ...] = ()  # ordinary senses it must leave alone

    @property
    def notices_words(self) -> str:
        return self.notices or self.id.replace("-", " ")


def _compile(raw: dict[str, Any], sources: dict[str, str], language: str) -> Entry:
    examples = raw.get("examples", {})
    return Entry(
        id=raw["id"],
        keywords=tuple(k.lower() for k in raw["keywords"]),
        patterns=tuple(re.compile(p, re.IGNORECASE) for p in raw["patterns"]),
        exclude=tuple(re.compile(p, re.IGNORECASE) for p in raw.get("exclude", [])),
        suggestion=raw["suggestion"],
        reason=raw["reason"],
        source=sources.get(raw["source"], raw["source"]),
        severity=raw["severity"],
        skip_if_negated=raw.get("skip_if_negated", False),
        notices=raw.get("notices", ""),
        language=language,
        category=raw.get("category", ""),
        examples=tuple(examples.get("flag", ())),
        ordinary=tuple(examples.get("ordinary", ())),
    )


def load_lexicon(path: Path) -> tuple[Entry, ...]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return tuple(_compile(raw, data["sources"], data["language"]) for raw in data["entries"])


@lru_cache(maxsize=1)
def builtin_entries() -> tuple[Entry, ...]:
    """Every language's entries (English first); a note in either language is read by all."""
    paths = sorted(LEXICON_DIR.glob("*.json"), key=lambda p: (p.stem != "en", p.stem))
    entries = tuple(entry for path in paths for entry in load_lexicon(path))
    seen: set[str] = set()
    for entry in entries:
        if entry.id in seen:
            raise ValueError(f"Lexicon entry {entry.id!r} appears twice.")
        seen.add(entry.id)
    return entries


def phrase_entry(
    *, id: str, phrase: str, suggestion: str, reason: str, severity: str, source: str
) -> Entry:
    """An organization's own term: a plain phrase, matched as whole words, plural allowed."""
    words = [re.escape(w) for w in phrase.strip().split()]
    pattern = r"\b" + r"[-\s]+".join(words) + r"(?:s|es)?\b"
    return Entry(
        id=id,
        keywords=(phrase.strip().split()[0].lower()[:5],),
        patterns=(re.compile(pattern, re.IGNORECASE),),
        exclude=(),
        suggestion=suggestion,
        reason=reason,
        source=source,
        severity=severity,
    )


def _negated(text: str, start: int) -> bool:
    """A negator among the three words before the match, within the same clause."""
    clause = CLAUSE_BREAK.split(text[max(0, start - 40) : start])[-1]
    before = WORD.findall(clause.lower())[-3:]
    return any(word in NEGATORS for word in before)


def _excluded(entry: Entry, text: str, start: int, end: int) -> bool:
    lo = max(0, start - EXCLUDE_WINDOW)
    window = text[lo : end + EXCLUDE_WINDOW]
    for pattern in entry.exclude:
        for match in pattern.finditer(window):
            if match.start() + lo < end and match.end() + lo > start:
                return True
    return False


def check(text: str, entries: tuple[Entry, ...] | None = None) -> list[Finding]:
    """Findings in reading order; overlapping matches keep the earliest, longest one."""
    entries = builtin_entries() if entries is None else entries
    lowered = text.lower()
    candidates = [e for e in entries if any(k in lowered for k in e.keywords)]
    if not candidates:
        return []
    quoted = [(m.start(), m.end()) for m in QUOTES.finditer(text)]
    found: list[Finding] = []
    for entry in candidates:
        for pattern in entry.patterns:
            for match in pattern.finditer(text):
                start, end = match.span()
                if any(q0 <= start and end <= q1 for q0, q1 in quoted):
                    continue
                if entry.skip_if_negated and _negated(text, start):
                    continue
                if entry.exclude and _excluded(entry, text, start, end):
                    continue
                found.append(
                    Finding(
                        start,
                        end,
                        match.group(0),
                        entry.suggestion,
                        entry.reason,
                        entry.source,
                        entry.severity,
                        entry.id,
                    )
                )
    found.sort(key=lambda f: (f.start, -(f.end - f.start)))
    kept: list[Finding] = []
    for finding in found:
        if kept and finding.start < kept[-1].end:
            continue
        kept.append(finding)
    return kept


ORDINARY_SAMPLE_PATH = LEXICON_DIR / "ordinary.txt"
MAX_SAMPLE_SHARE = 0.2  # an organization's term may flag at most this share of ordinary notes
MIN_LETTERS = 3
COMMON_WORDS = frozenset({
    "a", "an", "and", "are", "as", "at", "be", "been", "but", "by", "did", "do", "for", "from",
    "had", "has", "have", "he", "her", "him", "his", "i", "in", "is", "it", "its", "me", "my",
    "no", "not", "of", "on", "or", "our", "she", "so", "that", "the", "their", "them", "they",
    "this", "to", "up", "us", "was", "we", "were", "what", "when", "who", "will", "with", "you",
    "your", "client", "participant", "patient", "person", "people", "note", "notes", "staff",
    "today", "week", "al", "con", "de", "del", "el", "ella", "ellos", "en", "es", "esta", "está",
    "la", "las", "lo", "los", "mi", "para", "pero", "por", "que", "se", "su", "sus", "un",
    "una", "y", "ya",
})  # fmt: skip


@lru_cache(maxsize=1)
def ordinary_sample() -> tuple[str, ...]:
    """Ordinary note sentences: the shipped sample plus every entry's ordinary examples."""
    lines = ORDINARY_SAMPLE_PATH.read_text(encoding="utf-8").splitlines()
    shipped = tuple(line for line in lines if line.strip() and not line.startswith("#"))
    return shipped + tuple(s for entry in builtin_entries() for s in entry.ordinary)


def too_broad(phrase: str) -> str:
    """Why an organization's own term would flag nearly every note, in words; "" if it would not."""
    words = phrase.lower().split()
    letters = sum(ch.isalpha() for ch in phrase)
    if letters < MIN_LETTERS:
        return _(
            "Use at least %(n)s letters: a shorter term would turn up in nearly every note."
        ) % {"n": MIN_LETTERS}
    if all(word in COMMON_WORDS for word in words):
        return _(
            "“%(phrase)s” is one of the most common words in notes; it would flag nearly every one."
        ) % {"phrase": phrase}
    entry = phrase_entry(
        id="trial", phrase=phrase, suggestion="", reason="", severity="", source=""
    )
    sample = ordinary_sample()
    hits = sum(1 for sentence in sample if check(sentence, (entry,)))
    if hits > MAX_SAMPLE_SHARE * len(sample):
        share = round(100 * hits / len(sample))
        return _(
            "“%(phrase)s” turns up in %(share)s%% of ordinary sample notes; it would flag too "
            "many notes to help. Choose a more specific phrase."
        ) % {"phrase": phrase, "share": share}
    return ""
