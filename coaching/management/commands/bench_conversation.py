"""manage.py bench_conversation [--utterances N]: seconds to review an hour-long conversation.

Builds a transcript of N turns (default 600, about an hour) from Cairn's held-out examples,
then times parsing, labelling and the summary on one core; loading the model is timed apart.
"""

import time
from itertools import cycle, islice
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from coaching.conversation import model as conversation_model
from coaching.conversation.model import HELDOUT_CSV, read_corpus
from coaching.conversation.parse import parse
from coaching.conversation.review import review


class Command(BaseCommand):
    help = "Measure how long reviewing an hour-long conversation takes."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--utterances", type=int, default=600)

    def handle(self, *args: Any, **options: Any) -> None:
        conversation_model.load()  # make sure a model file exists before timing the load
        conversation_model.load.cache_clear()
        started = time.perf_counter()
        model = conversation_model.load()
        load_seconds = time.perf_counter() - started
        rows = read_corpus(HELDOUT_CSV)
        coach = [t.text for t in rows if t.speaker == "coach"]
        participant = [t.text for t in rows if t.speaker == "participant"]
        turns = list(
            islice(zip(cycle(coach), cycle(participant), strict=False), options["utterances"] // 2)
        )
        transcript = "\n".join(f"Coach: {c}\nParticipant: {p}" for c, p in turns)
        started = time.perf_counter()
        result = review(parse(transcript), model)
        seconds = time.perf_counter() - started
        self.stdout.write(
            f"model load {load_seconds:.3f} s; {len(result.utterances)} utterances reviewed in "
            f"{seconds:.3f} s ({len(result.utterances) / seconds:,.0f} utterances/s)"
        )
