"""Every CSV and XLSX Cairn writes goes through lib.spreadsheet, which neutralises each cell: a
new csv.writer or Workbook anywhere else fails here until it uses the writer (or is listed)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WRITER = Path("lib/spreadsheet.py")
# Files that write CSV for Cairn's own use, never for a person to open in a spreadsheet.
ALLOWED = {
    Path("imports/sample.py"): "generated files to import, for the tests and bench_import",
    Path("coaching/management/commands/train_conversation_model.py"): (
        "a temporary training corpus the trainer reads back at once"
    ),
    Path(
        "scripts/sample_for_second_labeller.py"
    ): "a corpus sample for a labeller, not a person's data",
}
SKIPPED = {"node_modules", ".venv", "var", "migrations", "tests", ".git"}
WRITES = re.compile(r"csv\.(writer|DictWriter)\(|\bWorkbook\(|xlsxwriter|\.writerows?\(")


def test_spreadsheets_are_written_only_by_the_one_writer() -> None:
    writers = []
    for path in ROOT.rglob("*.py"):
        relative = path.relative_to(ROOT)
        if SKIPPED & set(relative.parts) or relative == WRITER or relative in ALLOWED:
            continue
        if WRITES.search(path.read_text(encoding="utf-8")):
            writers.append(str(relative))
    assert not writers, f"write these through lib.spreadsheet (CsvWriter, write_xlsx): {writers}"


def test_the_allowed_exceptions_still_exist() -> None:
    assert (ROOT / WRITER).exists()
    assert all((ROOT / path).exists() for path in ALLOWED)
