"""Draw the sample of coach turns a second, blind labeller labels (issue 26).

For each writer's sessions in coaching/conversation/data/sessions/, draw PER_WRITER coach turns
at random (seeded, so the draw can be repeated), and write them with the person's turn before
each but without any label: `session,turn,previous,text`. The labeller adds a `label` column by
the rules in the sessions README; `evaluate_conversation_model` compares the two.

Usage: .venv/bin/python scripts/sample_for_second_labeller.py OUT.csv [--per-writer 200]
       [--writer NAME]
"""

import argparse
import csv
import random
import sys
from pathlib import Path

SESSIONS = (
    Path(__file__).resolve().parent.parent / "coaching" / "conversation" / "data" / "sessions"
)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--per-writer", type=int, default=200)
    parser.add_argument("--seed", type=int, default=26)
    parser.add_argument("--writer", help="only this writer's file (a sample per writer)")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    sample = []
    for path in sorted(SESSIONS.glob(f"{args.writer or '*'}.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        coach = []
        for i, row in enumerate(rows):
            if row["speaker"] != "coach":
                continue
            before = rows[i - 1] if i and rows[i - 1]["session"] == row["session"] else None
            previous = before["text"] if before and before["speaker"] != "coach" else ""
            coach.append((row["session"], row["turn"], previous, row["text"]))
        sample += rng.sample(coach, min(args.per_writer, len(coach)))
    rng.shuffle(sample)
    with open(args.out, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["session", "turn", "previous", "text"])
        writer.writerows(sample)
    print(f"{len(sample)} coach turns written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
