"""manage.py review_conversation FILE [--format json|text] [--coach-name NAME]"""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from coaching.conversation.parse import TranscriptError, parse
from coaching.conversation.review import review


class Command(BaseCommand):
    help = "Label each utterance of a coaching conversation and summarize, strengths first."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--format", choices=["json", "text"], default="text")
        parser.add_argument("--coach-name", default="", help="the coach's name in VTT/SRT files")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            utterances = parse(
                path.read_bytes(), filename=path.name, coach_name=options["coach_name"]
            )
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}") from error
        except TranscriptError as error:
            raise CommandError(str(error)) from error
        result = review(utterances)
        if options["format"] == "json":
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False, indent=1))
            return
        for u in result.utterances:
            self.stdout.write(f"{u.speaker:<12} {u.label:<26} {u.text}")
        summary = result.summary
        self.stdout.write("\nWhat went well:")
        for point in summary["strengths"]:
            self.stdout.write(f"  - {point['text']}")
        self.stdout.write("To try next:")
        for point in summary["to_try_next"]:
            self.stdout.write(f"  - {point['text']}")
