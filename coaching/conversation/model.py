"""The turn classifier: word and character n-grams of the whole turn and of its last sentence,
with the cues a human coder uses (`coaching.conversation.features`: where a question sits, how
much of the person's turn before it the coach gives back, permission, direction, tags), in a
logistic regression; and a few transparent rules where rules are more reliable than a model.

scikit-learn and joblib are imported when a model is first trained or loaded, not with the
URL map: they are large, and most web workers never use them (figures:
bench/results/2026-12-04-measured-design-choices.md)."""

from __future__ import annotations

import csv
import hashlib
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from django.conf import settings

from coaching.conversation.features import (
    CLOSED_WORDS,
    CUE_WORDS,
    DIRECTIVE,
    OPEN_WORDS,
    PERMISSION,
    TAG,
    cues,
    last_sentence,
)

if TYPE_CHECKING:
    from sklearn.pipeline import Pipeline

DATA_DIR = Path(__file__).parent / "data"
TRAIN_CSV = DATA_DIR / "train.csv"
HELDOUT_CSV = DATA_DIR / "heldout.csv"
SESSIONS_DIR = DATA_DIR / "sessions"
COACH_LABELS = (
    "open_question", "closed_question", "simple_reflection", "complex_reflection",
    "affirmation", "information", "advice_with_permission", "advice_without_permission",
    "other",
)  # fmt: skip
PARTICIPANT_LABELS = ("change_talk", "sustain_talk", "neutral")
GROUPS = {
    "open_question": "question", "closed_question": "question",
    "simple_reflection": "reflection", "complex_reflection": "reflection",
    "information": "input", "advice_with_permission": "input",
    "advice_without_permission": "input", "affirmation": "other", "other": "other",
}  # fmt: skip
# Kept for callers that cue on an opening alone (mapping other schemes' "question" labels).
OPEN_START = OPEN_WORDS
CLOSED_START = CLOSED_WORDS


class Turn(NamedTuple):
    """One labelled turn; `previous` is the other speaker's turn just before it ("" if none),
    `writer` who wrote it (for evaluation by held-out writer)."""

    speaker: str
    text: str
    label: str
    previous: str = ""
    writer: str = ""
    session: str = ""


def _texts(pairs: Sequence[tuple[str, str]]) -> list[str]:
    return [text for text, _ in pairs]


def _lasts(pairs: Sequence[tuple[str, str]]) -> list[str]:
    return [last_sentence(text) for text, _ in pairs]


def _cues(pairs: Sequence[tuple[str, str]]) -> list[dict[str, float]]:
    return [cues(text, previous) for text, previous in pairs]


def _pipeline(*, with_context: bool) -> Pipeline:
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion, Pipeline
    from sklearn.preprocessing import FunctionTransformer

    def part(pick: Any, step: Any) -> Pipeline:
        return Pipeline([("pick", FunctionTransformer(pick)), ("vectorize", step)])

    parts = [
        ("words", part(_texts, TfidfVectorizer(ngram_range=(1, 2), min_df=1, sublinear_tf=True,
                                               token_pattern=r"(?u)\b\w+\b|[?!]"))),  # noqa: S106
        ("chars", part(_texts, TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2,
                                               sublinear_tf=True))),
    ]  # fmt: skip
    if with_context:
        parts += [
            ("last", part(_lasts, TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True,
                                                  token_pattern=r"(?u)\b\w+\b|[?!]"))),  # noqa: S106
            ("cues", part(_cues, DictVectorizer())),
        ]  # fmt: skip
    return Pipeline(
        [
            ("features", FeatureUnion(parts)),
            ("classify", LogisticRegression(max_iter=3000, C=4.0, class_weight="balanced")),
        ]
    )


# Bumped when what the pipelines take changes: a model saved before is not used (an
# organization's own model is trained again from its CSV; Cairn's is rebuilt from the corpus).
FEATURE_VERSION = 2


@dataclass
class ConversationModel:
    coach: Pipeline
    participant: Pipeline
    fingerprint: str
    feature_version: int = FEATURE_VERSION

    def label_coach(
        self,
        texts: Sequence[str],
        previous: Sequence[str] | None = None,
        *,
        in_order: bool = False,
    ) -> list[str]:
        """Each coach turn's main behaviour; `previous` holds the person's turn before each.
        `in_order`: the turns are one conversation's coach turns in order, so advice right after
        the coach asked permission counts as advice with permission (information stays
        information, as the corpus rules say)."""
        if not texts:
            return []
        before = list(previous) if previous is not None else [""] * len(texts)
        predicted = list(self.coach.predict(list(zip(texts, before, strict=True))))
        labels = [apply_rules(text, label) for text, label in zip(texts, predicted, strict=True)]
        if in_order:
            for i in range(1, len(labels)):
                asked = PERMISSION.search(texts[i - 1]) and labels[i - 1] != labels[i]
                if asked and labels[i] == "advice_without_permission":
                    labels[i] = "advice_with_permission"
        return labels

    def label_participant(self, texts: Sequence[str]) -> list[str]:
        if not texts:
            return []
        return list(self.participant.predict([(text, "") for text in texts]))

    def why(self, text: str, previous: str, label: str) -> list[str]:
        """The cues that spoke most for `label` in this turn, in words (at most two)."""
        weights = self._cue_weights().get(label)
        if not weights:
            return []
        present = cues(text, previous)
        weighed = sorted(
            ((weights[name], name) for name in present if name in weights and name in CUE_WORDS),
            reverse=True,
        )
        return [str(CUE_WORDS[name]) for weight, name in weighed[:2] if weight > 0]

    def _cue_weights(self) -> dict[str, dict[str, float]]:
        """Each label's weight for each named cue, read once from the fitted model."""
        cached: dict[str, dict[str, float]] | None = self.__dict__.get("_weights")
        if cached is not None:
            return cached
        classify = self.coach.named_steps["classify"]
        union = self.coach.named_steps["features"]
        steps = dict(union.transformer_list)
        weights: dict[str, dict[str, float]] = {}
        if "cues" in steps:
            offset = sum(
                len(step.named_steps["vectorize"].vocabulary_)
                for name, step in union.transformer_list
                if name != "cues"
            )
            names = steps["cues"].named_steps["vectorize"].feature_names_
            for row, label in enumerate(classify.classes_):
                weights[str(label)] = {
                    name: float(classify.coef_[row][offset + i]) for i, name in enumerate(names)
                }
        self.__dict__["_weights"] = weights
        return weights


