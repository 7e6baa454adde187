"""What a human coder looks at in a coach's turn, beyond its words: where the question sits in a
long turn, whether the turn gives back what the person just said, how long it is, and the cues
of permission, direction, affirmation and tags. Each cue has a name a coach can read, so the
practice page can say why a line was read as it was."""

import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

SENTENCE_END = re.compile(r"(?<=[.?!])\s+|\s+--\s+|\n+")
WORD = re.compile(r"[a-záéíóúñü']+", re.IGNORECASE)
TAG = re.compile(
    r"(?:,|\s)\s*(?:right|huh|yeah|no|eh|correct|is that it|is that right|am i right|"
    r"sound right|that right|you know|is it|isn't it|don't you|didn't you|aren't you)\s*\?\s*$",
    re.IGNORECASE,
)
OPEN_WORDS = re.compile(
    r"^\s*(?:(?:so|and|but|okay|ok|well|now|um|uh|like|yeah|alright|mm-hmm)\b[,\s]*)*"
    r"(?:what|how|why|where|when|who|which|tell me|help me understand|walk me through|"
    r"say more|talk (?:to me )?about|describe|in what way|qu[ée]|c[óo]mo|por qu[ée]|cu[áa]ndo)\b",
    re.IGNORECASE,
)
CLOSED_WORDS = re.compile(
    r"^\s*(?:(?:so|and|but|okay|ok|well|now|um|uh|like|yeah|alright|mm-hmm)\b[,\s]*)*"
    r"(?:do|does|did|are|is|was|were|have|has|had|can|could|will|would|should|shall|may|"
    r"any|anything|you (?:want|think|got|gonna|still|ever)|y'all|ain't|is there|are there)\b",
    re.IGNORECASE,
)
REFLECTIVE_START = re.compile(
    r"^\s*(?:(?:so|and|okay|yeah|mm|mm-hmm|well)\b[,\s]*)*"
    r"(?:you(?:'re| are| feel| felt| want| wanted| think| thought|'ve| have| don't| didn't| just)|"
    r"sounds like|it sounds|that sounds|part of you|on (?:the )?one hand|what i'?m hearing|"
    r"it'?s like|seems like|it seems|you'?re saying|for you|i hear)\b",
    re.IGNORECASE,
)
PERMISSION = re.compile(
    r"\b(?:would it be (?:ok|okay|alright|all right)|(?:can|may|could) i (?:share|offer|suggest|"
    r"tell you|give you|throw)|do you want (?:some|a few|my|to hear)|would you like (?:some|a few|"
    r"my|to hear)|since you asked|you asked (?:me )?(?:about|for)|if you(?:'re| are)? (?:open|"
    r"interested)|is it (?:ok|okay) if i|mind if i|up to you)\b",
    re.IGNORECASE,
)
DIRECTIVE = re.compile(
    r"\b(?:you (?:should|need to|have to|must|gotta|oughta|ought to|better)|you'd better|"
    r"why don't you|have you tried|you (?:could|might) (?:try|want to|consider|think about)|"
    r"what you need to do|make sure you|don't (?:go|call|drink|use|let)|"
    r"i(?:'d| would) (?:recommend|suggest|advise)|just (?:call|go|tell|stay))\b",
    re.IGNORECASE,
)
INFORMING = re.compile(
    r"\b(?:meets?|open|opens|closes|hours|clinic|program|number is|the line|988|naloxone|narcan|"
    r"test strips?|appointment is|located|address|costs?|free|covers?|eligible|application|"
    r"the way it works|what happens is|research|studies|usually|typically)\b",
    re.IGNORECASE,
)
AFFIRMING = re.compile(
    r"\b(?:you did|you've been|that took|took (?:a lot of )?(?:guts|courage)|proud|strength|"
    r"strong|courage|brave|showed up|you kept|you stuck|you made it|you handled|you care|"
    r"good for you|that's huge|big deal|credit|working hard|determined|resourceful)\b",
    re.IGNORECASE,
)
BACKCHANNEL = frozenset((
    "mm", "mm-hmm", "mhm", "mmhm", "uh-huh", "uh", "huh", "yeah", "yep", "yes", "ok", "okay",
    "right", "sure", "gotcha", "got", "it", "i", "see", "wow", "oh", "ah", "alright", "all",
    "totally", "true", "exactly", "hmm", "hm", "go", "on", "sí", "claro", "ajá", "órale",
))  # fmt: skip
STOP = frozenset((
    "a", "an", "and", "the", "to", "of", "in", "on", "at", "for", "with", "is", "was", "are",
    "were", "be", "been", "it", "its", "that", "this", "i", "you", "he", "she", "they", "we",
    "me", "my", "your", "his", "her", "their", "our", "so", "but", "or", "if", "not", "no", "do",
    "did", "does", "just", "like", "um", "uh", "yeah", "okay", "ok", "really", "very", "what",
    "how", "why", "when", "where", "who", "which", "there", "here", "then", "than",
))  # fmt: skip

