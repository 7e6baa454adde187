"""Reading an uploaded CSV or XLSX file: its column names, then its rows one at a time, every
limit in imports.limits checked as the file is read, whatever its encoding or dialect."""

import codecs
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from django.utils.translation import gettext as _

from imports import limits
from imports.limits import UnreadableFile
from imports.workbook import Cell, XlsxFile, trimmed
from lib.spreadsheet import neutralise, restore

__all__ = ["Cell", "Sheet", "UnreadableFile", "check_size", "neutralise", "read", "restore"]

XLSX_MAGIC = b"PK\x03\x04"
FIRST_DATA_ROW = 2  # row 1 holds the column names, as a spreadsheet numbers them
SNIFF_CHARS = 64 * 1024
DECODE_CHUNK = 1024 * 1024
# Byte-order marks, longest first: the UTF-32 little-endian mark starts like the UTF-16 one.
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


class Source(Protocol):
    def records(self, stop_row: int | None = None) -> Iterator[tuple[int, list[Cell]]]:
        """(row number, cells without the empty ones at the end), from row 1, limits checked."""
        ...

    def last_row(self) -> int:
        """The number of the last row holding something (0 for none), reading the whole file."""
        ...


@dataclass
class Sheet:
    headers: list[str]
    source: Source
    encoding: str = ""
    delimiter: str = ""
    notice: str = ""  # e.g. which encoding was assumed

    def rows(self) -> Iterator[list[Cell]]:
        """The data rows in order. An empty row is given only when a filled one follows, so the
        empty rows a spreadsheet keeps at the end are not counted as rows."""
        expected = FIRST_DATA_ROW
        for number, cells in self.source.records():
            if number < FIRST_DATA_ROW or not cells:
                continue
            for _gap in range(expected, number):
                yield []
            yield cells
            expected = number + 1

    def count_rows(self) -> int:
        return max(self.source.last_row() - 1, 0)

    def sample(self) -> list[list[str]]:
        """The first few filled rows, one cell per column name, each cut short for the page."""
        width = len(self.headers)
        rows = []
        for number, cells in self.source.records(stop_row=limits.SAMPLE_ROWS + 1):
            if number >= FIRST_DATA_ROW and cells:
                row = [_short(cell) for cell in cells[:width]]
                rows.append(row + [""] * (width - len(row)))
        return rows


def check_size(size: int) -> None:
    if size > limits.MAX_BYTES:
        raise limits.too_large(size)


def read(raw: bytes, filename: str) -> Sheet:
    """Open the file and read its column names; the rows are read when asked for."""
    check_size(len(raw))
    source: Source
    if raw.startswith(XLSX_MAGIC) or filename.lower().endswith(".xlsx"):
        source, encoding, delimiter, notice = XlsxFile(raw), "xlsx", "", ""
    else:
        csv_source = CsvSource(raw)
        source, encoding = csv_source, csv_source.label
        delimiter, notice = csv_source.delimiter, csv_source.notice
    first = next(source.records(stop_row=1), None)
    if first is None or first[0] != 1 or not any(_text(c) for c in first[1]):
        raise limits.no_headers()
    headers = [_text(cell)[: limits.MAX_HEADER_CHARS] for cell in first[1]]
    return Sheet(headers, source, encoding, delimiter, notice)


class CsvSource:
    """A delimited text file read record by record, never whole."""

    def __init__(self, raw: bytes) -> None:
        self.raw = raw
        self.codec, self.start, self.label, self.notice = detect_encoding(raw)
        try:
            sample = self._text().read(SNIFF_CHARS)
        except UnicodeDecodeError as error:
            raise _undecodable(self.label) from error
        self.delimiter = sniff_delimiter(sample)

    def _text(self) -> io.TextIOWrapper:
        buffer = io.BytesIO(self.raw)
        buffer.seek(self.start)
        return io.TextIOWrapper(buffer, encoding=self.codec, newline="")

    def records(self, stop_row: int | None = None) -> Iterator[tuple[int, list[Cell]]]:
        lines = _Lines(self._text())
        reader = csv.reader(lines, delimiter=self.delimiter)
        number = 0
        try:
            for row in reader:
                number += 1
                lines.next_record(number + 1)
                cells: list[Cell] = trimmed([restore(cell) for cell in row])
                _check(number, cells)
                yield number, cells
                if stop_row is not None and number >= stop_row:
                    return
        except csv.Error as error:
            raise _csv_error(error, lines.record) from error
        except UnicodeDecodeError as error:
            raise _undecodable(self.label) from error

    def last_row(self) -> int:
        last = 0
        for number, cells in self.records():
            if cells:
                last = number
        return last


