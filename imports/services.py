"""The import flow's writes: upload, match columns, dry run, apply or set aside."""

import base64
import csv
import io
import json
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from audit.models import Action
from audit.services import Target, record_member_action
from imports import applying
from imports.checking import CheckResult, Problem, run_check, text
from imports.models import BatchState, ImportBatch
from imports.reading import Sheet, check_size, neutralise, read
from organizations.models import Membership

ProgressFn = Callable[[int, int], None]


class NotReady(Exception):
    """The batch is not at the step this action needs (e.g. already imported)."""


def check_upload_size(size: int) -> None:
    """Refuse an oversized file before reading it into memory."""
    check_size(size)


def upload(*, acting: Membership, kind: str, filename: str, raw: bytes) -> ImportBatch:
    """Read the file (raising UnreadableFile with a calm message) and keep it, encrypted."""
    sheet = read(raw, filename)
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
            row_count=len(sheet.rows),
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
    sheet = sheet_of(batch)
    result = run_check(batch=batch, sheet=sheet, acting=acting, progress=progress)
    batch.problems = json.dumps([p.__dict__ for p in result.problems])
    batch.error_csv = error_file(result.problems, sheet) if result.problems else ""
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


def error_file(problems: list[Problem], sheet: Sheet) -> str:
    """The rows that were not imported, as uploaded, with an `errors` column saying why."""
    by_row: dict[int, list[str]] = {}
    for problem in problems:
        where = f"{problem.column}: " if problem.column else ""
        by_row.setdefault(problem.row, []).append(where + problem.message)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([*sheet.headers, "errors"])
    for index, cells in enumerate(sheet.rows):
        messages = by_row.get(index + 2)
        if messages:
            writer.writerow([neutralise(_cell(c)) for c in cells] + ["; ".join(messages)])
    return out.getvalue()


def _cell(cell: Any) -> str:
    return cell.isoformat() if isinstance(cell, date | datetime) else text(cell)


def _require(batch: ImportBatch, *states: str) -> None:
    if batch.state not in states:
        raise NotReady(batch.state)
