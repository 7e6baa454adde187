"""The utterance classifier: word and character n-grams with logistic regression, plus a few
transparent rules where rules are more reliable than a model (permission before advice,
interrogative openings).

scikit-learn and joblib are imported when a model is first trained or loaded, not with the
URL map: they are large, and most web workers never use them (figures:
bench/results/2026-12-04-measured-design-choices.md)."""

from __future__ import annotations

import csv
import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings

if TYPE_CHECKING:
    from sklearn.pipeline import Pipeline

DATA_DIR = Path(__file__).parent / "data"
TRAIN_CSV = DATA_DIR / "train.csv"
HELDOUT_CSV = DATA_DIR / "heldout.csv"
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

PERMISSION = re.compile(
    r"\b(would it be (?:ok|okay|alright|all right)|(?:can|may|could) i (?:share|offer|suggest|"
    r"tell you|give you)|do you want (?:some|a few|my)|would you like (?:some|a few|my|to hear)|"
    r"since you asked|you asked (?:me )?(?:about|for)|if you(?:'re| are)? (?:open|interested)|"
    r"is it (?:ok|okay) if i)",
    re.IGNORECASE,
)
DIRECTIVE = re.compile(
    r"\b(you (?:should|need to|have to|must|gotta|oughta|ought to)|you'd better|why don't you|"
    r"you (?:could|might) (?:try|want to|consider|think about)|have you tried|"
    r"i(?:'d| would) (?:recommend|suggest|advise)|make sure you|don't (?:go|call|drink|use))\b",
    re.IGNORECASE,
)
OPEN_START = re.compile(
    r"^\s*(?:so,?\s*|and\s+|okay,?\s*)?(?:what|how|why|tell me|help me understand|"
    r"walk me through|say more|describe|in what way|when you think about)\b",
    re.IGNORECASE,
)
CLOSED_START = re.compile(
    r"^\s*(?:so,?\s*|and\s+|okay,?\s*)?(?:do|does|did|are|is|was|were|have|has|had|can|could|"
    r"will|would|should|shall|may|any|anything)\b",
    re.IGNORECASE,
)


def _pipeline() -> Pipeline:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion, Pipeline

    return Pipeline([
        ("features", FeatureUnion([
            ("words", TfidfVectorizer(ngram_range=(1, 2), min_df=1, sublinear_tf=True,
                                      token_pattern=r"(?u)\b\w+\b|[?!]")),  # noqa: S106
            ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2,
                                      sublinear_tf=True)),
        ])),
        ("classify", LogisticRegression(max_iter=2000, C=8.0, class_weight="balanced")),
    ])  # fmt: skip


@dataclass
class ConversationModel:
    coach: Pipeline
    participant: Pipeline
    fingerprint: str

    def label_coach(self, texts: Sequence[str]) -> list[str]:
        if not texts:
            return []
        predicted = list(self.coach.predict(list(texts)))
        return [apply_rules(text, label) for text, label in zip(texts, predicted, strict=True)]

    def label_participant(self, texts: Sequence[str]) -> list[str]:
        return list(self.participant.predict(list(texts))) if texts else []


def apply_rules(text: str, label: str) -> str:
    """Transparent corrections where surface cues decide more reliably than the model."""
    if DIRECTIVE.search(text) or label in ("advice_with_permission", "advice_without_permission"):
        if PERMISSION.search(text):
            return "advice_with_permission"
        if DIRECTIVE.search(text):
            return "advice_without_permission"
    stripped = text.strip()
    if stripped.endswith("?") and label not in ("simple_reflection", "complex_reflection"):
        if OPEN_START.search(stripped):
            return "open_question"
        if CLOSED_START.search(stripped):
            return "closed_question"
    return label


def read_corpus(path: Path) -> list[tuple[str, str, str]]:
    """Rows of (speaker, text, label), refusing unknown speakers or labels with the line number."""
    rows = []
    with path.open(encoding="utf-8", newline="") as handle:
        for number, row in enumerate(csv.DictReader(handle), start=2):
            speaker = (row.get("speaker") or "").strip().lower()
            text = (row.get("text") or "").strip()
            label = (row.get("label") or "").strip()
            allowed = COACH_LABELS if speaker == "coach" else PARTICIPANT_LABELS
            if speaker not in ("coach", "participant") or label not in allowed or not text:
                raise ValueError(f"{path.name} line {number}: speaker {speaker!r}, label {label!r}")
            rows.append((speaker, text, label))
    return rows


def train(rows: Iterable[tuple[str, str, str]]) -> ConversationModel:
    rows = list(rows)
    digest = hashlib.sha256(repr(sorted(rows)).encode()).hexdigest()[:16]
    models: dict[str, Pipeline] = {}
    for speaker in ("coach", "participant"):
        texts = [t for s, t, _ in rows if s == speaker]
        labels = [label for s, _, label in rows if s == speaker]
        if len(set(labels)) < 2:
            raise ValueError(f"the {speaker} rows need at least two different labels")
        models[speaker] = _pipeline().fit(texts, labels)
    return ConversationModel(models["coach"], models["participant"], digest)


def model_dir() -> Path:
    return Path(settings.CAIRN_MODEL_DIR)


def custom_model_path() -> Path:
    """Where `train_conversation_model --csv` keeps a model trained on an organization's corpus."""
    return model_dir() / "conversation-custom.joblib"


def default_model_path() -> Path:
    """Cairn's own model, named after the corpus it was built from, so a new corpus rebuilds it."""
    digest = hashlib.sha256(TRAIN_CSV.read_bytes()).hexdigest()[:12]
    return model_dir() / f"conversation-cairn-{digest}.joblib"


def save(model: ConversationModel, path: Path) -> Path:
    import joblib

    path.parent.mkdir(parents=True, exist_ok=True)
    joblib.dump(model, path, compress=3)
    return path


@lru_cache(maxsize=1)
def load() -> ConversationModel:
    """An organization-trained model if one was saved, else Cairn's own (built once from the
    shipped corpus, reproducibly, and kept under var/models/)."""
    import joblib

    for path in (custom_model_path(), default_model_path()):
        if path.exists():
            model: Any = joblib.load(path)  # written only by this module's own commands
            if isinstance(model, ConversationModel):
                return model
    return build_default()


def build_default() -> ConversationModel:
    model = train(read_corpus(TRAIN_CSV))
    save(model, default_model_path())
    return model
