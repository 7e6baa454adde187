"""The dry run: every row checked against the mapping, every problem named by row and column."""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from assessments.models import Assessment
from encounters.models import Encounter
from imports.checkers import AssessmentChecker, ContactChecker, ParticipantChecker
from imports.kinds import SOURCE_ID
from imports.models import ImportBatch, ImportedRecord, Kind
from imports.parsing import Problem, RowChecker, text
from imports.reading import FIRST_DATA_ROW, Cell, Sheet
from organizations.models import Membership
from participants.models import Participant

__all__ = ["CheckResult", "Problem", "run_check", "text"]

ProgressFn = Callable[[int, int], None]
# Told of each row that will not be imported: its number, its cells as read, and why.
BadRowFn = Callable[[int, list[Cell], list[Problem]], None]


@dataclass
class CheckResult:
    problems: list[Problem] = field(default_factory=list)
    # Each valid row: its number, its source id and its cleaned values.
    valid: list[tuple[int, str, dict[str, Any]]] = field(default_factory=list)
    skipped: int = 0
    bad_rows: set[int] = field(default_factory=set)


def run_check(
    *,
    batch: ImportBatch,
    sheet: Sheet,
    acting: Membership,
    progress: ProgressFn | None = None,
    bad_row: BadRowFn | None = None,
) -> CheckResult:
    """One pass over the rows as they are read; only findings and cleaned values are kept."""
    checker = _CHECKERS[batch.kind](batch, acting)
    result = CheckResult()
    imported = ImportedRecord.objects.filter(organization=batch.organization, kind=batch.kind)
    done_ids = set(imported.values_list("source_id", flat=True))
    # A file exported from this same organization carries Cairn's own ids: those are here already.
    done_ids.update(str(pk) for pk in _EXISTING[batch.kind](batch))
    headers = batch.headers
    column_of = {target: headers.index(header) for target, header in batch.mapping.items()}
    seen_sources: dict[str, int] = {}
    total = batch.row_count
    for index, cells in enumerate(sheet.rows()):
        row = index + FIRST_DATA_ROW
        if progress is not None and index % 1000 == 0:
            progress(index, total)
        if not any(text(c) for c in cells):
            continue
        raw = {target: cells[at] if at < len(cells) else "" for target, at in column_of.items()}
        source = text(raw.pop(SOURCE_ID, "")) or _row_hash(raw)
        if source in done_ids:
            result.skipped += 1  # already imported by an earlier run: left as it is
            continue
        problems = checker.check(row, raw)
        if source in seen_sources:
            problems.append(
                Problem(
                    row,
                    batch.mapping.get(SOURCE_ID, ""),
                    source,
                    _("The same id is on row %(row)s; only one of them can be imported.")
                    % {"row": seen_sources[source]},
                )
            )
        if problems:
            result.problems.extend(problems)
            result.bad_rows.add(row)
            if bad_row is not None:
                bad_row(row, cells, problems)
        else:
            seen_sources[source] = row
            result.valid.append((row, source, checker.values))
    if progress is not None:
        progress(total, total)
    return result


def _existing_ids(model: Any) -> Callable[[ImportBatch], Any]:
    return lambda batch: model.objects.filter(organization=batch.organization).values_list(
        "id", flat=True
    )


_EXISTING: dict[str, Callable[[ImportBatch], Any]] = {
    Kind.PARTICIPANTS: _existing_ids(Participant),
    Kind.CONTACTS: _existing_ids(Encounter),
    Kind.ASSESSMENTS: _existing_ids(Assessment),
}


def _row_hash(raw: dict[str, Cell]) -> str:
    """Without an id column, a row's own content identifies it, so the same file re-run skips."""
    joined = "\x1f".join(f"{k}={text(v)}" for k, v in sorted(raw.items()))
    return "row:" + hashlib.sha256(joined.encode()).hexdigest()[:40]


_CHECKERS: dict[str, type[RowChecker]] = {
    Kind.PARTICIPANTS: ParticipantChecker,
    Kind.CONTACTS: ContactChecker,
    Kind.ASSESSMENTS: AssessmentChecker,
}
