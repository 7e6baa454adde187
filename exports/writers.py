"""The file formats: CSV (UTF-8 with a byte-order mark, RFC 4180) and XLSX (streamed), every
cell neutralised so a spreadsheet never runs it as a formula."""

import csv
import io
import re
import uuid
import zipfile
from collections.abc import Iterable, Sequence
from datetime import date, datetime, tzinfo
from typing import Any

from django.utils import timezone
from openpyxl import Workbook

from lib.spreadsheet import neutralise

# Excel opens a CSV without a byte-order mark in the machine's legacy code page, which garbles
# "José" or "Ñuñoa"; with the mark it reads UTF-8. Other tools (pandas, R, LibreOffice) skip it.
CSV_ENCODING = "utf-8-sig"


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
        return timezone.localtime(value, tz).isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | float):
        return value
    return neutralise(str(value))


def write_csv(
    header: Sequence[str], rows: Iterable[Sequence[Any]], *, tz: tzinfo | None = None
) -> bytes:
    """RFC 4180: comma-separated, CRLF line ends, fields with commas, quotes or line breaks
    quoted and inner quotes doubled (the csv module's defaults)."""
    zone = tz or timezone.get_current_timezone()
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise(h) for h in header])
    for row in rows:
        writer.writerow([cell(v, zone) for v in row])
    return buffer.getvalue().encode(CSV_ENCODING)


def write_xlsx(
    sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence[Any]]]],
    *,
    tz: tzinfo | None = None,
) -> bytes:
    """Sheets in order, each (title, header, rows); write-only mode keeps memory flat at scale."""
    zone = tz or timezone.get_current_timezone()
    book = Workbook(write_only=True)
    for title, header, rows in sheets:
        sheet = book.create_sheet(title=re.sub(r"[\\/*?:\[\]]", " -", title)[:31])
        if header:
            sheet.append([neutralise(h) for h in header])
        for row in rows:
            sheet.append([cell(v, zone) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def write_zip(files: Sequence[tuple[str, bytes]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in files:
            archive.writestr(name, content)
    return out.getvalue()
