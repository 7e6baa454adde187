"""manage.py evaluate_conversation_model: how well the reviewer reads turns it was not trained on.

The figure that counts is the held-out writer's: for each writer of whole sessions, a model
trained on everything else reads that writer's sessions (macro-F1 on the four groups and the nine
labels, by label, with the confusion matrix). Beside it, the same-writer figures (sessions split
by session within each writer; and the single-utterance held-out set), which overstate what a
coach will see, and the agreement of a second, blind labeller (Cohen's kappa) where one labelled
a sample."""

import csv
import json
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from sklearn.metrics import cohen_kappa_score, confusion_matrix, f1_score

from coaching.conversation.model import (
    COACH_LABELS,
    GROUPS,
    HELDOUT_CSV,
    PARTICIPANT_LABELS,
    SESSIONS_DIR,
    TRAIN_CSV,
    ConversationModel,
    Turn,
    read_corpus,
    session_corpora,
    train,
)

GROUP_NAMES = ("question", "reflection", "input", "other")
SECOND_LABELLER_CSV = SESSIONS_DIR / "agreement" / "second_labeller.csv"
# A third reading of every disagreement by the written rules; the writers' files carry its final
# labels, and its `writer_label` column keeps what the writer first wrote.
ADJUDICATED_CSV = SESSIONS_DIR / "agreement" / "adjudicated.csv"


def _read(model: ConversationModel, turns: Sequence[Turn], *, in_order: bool = True) -> list[str]:
    """Coach turns as the reviewer reads them: whole sessions in order, one session at a time."""
    labels: list[str] = []
    sessions: dict[str, list[Turn]] = {}
    for turn in turns:
        if turn.speaker == "coach":
            sessions.setdefault(turn.session, []).append(turn)
    for coach in sessions.values():
        labels += model.label_coach(
            [t.text for t in coach],
            [t.previous for t in coach],
            in_order=in_order and bool(coach[0].session),
        )
    return labels


def scores(truth: Sequence[str], predicted: Sequence[str]) -> dict[str, Any]:
    group_truth = [GROUPS[label] for label in truth]
    group_predicted = [GROUPS[label] for label in predicted]
    labels = [label for label in COACH_LABELS if label in truth or label in predicted]
    per_label = f1_score(truth, predicted, labels=list(COACH_LABELS), average=None, zero_division=0)
    per_group = f1_score(
        group_truth, group_predicted, labels=list(GROUP_NAMES), average=None, zero_division=0
    )
    return {
        "coach_turns": len(truth),
        "groups_macro_f1": round(
            float(f1_score(group_truth, group_predicted, average="macro", zero_division=0)), 3
        ),
        "labels_macro_f1": round(
            float(f1_score(truth, predicted, labels=labels, average="macro", zero_division=0)), 3
        ),
        "f1_by_group": {g: round(float(v), 3) for g, v in zip(GROUP_NAMES, per_group, strict=True)},
        "f1_by_label": {
            label: round(float(v), 3) for label, v in zip(COACH_LABELS, per_label, strict=True)
        },
        "group_confusion": confusion_matrix(
            group_truth, group_predicted, labels=list(GROUP_NAMES)
        ).tolist(),
        "confusion": confusion_matrix(truth, predicted, labels=list(COACH_LABELS)).tolist(),
    }


def by_held_out_writer(utterances: list[Turn], writers: dict[str, list[Turn]]) -> dict[str, Any]:
    """Train on the utterance corpus and every other writer; read this writer's sessions."""
    result: dict[str, Any] = {"writers": {}}
    all_truth: list[str] = []
    all_predicted: list[str] = []
    for writer, turns in writers.items():
        others = [t for name, rest in writers.items() if name != writer for t in rest]
        model = train(utterances + others)
        truth = [t.label for t in turns if t.speaker == "coach"]
        predicted = _read(model, turns)
        result["writers"][writer] = scores(truth, predicted)
        all_truth += truth
        all_predicted += predicted
    each = [figures["groups_macro_f1"] for figures in result["writers"].values()]
    result["mean_groups_macro_f1"] = round(sum(each) / len(each), 3) if each else None
    result["pooled"] = scores(all_truth, all_predicted) if all_truth else None
    return result