class _Lines:
    """The file's lines for the csv reader; one record (a quoted line break joins lines) may not
    be longer than a row may be, so no row is ever held whole before it is measured."""

    def __init__(self, stream: io.TextIOWrapper) -> None:
        self.stream, self.chars, self.record = stream, 0, 1

    def __iter__(self) -> "_Lines":
        return self

    def __next__(self) -> str:
        line = self.stream.readline(limits.MAX_ROW_CHARS + 1)
        if not line:
            raise StopIteration
        self.chars += len(line)
        if self.chars > limits.MAX_ROW_CHARS:
            raise limits.row_too_long(self.record)
        return line

    def next_record(self, number: int) -> None:
        self.chars, self.record = 0, number


def _check(number: int, cells: list[Cell]) -> None:
    if len(cells) > limits.MAX_COLUMNS:
        raise limits.too_many_columns(number, len(cells))
    for cell in cells:
        if len(cell) > limits.MAX_CELL_CHARS:  # type: ignore[arg-type]
            raise limits.cell_too_long(number)
    # Empty rows are not counted, but not read without end either.
    if number > limits.MAX_ROWS + 1 and (cells or number > 2 * limits.MAX_ROWS + 1):
        raise limits.too_many_rows()


def _csv_error(error: csv.Error, record: int) -> UnreadableFile:
    message = str(error)
    if "field larger than field limit" in message:
        return limits.cell_too_long(record)
    return UnreadableFile(_("The file could not be read as CSV (%(error)s).") % {"error": error})


def detect_encoding(raw: bytes) -> tuple[str, int, str, str]:
    """(codec, bytes to skip, label to keep, notice). A byte-order mark decides (UTF-8, UTF-16 or
    UTF-32, as Excel's "Unicode text" is); without one, UTF-8 when it fits, else Windows-1252."""
    for bom, codec in BOMS:
        if raw.startswith(bom):
            return codec, len(bom), "utf-8-sig" if codec == "utf-8" else codec, ""
    if b"\x00" in raw[:SNIFF_CHARS]:
        codec = _utf16_without_mark(raw[:SNIFF_CHARS])
        notice = _(
            "This file does not say how its text is written; it looks like Unicode text "
            "(UTF-16), so it was read that way. If the names below look wrong, save it as "
            "'CSV UTF-8' and upload it again."
        )
        return codec, 0, codec, notice
    if _decodes(raw, "utf-8"):
        return "utf-8", 0, "utf-8", ""
    codec = "cp1252" if _decodes(raw, "cp1252") else "latin-1"
    notice = _(
        "This file is not UTF-8, so it was read as Windows Western (%(encoding)s). "
        "If accented letters look wrong below, save it as 'CSV UTF-8' and upload it again."
    ) % {"encoding": codec}
    return codec, 0, codec, notice


def _utf16_without_mark(sample: bytes) -> str:
    """Text never holds NUL characters, but UTF-16 text of Latin letters has one in every other
    byte: on the odd bytes for little-endian, the even ones for big-endian."""
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    pairs = max(len(sample) // 2, 1)
    if odd > pairs * 0.3 and even < odd / 10:
        return "utf-16-le"
    if even > pairs * 0.3 and odd < even / 10:
        return "utf-16-be"
    raise UnreadableFile(
        _(
            "This file holds empty (NUL) characters, which a CSV file does not have: it may be a "
            "spreadsheet in another format. Save it as 'CSV UTF-8' and upload it again."
        )
    )


def _decodes(raw: bytes, codec: str) -> bool:
    """Whether all of `raw` decodes, a piece at a time (the text itself is not kept)."""
    decoder = codecs.getincrementaldecoder(codec)()
    view = memoryview(raw)
    try:
        for at in range(0, len(view), DECODE_CHUNK):
            decoder.decode(view[at : at + DECODE_CHUNK])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _undecodable(label: str) -> UnreadableFile:
    return UnreadableFile(
        _(
            "This file is marked as %(encoding)s text, but part of it cannot be read that way. "
            "Save it again as 'CSV UTF-8' and upload it."
        )
        % {"encoding": label.upper()}
    )


def sniff_delimiter(text: str) -> str:
    try:
        return csv.Sniffer().sniff(text, delimiters=",;\t").delimiter
    except csv.Error:
        # The Sniffer gives up on some files (one column, many quotes): count on the header line.
        first = text.split("\n", 1)[0]
        counts = {d: first.count(d) for d in (",", ";", "\t")}
        best = max(counts, key=lambda d: counts[d])
        return best if counts[best] else ","


def _text(cell: Cell) -> str:
    return cell.isoformat() if isinstance(cell, date | datetime) else str(cell).strip()


def _short(cell: Cell) -> str:
    text = _text(cell)
    return text if len(text) <= limits.SAMPLE_CHARS else text[: limits.SAMPLE_CHARS - 1] + "…"
