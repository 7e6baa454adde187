"""Reading an uploaded CSV or XLSX file into headers and rows, whatever its encoding or dialect."""

import codecs
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

from django.utils.translation import gettext as _

from lib.spreadsheet import neutralise, restore

__all__ = ["Sheet", "UnreadableFile", "neutralise", "read", "restore"]

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 200_000
XLSX_MAGIC = b"PK\x03\x04"

Cell = str | date | datetime


class UnreadableFile(Exception):
    """The file cannot be read as a spreadsheet; the message says why in plain words."""


@dataclass
class Sheet:
    headers: list[str]
    rows: list[list[Cell]]
    encoding: str = ""
    delimiter: str = ""
    notice: str = ""  # e.g. which encoding was assumed


def check_size(size: int) -> None:
    if size > MAX_BYTES:
        raise UnreadableFile(
            _(
                "This file is %(size)s MB; files up to %(limit)s MB can be imported. "
                "Split it into smaller files and import them one after another."
            )
            % {"size": f"{size / 1024 / 1024:.1f}", "limit": MAX_BYTES // 1024 // 1024}
        )


def read(raw: bytes, filename: str) -> Sheet:
    check_size(len(raw))
    if raw.startswith(XLSX_MAGIC) or filename.lower().endswith(".xlsx"):
        sheet = _read_xlsx(raw)
    else:
        sheet = _read_csv(raw)
    if len(sheet.rows) > MAX_ROWS:
        raise UnreadableFile(
            _(
                "This file has %(rows)s rows; up to %(limit)s rows can be imported at once. "
                "Split it into smaller files."
            )
            % {"rows": f"{len(sheet.rows):,}", "limit": f"{MAX_ROWS:,}"}
        )
    if not any(sheet.headers):
        raise UnreadableFile(_("The first row should hold the column names, and it is empty."))
    return sheet


def decode(raw: bytes) -> tuple[str, str, str]:
    """(text, encoding, notice). UTF-8 (with or without BOM) when it fits, else Windows-1252."""
    if raw.startswith(codecs.BOM_UTF8):
        return raw[len(codecs.BOM_UTF8) :].decode("utf-8"), "utf-8-sig", ""
    try:
        return raw.decode("utf-8"), "utf-8", ""
    except UnicodeDecodeError:
        pass
    try:
        text = raw.decode("cp1252")
        encoding = "cp1252"
    except UnicodeDecodeError:
        text, encoding = raw.decode("latin-1"), "latin-1"
    notice = _(
        "This file is not UTF-8, so it was read as Windows Western (%(encoding)s). "
        "If accented letters look wrong below, save it as 'CSV UTF-8' and upload it again."
    ) % {"encoding": encoding}
    return text, encoding, notice


def sniff_delimiter(text: str) -> str:
    sample = text[: 64 * 1024]
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
    except csv.Error:
        # The Sniffer gives up on some files (one column, many quotes): count on the header line.
        first = sample.split("\n", 1)[0]
        counts = {d: first.count(d) for d in (",", ";", "\t")}
        best = max(counts, key=lambda d: counts[d])
        return best if counts[best] else ","


def _read_csv(raw: bytes) -> Sheet:
    text, encoding, notice = decode(raw)
    delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        records = [[restore(cell) for cell in row] for row in reader]
    except csv.Error as error:
        raise UnreadableFile(
            _("The file could not be read as CSV (%(error)s).") % {"error": error}
        ) from error
    while records and not any(cell.strip() for cell in records[-1]):
        records.pop()
    if not records:
        raise UnreadableFile(_("The file is empty."))
    headers = [h.strip() for h in records[0]]
    return Sheet(headers, list(records[1:]), encoding, delimiter, notice)


def _read_xlsx(raw: bytes) -> Sheet:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as error:
        raise UnreadableFile(
            _("The file could not be opened as an Excel workbook (.xlsx).")
        ) from error
    try:
        rows = _xlsx_rows(book.worksheets[0].iter_rows(values_only=True))
        records = list(rows)
        while records and not any(str(c).strip() for c in records[-1]):
            records.pop()  # read-only sheets often report formatted but empty rows at the end
    finally:
        book.close()
    if not records:
        raise UnreadableFile(_("The first sheet of the workbook is empty."))
    headers = [str(h).strip() for h in records[0]]
    return Sheet(headers, records[1:], "xlsx", "")


def _xlsx_rows(rows: Iterator[tuple[object, ...]]) -> Iterator[list[Cell]]:
    for row in rows:
        yield [_cell(value) for value in row]


def _cell(value: object) -> Cell:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return restore(str(value))