def same_writer(utterances: list[Turn], writers: dict[str, list[Turn]]) -> dict[str, Any] | None:
    """Every third session of each writer read by a model trained on the rest (and the
    utterance corpus): the writers' own voices are in training."""
    test: list[Turn] = []
    rest: list[Turn] = []
    for turns in writers.values():
        sessions = sorted({t.session for t in turns})
        held = set(sessions[2::3])
        test += [t for t in turns if t.session in held]
        rest += [t for t in turns if t.session not in held]
    if not test:
        return None
    model = train(utterances + rest)
    return scores([t.label for t in test if t.speaker == "coach"], _read(model, test))


def read_adjudicated(path: Path = ADJUDICATED_CSV) -> dict[tuple[str, str], dict[str, str]]:
    """The settled disagreements by (session, turn): writer_label, second_label, final_label."""
    if not path.exists():
        return {}
    with path.open(encoding="utf-8", newline="") as handle:
        return {
            (row["session"].strip(), row["turn"].strip()): row for row in csv.DictReader(handle)
        }


def agreement(
    path: Path, writers: dict[str, list[Turn]], adjudicated: Path = ADJUDICATED_CSV
) -> dict[str, Any] | None:
    """Cohen's kappa between the writers' labels and a second labeller's, who labelled a sample
    of coach turns without seeing them (`session,turn,label`). Measured against what the writers
    first wrote: a label changed by the third reading counts as the writer wrote it, so settling
    the disagreements does not flatter the figure. Also says for whom they were settled."""
    if not path.exists():
        return None
    settled = read_adjudicated(adjudicated)
    first = {
        (t.session, str(i)): t.label for turns in writers.values() for i, t in _numbered(turns)
    }
    for key, row in settled.items():
        if key in first:
            first[key] = row["writer_label"]
    pairs: list[tuple[str, str]] = []
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            key = (row["session"].strip(), row["turn"].strip())
            if key in first and row["label"].strip() in COACH_LABELS:
                pairs.append((first[key], row["label"].strip()))
    if not pairs:
        return None
    a = [x for x, _ in pairs]
    b = [y for _, y in pairs]
    by_label = {
        label: round(float(cohen_kappa_score([x == label for x in a], [y == label for y in b])), 3)
        for label in COACH_LABELS
        if label in a or label in b
    }
    finals = [
        ("writer" if r["final_label"] == r["writer_label"] else "")
        or ("second" if r["final_label"] == r["second_label"] else "neither")
        for r in settled.values()
    ]
    return {
        "coach_turns": len(pairs),
        "kappa_labels": round(float(cohen_kappa_score(a, b)), 3),
        "kappa_groups": round(
            float(cohen_kappa_score([GROUPS[x] for x in a], [GROUPS[y] for y in b])), 3
        ),
        "kappa_by_label": by_label,
        "raw_agreement": round(sum(x == y for x, y in pairs) / len(pairs), 3),
        "settled": {
            "disagreements": len(settled),
            "for_writer": finals.count("writer"),
            "for_second_labeller": finals.count("second"),
            "for_neither": finals.count("neither"),
        },
    }


def _numbered(turns: list[Turn]) -> list[tuple[int, Turn]]:
    """Turns with their number within their session, as the CSV numbers them."""
    numbered: list[tuple[int, Turn]] = []
    counter: dict[str, int] = {}
    for turn in turns:
        counter[turn.session] = counter.get(turn.session, 0) + 1
        if turn.speaker == "coach":
            numbered.append((counter[turn.session], turn))
    return numbered


