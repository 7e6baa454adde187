"""manage.py check_language FILE|- [--lines] [--format json|text] [--org SLUG]"""

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from coaching.language import Finding, builtin_entries, check
from coaching.selectors import entries_for
from organizations.models import Organization


class Command(BaseCommand):
    help = "Check notes for stigmatizing language. JSON: a list, one entry per note, of findings."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="a text file, or - for standard input")
        parser.add_argument("--lines", action="store_true", help="each line is one note")
        parser.add_argument("--format", choices=["json", "text"], default="text")
        parser.add_argument("--org", help="use this organization's lexicon (slug)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            raw = (
                sys.stdin.read()
                if options["file"] == "-"
                else open(  # noqa: SIM115
                    options["file"], encoding="utf-8"
                ).read()
            )
        except OSError as error:
            raise CommandError(f"Cannot read {options['file']}: {error.strerror}") from error
        entries = builtin_entries()
        if options["org"]:
            organization = Organization.objects.filter(slug=options["org"]).first()
            if organization is None:
                raise CommandError(f"No organization with slug {options['org']!r}.")
            entries = entries_for(organization)
        notes = raw.splitlines() if options["lines"] else [raw]
        results = [check(note, entries) for note in notes]
        if options["format"] == "json":
            self.stdout.write(
                json.dumps(
                    [[_public(f) for f in found] for found in results], ensure_ascii=False, indent=1
                )
            )
            return
        for number, found in enumerate(results, start=1):
            for f in found:
                where = f"note {number}, " if options["lines"] else ""
                self.stdout.write(
                    f'{where}{f.start}-{f.end} [{f.severity}] "{f.text}" -> {f.suggestion}'
                )
        total = sum(len(found) for found in results)
        findings = "finding" if total == 1 else "findings"
        notes = "note" if len(results) == 1 else "notes"
        self.stdout.write(f"{total} {findings} in {len(results)} {notes}.")


def _public(finding: Finding) -> dict[str, Any]:
    return {key: value for key, value in finding.as_dict().items() if key != "entry"}
