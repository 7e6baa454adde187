"""Reading transcripts: 'Coach:'/'Participant:' lines (or C:/P:), WebVTT and SRT with speakers."""

import io
import re
from dataclasses import dataclass

import srt
import webvtt

MAX_BYTES = 2 * 1024 * 1024
MAX_UTTERANCES = 5000
COACH, PARTICIPANT = "coach", "participant"
PREFIX = re.compile(
    r"^\s*(?P<who>coach|participant|peer|client|c|p)\s*[:\-\u2013]\s*(?P<text>.*)$", re.IGNORECASE
)
NAMED = re.compile(r"^\s*(?P<who>[A-Z][\w .'-]{0,40}?)\s*:\s*(?P<text>.+)$")
ROLE_OF_PREFIX = {
    "coach": COACH,
    "c": COACH,
    "peer": COACH,
    "participant": PARTICIPANT,
    "p": PARTICIPANT,
    "client": PARTICIPANT,
}


class TranscriptError(ValueError):
    """The transcript can't be read; the message says why, calmly."""


@dataclass(frozen=True)
class Utterance:
    speaker: str
    text: str


def parse(content: bytes | str, *, filename: str = "", coach_name: str = "") -> list[Utterance]:
    if isinstance(content, bytes):
        if len(content) > MAX_BYTES:
            raise TranscriptError(
                "That file is larger than 2 MB. A one-hour conversation is usually under "
                "100 KB; please check it is a transcript."
            )
        try:
            content = content.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise TranscriptError("That file isn't plain text (UTF-8).") from error
    elif len(content.encode("utf-8")) > MAX_BYTES:
        raise TranscriptError("That text is larger than 2 MB; please paste one conversation.")
    text = content.strip()
    if not text:
        raise TranscriptError("The transcript is empty.")
    lower = filename.lower()
    if lower.endswith(".vtt") or text.startswith("WEBVTT"):
        utterances = _from_cues(_vtt_cues(text), coach_name)
    elif lower.endswith(".srt") or re.match(r"^\d+\s*\n\d\d:\d\d:\d\d,\d{3} -->", text):
        utterances = _from_cues(_srt_cues(text), coach_name)
    else:
        utterances = _from_lines(text, coach_name)
    if not utterances:
        raise TranscriptError(
            "No speakers found. Start each turn with 'Coach:' or 'Participant:' (or C: / P:)."
        )
    _check_readable(utterances)
    return utterances


def _check_readable(utterances: list[Utterance]) -> None:
    """A conversation the reviewer can read: not too long, both sides, in English."""
    if len(utterances) > MAX_UTTERANCES:
        raise TranscriptError("That is more than 5,000 turns; please review one conversation.")
    if not any(u.speaker == COACH for u in utterances):
        raise TranscriptError("No coach turns found. Mark the coach's lines with 'Coach:'.")
    if all(u.speaker == COACH for u in utterances):
        raise TranscriptError(
            "Only the coach's turns were found. The reading needs both sides of the "
            "conversation: mark the other person's lines with 'Participant:'."
        )
    if mostly_spanish(" ".join(u.text for u in utterances)):
        raise TranscriptError(
            "This conversation looks like it is in Spanish. The reviewer reads conversations in "
            "English for now (a few Spanish sentences are fine), so it would give a wrong "
            "reading rather than none."
        )


SPANISH = frozenset(
    ("que", "de", "el", "la", "los", "las", "y", "en", "es", "por", "para", "con", "no", "una",
     "un", "pero", "como", "yo", "tú", "usted", "está", "estoy", "qué", "cómo", "mi", "tu", "se",
     "lo", "le", "me", "te", "muy", "bien", "sí", "también", "cuando", "porque", "eso", "esto")
)  # fmt: skip
ENGLISH = frozenset(
    ("the", "and", "to", "of", "a", "in", "is", "it", "you", "that", "i", "for", "on", "with",
     "was", "what", "do", "be", "have", "this", "but", "my", "me", "so", "just", "about", "your",
     "how", "are", "can", "like", "we", "they", "if", "when", "because", "know", "yeah", "okay")
)  # fmt: skip


def mostly_spanish(text: str) -> bool:
    """More Spanish function words than English ones (code-switching stays English)."""
    words = re.findall(r"[a-záéíóúñü']+", text.lower())
    spanish = sum(w in SPANISH for w in words)
    english = sum(w in ENGLISH for w in words)
    return spanish > 2 * english and spanish >= 10


def _from_lines(text: str, coach_name: str) -> list[Utterance]:
    utterances: list[Utterance] = []
    names: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip():
            continue
        match = PREFIX.match(line)
        if match:
            role = ROLE_OF_PREFIX[match["who"].lower()]
            utterances.append(Utterance(role, match["text"].strip()))
            continue
        named = NAMED.match(line)
        if named and (len(names) < 2 or named["who"] in names):
            role = _role_for(named["who"], names, coach_name)
            utterances.append(Utterance(role, named["text"].strip()))
        elif utterances:
            last = utterances[-1]  # a wrapped line continues the turn before it
            utterances[-1] = Utterance(last.speaker, f"{last.text} {line.strip()}")
    return [u for u in utterances if u.text]


def _role_for(name: str, names: dict[str, str], coach_name: str) -> str:
    if name not in names:
        if coach_name:
            names[name] = (
                COACH if name.strip().lower() == coach_name.strip().lower() else PARTICIPANT
            )
        elif "coach" in name.lower() or not names:
            names[name] = COACH  # the first named speaker is taken as the coach
        else:
            names[name] = PARTICIPANT
    return names[name]


def _vtt_cues(text: str) -> list[tuple[str, str]]:
    try:
        captions = webvtt.from_string(text)
    except Exception as error:  # the library raises several kinds
        raise TranscriptError("That WebVTT file could not be read.") from error
    return [(c.voice or "", c.text) for c in captions.captions]


def _srt_cues(text: str) -> list[tuple[str, str]]:
    try:
        subtitles = list(srt.parse(io.StringIO(text).read()))
    except Exception as error:  # srt raises its own error kinds
        raise TranscriptError("That SRT file could not be read.") from error
    return [("", s.content) for s in subtitles]


def _from_cues(cues: list[tuple[str, str]], coach_name: str) -> list[Utterance]:
    utterances: list[Utterance] = []
    names: dict[str, str] = {}
    for voice, raw in cues:
        content = " ".join(raw.split())
        if not content:
            continue
        if voice:
            role = _role_for(voice, names, coach_name)
        else:
            prefix = PREFIX.match(content) or NAMED.match(content)
            if prefix is None:
                if utterances:  # a cue without a speaker continues the one before
                    last = utterances[-1]
                    utterances[-1] = Utterance(last.speaker, f"{last.text} {content}")
                continue
            who = prefix["who"]
            role = ROLE_OF_PREFIX.get(who.lower()) or _role_for(who, names, coach_name)
            content = prefix["text"].strip()
        if utterances and utterances[-1].speaker == role:
            utterances[-1] = Utterance(role, f"{utterances[-1].text} {content}")
        else:
            utterances.append(Utterance(role, content))
    return utterances
