"""The import flow's writes: upload, match columns, dry run, apply or set aside."""

import base64
import json
from collections.abc import Callable
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import Action
from audit.services import Target, record_member_action
from imports import applying
from imports.checking import CheckResult, Problem, run_check, text
from imports.models import BatchState, ImportBatch
from imports.reading import Cell, Sheet, check_size, read
from jobs.runner import expect_quiet
from lib.spreadsheet import CSV_ENCODING, CsvWriter
from organizations.models import Membership

ProgressFn = Callable[[int, int], None]

# The import is one transaction, so its progress cannot be seen from outside until it commits;
# the job's page is told how long it may be quiet. Checking and writing 4,000 rows took longer
# than 30 s at load 3-5 in the soak (bench/README.md): 10 ms a row leaves room beyond that.
APPLY_SECONDS_PER_ROW = 0.01


class NotReady(Exception):
    """The batch is not at the step this action needs (e.g. already imported)."""


def check_upload_size(size: int) -> None:
    """Refuse an oversized file before reading it into memory."""
    check_size(size)


def upload(*, acting: Membership, kind: str, filename: str, raw: bytes) -> ImportBatch:
    """Read the whole file once, every limit checked (raising UnreadableFile with a calm message
    at the first one broken), and keep it, encrypted."""
    sheet = read(raw, filename)
    row_count = sheet.count_rows()
    from imports.kinds import suggest

    with transaction.atomic():
        batch = ImportBatch.objects.create(
            organization=acting.organization,
            kind=kind,
            uploaded_by=acting.user,
            filename=filename[:200],
            content=base64.b64encode(raw).decode("ascii"),
            encoding=sheet.encoding,
            delimiter=sheet.delimiter,
            headers=sheet.headers,
            row_count=row_count,
            mapping=suggest(kind, sheet.headers),
        )
        record_member_action(acting=acting, action=Action.CREATE, target=Target.of(batch))
    return batch


def sheet_of(batch: ImportBatch) -> Sheet:
    return read(base64.b64decode(batch.content), batch.filename)


def save_mapping(
    *, acting: Membership, batch: ImportBatch, mapping: dict[str, str], date_style: str
) -> None:
    _require(batch, BatchState.UPLOADED, BatchState.MAPPED, BatchState.CHECKED)
    with transaction.atomic():
        batch.mapping = {k: v for k, v in mapping.items() if v}
        batch.date_style = date_style
        batch.state = BatchState.MAPPED
        batch.save(update_fields=["mapping", "date_style", "state"])
        record_member_action(
            acting=acting,
            action=Action.UPDATE,
            target=Target.of(batch),
            changed_fields=["mapping", "date_style"],
        )


def dry_run(
    *, acting: Membership, batch: ImportBatch, progress: ProgressFn | None = None
) -> CheckResult:
    """Check every row and keep the findings; nothing is imported."""
    _require(batch, BatchState.MAPPED, BatchState.CHECKED)
    errors = ErrorFile(batch.headers)
    result = run_check(
        batch=batch, sheet=sheet_of(batch), acting=acting, progress=progress, bad_row=errors.add
    )
    batch.problems = json.dumps([p.__dict__ for p in result.problems])
    batch.error_csv = errors.text() if result.problems else ""
    batch.problem_count = len(result.problems)
    batch.bad_row_count = len(result.bad_rows)
    batch.valid_count = len(result.valid)
    batch.skipped_count = result.skipped
    batch.state = BatchState.CHECKED
    batch.save(
        update_fields=[
            "problems",
            "error_csv",
            "problem_count",
            "bad_row_count",
            "valid_count",
            "skipped_count",
            "state",
        ]
    )
    return result


def problems_of(batch: ImportBatch) -> list[Problem]:
    return [Problem(**p) for p in json.loads(batch.problems or "[]")]


def apply(
    *,
    acting: Membership,
    batch: ImportBatch,
    only_if_all_valid: bool = False,
    progress: ProgressFn | None = None,
) -> int:
    """Import every valid row (checked again now), all in one transaction; returns the count.

    With `only_if_all_valid`, a batch with any problem imports nothing.
    """
    expect_quiet(progress, APPLY_SECONDS_PER_ROW * batch.row_count, _("Importing the rows"))
    with transaction.atomic():
        # The row lock makes a second click (or a second job) wait, then find it applied.
        locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        _require(locked, BatchState.CHECKED)
        result = dry_run(acting=acting, batch=batch, progress=progress)  # the bar runs twice
        if only_if_all_valid and result.problems:
            return 0
        created = applying.write(batch=batch, result=result, acting=acting, progress=progress)
        batch.created_count = created
        batch.state = BatchState.APPLIED
        batch.applied_at = timezone.now()
        batch.content = ""  # the import is done; the uploaded file is not kept
        batch.save(update_fields=["created_count", "state", "applied_at", "content"])
        record_member_action(
            acting=acting,
            action=Action.UPDATE,
            target=Target.of(batch),
            changed_fields=["state"],
        )
    return created


def discard(*, acting: Membership, batch: ImportBatch) -> None:
    _require(batch, BatchState.UPLOADED, BatchState.MAPPED, BatchState.CHECKED)
    with transaction.atomic():
        batch.content = ""
        batch.problems = ""
        batch.error_csv = ""
        batch.state = BatchState.DISCARDED
        batch.save(update_fields=["content", "problems", "error_csv", "state"])
        record_member_action(
            acting=acting, action=Action.UPDATE, target=Target.of(batch), changed_fields=["state"]
        )


class ErrorFile:
    """The rows that were not imported, as uploaded, with an `errors` column saying why; written
    as the check goes, through the one writer (so the column names are neutralised too)."""

    def __init__(self, headers: list[str]) -> None:
        self.width = len(headers)
        self.writer = CsvWriter([*headers, "errors"])

    def add(self, row: int, cells: list[Cell], problems: list[Problem]) -> None:
        # Cells past the named columns have no name to import under, so they are left out.
        values = [_cell(c) for c in cells[: self.width]]
        values += [""] * (self.width - len(values))
        messages = [(f"{p.column}: " if p.column else "") + p.message for p in problems]
        self.writer.row([*values, "; ".join(messages)])

    def text(self) -> str:
        return self.writer.text()


def error_file_content(batch: ImportBatch) -> bytes:
    """The kept error file as a person downloads it (with the byte-order mark Excel needs)."""
    return batch.error_csv.encode(CSV_ENCODING)


def _cell(cell: Cell) -> str:
    return cell.isoformat() if isinstance(cell, date | datetime) else text(cell)


def _require(batch: ImportBatch, *states: str) -> None:
    if batch.state not in states:
        raise NotReady(batch.state)