# What each cue is called where the practice page says why a line was read as it was.
CUE_WORDS = {
    "ends_with_question": _("it ends with a question"),
    "last_open": _("its last sentence asks an open question"),
    "last_closed": _("its last sentence asks a yes-or-no question"),
    "question_inside": _("a question sits inside the turn"),
    "tag": _("it ends with a tag such as \u201cright?\u201d"),
    "reflective_start": _("it begins the way reflections often do (\u201cSo you\u2026\u201d)"),
    "echo_high": _("it gives back many of the person's own words"),
    "echo_some": _("it gives back some of the person's words"),
    "echo_none": _("it uses none of the person's words"),
    "permission": _("it asks permission or leaves the choice to the person"),
    "directive": _("it tells the person what to do"),
    "informing": _("it gives facts or explains"),
    "affirming": _("it names an effort or strength"),
    "backchannel": _("it is a short acknowledgement (\u201cmm-hmm\u201d)"),
    "short": _("it is very short"),
    "long": _("it is a long turn"),
}


@dataclass(frozen=True)
class TurnShape:
    sentences: list[str]
    last: str


def sentences_of(text: str) -> list[str]:
    parts = [p.strip() for p in SENTENCE_END.split(text.strip()) if p and p.strip()]
    return parts or [text.strip()]


def content_words(text: str) -> set[str]:
    """Words that carry meaning, cut to a stem-like prefix so "drinking" meets "drink"."""
    return {w[:5] for w in WORD.findall(text.lower()) if w not in STOP and len(w) > 2}


def echo(text: str, previous: str) -> float:
    """The share of this turn's meaning words that the person's turn before it used."""
    mine = content_words(text)
    if not mine or not previous:
        return 0.0
    return len(mine & content_words(previous)) / len(mine)


def is_backchannel(text: str) -> bool:
    words = [w.strip(".,!?\u2026-").lower() for w in text.split()]
    words = [w for w in words if w]
    return 0 < len(words) <= 4 and all(w in BACKCHANNEL for w in words)


def cues(text: str, previous: str = "") -> dict[str, float]:
    """The turn's cues as named features (1.0 when present)."""
    sentences = sentences_of(text)
    found = _question_cues(text, sentences)
    if REFLECTIVE_START.search(sentences[-1]) or REFLECTIVE_START.search(sentences[0]):
        found["reflective_start"] = 1.0
    if previous:
        share = echo(text, previous)
        key = "echo_high" if share >= 0.4 else "echo_some" if share >= 0.15 else "echo_none"
        found[key] = 1.0
    else:
        found["no_previous"] = 1.0
    for name, pattern in (
        ("permission", PERMISSION),
        ("directive", DIRECTIVE),
        ("informing", INFORMING),
        ("affirming", AFFIRMING),
    ):
        if pattern.search(text):
            found[name] = 1.0
    if is_backchannel(text):
        found["backchannel"] = 1.0
    words = len(text.split())
    if words <= 4:
        found["short"] = 1.0
    elif words >= 30:
        found["long"] = 1.0
    found[f"sentences_{min(len(sentences), 4)}"] = 1.0
    return found


def _question_cues(text: str, sentences: list[str]) -> dict[str, float]:
    """Where a question sits: a genuine one at the end decides a turn (the corpus rules)."""
    found: dict[str, float] = {}
    last = sentences[-1]
    tag = bool(TAG.search(last))
    if text.rstrip().endswith("?"):
        found["ends_with_question"] = 1.0
    if tag:
        found["tag"] = 1.0
    asks = last.rstrip().endswith("?") and not tag
    if asks or (not tag and OPEN_WORDS.search(last) and len(last.split()) > 2):
        if OPEN_WORDS.search(last):
            found["last_open"] = 1.0
        elif CLOSED_WORDS.search(last):
            found["last_closed"] = 1.0
    if any(s.endswith("?") for s in sentences[:-1]):
        found["question_inside"] = 1.0
    return found


def last_sentence(text: str) -> str:
    return sentences_of(text)[-1]
