"""Every CSV and XLSX Cairn writes goes through here, so no cell can run as a formula: text that
starts like a formula is neutralised on the way out (headers too) and restored on import."""

import csv
import io
import re
import uuid
from collections.abc import Iterable, Sequence
from datetime import date, datetime, tzinfo
from typing import Any

from django.http import HttpResponse
from django.utils import timezone

# A spreadsheet treats a cell starting with one of these as a formula (or, for tab and carriage
# return, lets a following character start one). OWASP's CSV-injection advice: prefix a quote.
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"
_STARTS = frozenset(TRIGGERS)

# Excel opens a CSV without a byte-order mark in the machine's legacy code page, which garbles
# "José" or "Ñuñoa"; with the mark it reads UTF-8. Other tools (pandas, R, LibreOffice) skip it.
CSV_ENCODING = "utf-8-sig"
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralise(value: Any) -> Any:
    """A text cell that could start a formula gets one leading quote; other values are unchanged.

    Numbers stay numbers (a negative number is not text and cannot carry a formula), so only
    strings are touched: "-2" as text becomes "'-2", -2 as an int stays -2.
    """
    if isinstance(value, str) and value[:1] in _STARTS:
        return QUOTE + value
    return value


def restore(value: Any) -> Any:
    """Undo `neutralise` exactly: strip one leading quote only when what follows is a trigger, so
    a round trip is lossless and a cell the person typed as "'hello" keeps its quote."""
    if isinstance(value, str) and value.startswith(QUOTE) and value[1:].startswith(TRIGGERS):
        return value[1:]
    return value


def cell(value: Any, tz: tzinfo) -> Any:
    """One value as it goes into a file: ISO dates, text ids, numbers kept, text neutralised."""
    # Checked by exact type, commonest first: this runs for every cell of every export.
    kind = type(value)
    if kind is str:
        return neutralise(value)
    if value is None:
        return ""
    if kind is int or kind is float:
        return value
    if kind is bool:
        return "yes" if value else "no"
    if kind is uuid.UUID:
        return str(value)
    if isinstance(value, datetime):
        if timezone.is_naive(value):
            return value.isoformat(timespec="seconds")
        return timezone.localtime(value, tz).isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | float):
        return value
    return neutralise(str(value))


class CsvWriter:
    """A CSV built row by row. RFC 4180: comma-separated, CRLF line ends, fields with commas,
    quotes or line breaks quoted and inner quotes doubled (the csv module's defaults)."""

    def __init__(self, header: Sequence[Any] = (), *, tz: tzinfo | None = None) -> None:
        self._zone = tz or timezone.get_current_timezone()
        self._buffer = io.StringIO()
        self._writer = csv.writer(self._buffer, lineterminator="\r\n")
        if header:
            self.row(header)

    def row(self, values: Sequence[Any]) -> None:
        zone = self._zone
        self._writer.writerow([cell(v, zone) for v in values])

    def rows(self, rows: Iterable[Sequence[Any]]) -> None:
        for values in rows:
            self.row(values)

    def text(self) -> str:
        """Without the byte-order mark, for keeping; `content` is what a person downloads."""
        return self._buffer.getvalue()

    def content(self) -> bytes:
        return self.text().encode(CSV_ENCODING)


def write_csv(
    header: Sequence[Any], rows: Iterable[Sequence[Any]], *, tz: tzinfo | None = None
) -> bytes:
    writer = CsvWriter(header, tz=tz)
    writer.rows(rows)
    return writer.content()


def csv_response(filename: str, content: bytes) -> HttpResponse:
    """A CSV download, already written by this module."""
    response = HttpResponse(content, content_type=CSV_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def write_xlsx(
    sheets: Sequence[tuple[str, Sequence[Any], Iterable[Sequence[Any]]]],
    *,
    tz: tzinfo | None = None,
) -> bytes:
    """Sheets in order, each (title, header, rows); write-only mode keeps memory flat at scale."""
    from openpyxl import Workbook

    zone = tz or timezone.get_current_timezone()
    book = Workbook(write_only=True)
    for title, header, rows in sheets:
        sheet = book.create_sheet(title=re.sub(r"[\\/*?:\[\]]", " -", title)[:31])
        if header:
            sheet.append([cell(h, zone) for h in header])
        for row in rows:
            sheet.append([cell(v, zone) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
