"""manage.py bench_language [--notes N]: how many ~150-word notes the checker reads per second.

Runs on one core (this process), on notes built from a fixed seed: most notes are ordinary,
about one in five carries a term the lexicon notices, as in real records.
"""

import random
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from coaching.language import builtin_entries, check

ORDINARY = [
    "met",
    "at",
    "the",
    "library",
    "talked",
    "about",
    "the",
    "week",
    "sleep",
    "has",
    "been",
    "better",
    "work",
    "schedule",
    "changed",
    "we",
    "planned",
    "the",
    "bus",
    "route",
    "to",
    "the",
    "clinic",
    "she",
    "wants",
    "to",
    "call",
    "her",
    "sister",
    "on",
    "sunday",
    "we",
    "looked",
    "at",
    "housing",
    "forms",
    "and",
    "made",
    "a",
    "list",
    "of",
    "questions",
    "for",
    "the",
    "caseworker",
    "he",
    "shared",
    "that",
    "the",
    "group",
    "helped",
    "and",
    "he",
    "wants",
    "to",
    "try",
    "the",
    "tuesday",
    "meeting",
    "again",
    "next",
    "step",
    "is",
    "to",
    "call",
    "the",
    "landlord",
    "about",
    "the",
    "lease",
    "and",
    "check",
    "in",
    "on",
    "friday",
    "afternoon",
]
TERMS = [
    "addict",
    "relapsed",
    "clean for 30 days",
    "dirty urine",
    "non-compliant",
    "drug-seeking",
    "substance abuse",
    "refused",
    "in denial",
    "alcoholic",
]


def make_notes(count: int, words: int = 150, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    notes = []
    for _ in range(count):
        body = [rng.choice(ORDINARY) for _ in range(words)]
        if rng.random() < 0.2:
            body.insert(rng.randrange(words), rng.choice(TERMS))
        notes.append(" ".join(body).capitalize() + ".")
    return notes


class Command(BaseCommand):
    help = "Measure the language checker's speed in notes per second (one core)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--notes", type=int, default=10000)

    def handle(self, *args: Any, **options: Any) -> None:
        notes = make_notes(options["notes"])
        entries = builtin_entries()
        check(notes[0], entries)  # compile and warm up outside the timing
        started = time.perf_counter()
        findings = sum(len(check(note, entries)) for note in notes)
        seconds = time.perf_counter() - started
        words = sum(len(n.split()) for n in notes)
        self.stdout.write(
            f"{len(notes):,} notes ({words / len(notes):.0f} words each) in {seconds:.3f} s: "
            f"{len(notes) / seconds:,.0f} notes/s, {findings:,} findings"
        )