def apply_rules(text: str, label: str) -> str:
    """Transparent corrections where surface cues decide more reliably than the model: a
    genuine question at the end of the turn is open or closed by its form (a tag such as
    "right?" does not make a question); advice is with or without permission by what was said."""
    last = last_sentence(text)
    asks = last.rstrip().endswith("?") and not TAG.search(last)
    if asks and label in ("open_question", "closed_question") and not DIRECTIVE.search(last):
        if OPEN_WORDS.search(last):
            return "open_question"
        if CLOSED_WORDS.search(last):
            return "closed_question"
        return label
    if DIRECTIVE.search(text) or label in ("advice_with_permission", "advice_without_permission"):
        if PERMISSION.search(text):
            return "advice_with_permission"
        if DIRECTIVE.search(text):
            return "advice_without_permission"
    return label


def read_corpus(path: Path, *, writer: str = "") -> list[Turn]:
    """Turns from a CSV: `speaker,text,label` (single utterances) or whole sessions
    (`session,turn,speaker,text,label`, where each turn gets the other speaker's turn before it
    as `previous`). Unknown speakers or labels are refused with the line number."""
    turns: list[Turn] = []
    writer = writer or path.stem
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        in_sessions = "session" in (reader.fieldnames or [])
        last: dict[str, tuple[str, str]] = {}
        for number, row in enumerate(reader, start=2):
            speaker = (row.get("speaker") or "").strip().lower()
            text = (row.get("text") or "").strip()
            label = (row.get("label") or "").strip()
            allowed = COACH_LABELS if speaker == "coach" else PARTICIPANT_LABELS
            if speaker not in ("coach", "participant") or label not in allowed or not text:
                raise ValueError(f"{path.name} line {number}: speaker {speaker!r}, label {label!r}")
            session = (row.get("session") or "").strip() if in_sessions else ""
            before_speaker, before_text = last.get(session, ("", ""))
            previous = before_text if in_sessions and before_speaker != speaker else ""
            turns.append(Turn(speaker, text, label, previous, writer, session))
            if in_sessions:
                last[session] = (speaker, text)
    return turns


def session_corpora() -> list[Path]:
    """The shipped whole-session files, one per writer."""
    return sorted(SESSIONS_DIR.glob("*.csv"))


def shipped_turns() -> list[Turn]:
    """Everything Cairn's own model learns from: the utterance corpus and every writer's
    sessions."""
    turns = read_corpus(TRAIN_CSV, writer="utterances")
    for path in session_corpora():
        turns += read_corpus(path)
    return turns


def train(rows: Iterable[Turn | tuple[str, str, str]]) -> ConversationModel:
    turns = [row if isinstance(row, Turn) else Turn(*row) for row in rows]
    digest = hashlib.sha256(
        repr(sorted((t.speaker, t.text, t.label, t.previous) for t in turns)).encode()
    ).hexdigest()[:16]
    models: dict[str, Pipeline] = {}
    for speaker in ("coach", "participant"):
        pairs = [(t.text, t.previous) for t in turns if t.speaker == speaker]
        labels = [t.label for t in turns if t.speaker == speaker]
        if len(set(labels)) < 2:
            raise ValueError(f"the {speaker} rows need at least two different labels")
        models[speaker] = _pipeline(with_context=speaker == "coach").fit(pairs, labels)
    return ConversationModel(models["coach"], models["participant"], digest)


def model_dir() -> Path:
    return Path(settings.CAIRN_MODEL_DIR)


def custom_model_path() -> Path:
    """Where `train_conversation_model --csv` keeps a model trained on an organization's corpus."""
    return model_dir() / "conversation-custom.joblib"


def default_model_path() -> Path:
    """Cairn's own model, named after the corpus it was built from (and the code that reads it),
    so a new corpus or new features rebuild it."""
    sources = [TRAIN_CSV, *session_corpora(), Path(__file__).parent / "features.py", Path(__file__)]
    digest = hashlib.sha256(b"".join(path.read_bytes() for path in sources)).hexdigest()[:12]
    return model_dir() / f"conversation-cairn-{digest}.joblib"


def save(model: ConversationModel, path: Path) -> Path:
    import joblib

    path.parent.mkdir(parents=True, exist_ok=True)
    # Written beside, then moved into place: a process loading the model (another worker, the
    # other database's test suite) never reads half a file.
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    joblib.dump(model, partial, compress=3)
    os.replace(partial, path)
    return path


@lru_cache(maxsize=1)
def load() -> ConversationModel:
    """An organization-trained model if one was saved, else Cairn's own (built once from the
    shipped corpus, reproducibly, and kept under var/models/)."""
    import joblib

    for path in (custom_model_path(), default_model_path()):
        if path.exists():
            model: Any = joblib.load(path)  # written only by this module's own commands
            if (
                isinstance(model, ConversationModel)
                and getattr(model, "feature_version", 1) == FEATURE_VERSION
            ):
                return model
    return build_default()


def build_default() -> ConversationModel:
    model = train(shipped_turns())
    save(model, default_model_path())
    return model