def utterance_figures() -> dict[str, Any]:
    """The single-utterance held-out set, read by a model trained on the utterance corpus (one
    writer, written register), with the majority-class baseline and the participant labels."""
    utterances = read_corpus(TRAIN_CSV, writer="utterances")
    heldout = read_corpus(HELDOUT_CSV, writer="utterances")
    model = train(utterances)
    truth = [t.label for t in heldout if t.speaker == "coach"]
    figures = scores(truth, _read(model, heldout))
    majority = max(set(truth), key=truth.count)
    figures["majority_baseline_labels_macro_f1"] = round(
        float(f1_score(truth, [majority] * len(truth), average="macro")), 3
    )
    participant = [t for t in heldout if t.speaker == "participant"]
    figures["participant_turns"] = len(participant)
    figures["participant_macro_f1"] = round(
        float(
            f1_score(
                [t.label for t in participant],
                model.label_participant([t.text for t in participant]),
                labels=list(PARTICIPANT_LABELS),
                average="macro",
            )
        ),
        3,
    )
    return figures


def evaluate(sessions: Sequence[Path] | None = None) -> dict[str, Any]:
    started = time.perf_counter()
    paths = list(sessions) if sessions is not None else session_corpora()
    writers = {path.stem: read_corpus(path) for path in paths}
    everything = read_corpus(TRAIN_CSV, writer="utterances") + read_corpus(
        HELDOUT_CSV, writer="utterances"
    )
    result: dict[str, Any] = {
        "writers": sorted(writers),
        "held_out_writer": by_held_out_writer(everything, writers) if writers else None,
        "same_writer_sessions": same_writer(everything, writers),
        "same_writer_utterances": utterance_figures(),
        "agreement": agreement(SECOND_LABELLER_CSV, writers),
    }
    result["seconds"] = round(time.perf_counter() - started, 1)
    return result


class Command(BaseCommand):
    help = "Evaluate the conversation model by held-out writer, beside same-writer figures."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=["json", "text"], default="text")

    def handle(self, *args: Any, **options: Any) -> None:
        result = evaluate()
        if options["format"] == "json":
            self.stdout.write(json.dumps(result, indent=1))
            return
        held = result["held_out_writer"]
        if held:
            self.stdout.write(
                f"HELD-OUT WRITER (the figure that counts): mean macro-F1 on 4 groups "
                f"{held['mean_groups_macro_f1']} over {len(held['writers'])} writers"
            )
            for writer, figures in held["writers"].items():
                self._figures(f"  {writer}", figures)
            self._confusion(held["pooled"])
        if result["same_writer_sessions"]:
            self._figures("same writer, other sessions", result["same_writer_sessions"])
        self._figures("same writer, single utterances", result["same_writer_utterances"])
        if result["agreement"]:
            a = result["agreement"]
            self.stdout.write(
                f"second labeller on {a['coach_turns']} coach turns: kappa {a['kappa_labels']} "
                f"(9 labels), {a['kappa_groups']} (4 groups), raw agreement {a['raw_agreement']}"
            )
            for label, kappa in a["kappa_by_label"].items():
                self.stdout.write(f"  {label:<28} kappa {kappa}")
            settled = a["settled"]
            self.stdout.write(
                f"disagreements settled by a third reading: {settled['disagreements']} "
                f"(writer {settled['for_writer']}, second labeller "
                f"{settled['for_second_labeller']}, neither {settled['for_neither']})"
            )
        self.stdout.write(f"({result['seconds']} s)")

    def _figures(self, title: str, figures: dict[str, Any]) -> None:
        groups = ", ".join(f"{g} {v}" for g, v in figures["f1_by_group"].items())
        self.stdout.write(
            f"{title}: {figures['coach_turns']} coach turns, macro-F1 4 groups "
            f"{figures['groups_macro_f1']} ({groups}); 9 labels {figures['labels_macro_f1']}"
        )

    def _confusion(self, figures: dict[str, Any]) -> None:
        self.stdout.write("  by label (pooled over writers):")
        for label, value in figures["f1_by_label"].items():
            self.stdout.write(f"    {label:<28} {value}")
        self.stdout.write("  group confusion (rows: truth, columns: predicted):")
        for name, row in zip(GROUP_NAMES, figures["group_confusion"], strict=True):
            self.stdout.write(f"    {name:<10} " + " ".join(f"{n:5d}" for n in row))
