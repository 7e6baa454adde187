"""manage.py evaluate_conversation_model: macro-F1 on the held-out set Cairn ships, by label and
by four groups, with the confusion matrix and a majority-class baseline for comparison."""

import json
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from sklearn.metrics import confusion_matrix, f1_score

from coaching.conversation.model import (
    COACH_LABELS,
    GROUPS,
    HELDOUT_CSV,
    PARTICIPANT_LABELS,
    TRAIN_CSV,
    read_corpus,
    train,
)


def evaluate() -> dict[str, Any]:
    started = time.perf_counter()
    model = train(read_corpus(TRAIN_CSV))
    heldout = read_corpus(HELDOUT_CSV)
    coach = [(t, label) for s, t, label in heldout if s == "coach"]
    participant = [(t, label) for s, t, label in heldout if s == "participant"]
    truth = [label for _, label in coach]
    predicted = model.label_coach([t for t, _ in coach])
    majority = max(set(truth), key=truth.count)
    group_truth = [GROUPS[label] for label in truth]
    group_predicted = [GROUPS[label] for label in predicted]
    p_truth = [label for _, label in participant]
    p_predicted = model.label_participant([t for t, _ in participant])
    per_label = f1_score(truth, predicted, labels=list(COACH_LABELS), average=None)
    return {
        "train_seconds": round(time.perf_counter() - started, 1),
        "coach_heldout": len(coach),
        "coach_macro_f1": round(float(f1_score(truth, predicted, average="macro")), 3),
        "coach_f1_by_label": {
            label: round(float(v), 3) for label, v in zip(COACH_LABELS, per_label, strict=True)
        },
        "groups_macro_f1": round(float(f1_score(group_truth, group_predicted, average="macro")), 3),
        "majority_baseline_macro_f1": round(
            float(f1_score(truth, [majority] * len(truth), average="macro")), 3
        ),
        "confusion_labels": list(COACH_LABELS),
        "confusion": confusion_matrix(truth, predicted, labels=list(COACH_LABELS)).tolist(),
        "participant_heldout": len(participant),
        "participant_macro_f1": round(
            float(f1_score(p_truth, p_predicted, labels=list(PARTICIPANT_LABELS), average="macro")),
            3,
        ),
    }


class Command(BaseCommand):
    help = "Evaluate the conversation model on Cairn's held-out set."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=["json", "text"], default="text")

    def handle(self, *args: Any, **options: Any) -> None:
        result = evaluate()
        if options["format"] == "json":
            self.stdout.write(json.dumps(result, indent=1))
            return
        self.stdout.write(f"coach utterances held out: {result['coach_heldout']}")
        self.stdout.write(
            f"macro-F1 (9 labels): {result['coach_macro_f1']}  "
            f"(majority baseline {result['majority_baseline_macro_f1']})"
        )
        self.stdout.write(f"macro-F1 (4 groups): {result['groups_macro_f1']}")
        for label, value in result["coach_f1_by_label"].items():
            self.stdout.write(f"  {label:<28} {value}")
        self.stdout.write("confusion (rows: truth, columns: predicted, order as above):")
        for label, row in zip(result["confusion_labels"], result["confusion"], strict=True):
            self.stdout.write(f"  {label[:12]:<12} " + " ".join(f"{n:4d}" for n in row))
        self.stdout.write(f"participant macro-F1 (3 labels): {result['participant_macro_f1']}")
