"""manage.py train_conversation_model [--csv PATH] [--scheme cairn|miti]

Without --csv, rebuilds Cairn's own model from the shipped corpus. With --csv, trains on an
organization's own labelled corpus (never shipped) and uses it from then on.
"""

import csv
import tempfile
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from coaching.conversation import model as conversation_model
from coaching.conversation.model import OPEN_START, Turn, read_corpus, save, train

# Other coding schemes' labels, mapped to Cairn's (documented in coaching/conversation/data).
MITI = {
    "question": None,  # open or closed by its form, decided below
    "q": None,
    "sr": "simple_reflection", "simple reflection": "simple_reflection",
    "cr": "complex_reflection", "complex reflection": "complex_reflection",
    "af": "affirmation", "affirm": "affirmation",
    "gi": "information", "giving information": "information",
    "persuade with permission": "advice_with_permission", "pwp": "advice_with_permission",
    "persuade": "advice_without_permission", "per": "advice_without_permission",
    "seeking collaboration": "other", "emphasizing autonomy": "other", "confront": "other",
    "change talk": "change_talk", "ct": "change_talk",
    "sustain talk": "sustain_talk", "st": "sustain_talk",
    "follow": "neutral", "neutral": "neutral", "fn": "neutral",
}  # fmt: skip


class Command(BaseCommand):
    help = "Train the conversation model (Cairn's corpus, or your organization's own CSV)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--csv", help="columns: speaker, text, label")
        parser.add_argument("--scheme", choices=["cairn", "miti"], default="cairn")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        if not options["csv"]:
            built = conversation_model.build_default()
            path = conversation_model.default_model_path()
        else:
            source = Path(options["csv"])
            if not source.exists():
                raise CommandError(f"No file at {source}.")
            rows = self._rows(source, options["scheme"])
            built = train(rows)
            path = save(built, conversation_model.custom_model_path())
        conversation_model.load.cache_clear()
        self.stdout.write(
            f"Model {built.fingerprint} saved to {path} in {time.perf_counter() - started:.1f} s."
        )

    def _rows(self, source: Path, scheme: str) -> list[Turn]:
        if scheme == "cairn":
            try:
                return read_corpus(source)
            except ValueError as error:
                raise CommandError(str(error)) from error
        rows = []
        with source.open(encoding="utf-8", newline="") as handle:
            for number, row in enumerate(csv.DictReader(handle), start=2):
                text = (row.get("text") or "").strip()
                raw = (row.get("label") or "").strip().lower()
                if raw not in MITI:
                    raise CommandError(f"line {number}: label {raw!r} has no Cairn mapping")
                label = MITI[raw] or (
                    "open_question" if OPEN_START.search(text) else "closed_question"
                )
                speaker = (
                    "participant"
                    if label in ("change_talk", "sustain_talk", "neutral")
                    else "coach"
                )
                rows.append((speaker, text, label))
        with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as out:
            writer = csv.writer(out)
            writer.writerow(["speaker", "text", "label"])
            writer.writerows(rows)
        return read_corpus(Path(out.name))
