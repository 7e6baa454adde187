"""The first sheet of an uploaded .xlsx: a fast pass that counts rows and measures the widest row
(stopping at the first limit broken), then openpyxl's own parsers for the values, over a zip that
holds every reader to the limits (imports.unzip).

Only what the values need is read: the list of sheets, the shared texts, and the styles (which
numbers are dates). Not the other sheets, charts, names or links a workbook may also carry.
"""

import contextlib
import io
from collections.abc import Iterator
from datetime import date, datetime

from openpyxl.reader.excel import ExcelReader
from openpyxl.styles.stylesheet import apply_stylesheet
from openpyxl.worksheet._reader import WorkSheetParser
from openpyxl.xml.constants import SHARED_STRINGS

from imports import limits
from imports.sheet_xml import Bounds, Enough
from imports.unzip import Archive, walk
from lib.spreadsheet import restore

Cell = str | date | datetime


class XlsxFile:
    """An opened workbook: parts checked, shared texts loaded within the limits, sheet not read."""

    def __init__(self, raw: bytes) -> None:
        self.archive = Archive(raw)
        # ExcelReader opens its own zip; it is swapped for the guarded one before anything is read.
        reader = ExcelReader(io.BytesIO(raw), read_only=True, data_only=True, keep_links=False)
        reader.archive = self.archive
        reader.valid_files = self.archive.namelist()
        try:
            reader.read_manifest()
            strings = reader.package.find(SHARED_STRINGS)
            self.archive.strings_part = strings.PartName[1:] if strings is not None else ""
            reader.read_strings()
            reader.read_workbook()
            apply_stylesheet(self.archive, reader.wb)
            self.path = next(
                rel.target
                for _sheet, rel in reader.parser.find_sheets()
                if rel.target in reader.valid_files and "chartsheet" not in rel.Type
            )
        except limits.UnreadableFile:
            raise
        except StopIteration as error:
            raise limits.no_headers() from error
        except Exception as error:  # openpyxl raises many kinds for a broken workbook
            raise limits.not_a_workbook() from error
        self.book, self.strings = reader.wb, reader.shared_strings

    def scan(self, stop_row: int | None = None) -> Bounds:
        scan = Bounds(stop_row=stop_row)
        with contextlib.suppress(Enough):
            walk(self.archive, self.path, scan)
        return scan

    def last_row(self) -> int:
        return self.scan().last_filled

    def records(self, stop_row: int | None = None) -> Iterator[tuple[int, list[Cell]]]:
        """(row number, cells) for each row up to the last holding a value (or `stop_row`)."""
        scan = self.scan(stop_row)
        if not scan.last_filled:
            return
        with self.archive.open(self.path) as source:
            parser = WorkSheetParser(
                source,
                self.strings,
                data_only=True,
                epoch=self.book.epoch,
                date_formats=self.book._date_formats,
                timedelta_formats=self.book._timedelta_formats,
            )
            try:
                for number, cells in parser.parse():
                    if number > scan.last_filled:
                        return
                    yield number, _row(cells, scan.width)
            except limits.UnreadableFile:
                raise
            except Exception as error:  # a value openpyxl cannot convert
                raise limits.not_a_workbook() from error


def _row(cells: list[dict[str, object]], width: int) -> list[Cell]:
    values: list[Cell] = [""] * width
    for found in cells:
        column = found["column"]
        if isinstance(column, int) and 0 < column <= width:
            values[column - 1] = _cell(found["value"])
    return trimmed(values)


def trimmed(cells: list[Cell]) -> list[Cell]:
    """Without the empty cells at the end (spreadsheets keep formatted but empty ones)."""
    end = len(cells)
    while end and cells[end - 1] == "":
        end -= 1
    return cells[:end] if end < len(cells) else cells


def _cell(value: object) -> Cell:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return restore(str(value))
