"""What one XML part of a workbook may hold, checked event by event as it streams through expat.

A streaming parser still builds each "block" whole before it can let go of it: a child of the
root (a shared text, or a sheet's merged cells) or a row of a sheet's data; and it keeps each
finished child, emptied, until the parent ends. So blocks are bounded in size and parents in
children. In a sheet's data, rows, columns and cell lengths are checked against the import
limits too, so a pass over a sheet counts its rows and measures its widest row as it goes.
"""

from typing import Any

from imports import limits

EXCEL_COLUMNS = 16_384  # column XFD, the last one Excel has


class Enough(Exception):
    """The pass has seen the rows it was asked for."""


class Bounds:
    def __init__(self, *, strings: bool = False, stop_row: int | None = None) -> None:
        self.strings = strings  # the shared-string table: each text is a block
        self.stop_row = stop_row
        self.parser: Any = None  # the expat parser, for the byte position of each event
        self.events = self.depth = self.blocks = self.rows = 0
        self.in_data = False
        self.block_depth = self.block_start = self.block_elements = 0
        self.max_bytes = self.max_elements = 0
        # In a sheet's data:
        self.row = self.column = self.cell_chars = self.value_depth = 0
        self.row_filled = False
        self.last_filled = 0  # the number of the last row holding a value
        self.width = 0  # the rightmost column holding a value, on any row

    def start(self, name: str, attrs: dict[str, str]) -> None:
        self.events += 1
        depth = self.depth = self.depth + 1
        if self.block_depth:
            self.block_elements += 1
            if self.block_elements > self.max_elements:
                raise self._too_large()
            self._check_bytes()
            if self.in_data:
                self._start_in_row(depth, name, attrs)
            return
        local = name[name.find(":") + 1 :]
        if depth == 2:
            self.blocks += 1
            if self.strings:
                if self.blocks > limits.MAX_SHARED_STRINGS:
                    raise limits.too_many_texts()
                self._open_block(limits.MAX_ROW_ELEMENTS, limits.MAX_ROW_CHARS)
            elif self.blocks > limits.MAX_BLOCKS:
                raise limits.workbook_too_complex()
            elif local == "sheetData":
                self.in_data = True
            else:
                self._open_block(limits.MAX_BLOCK_ELEMENTS, limits.MAX_BLOCK_CHARS)
        elif depth == 3 and self.in_data:
            # Empty rows are not counted as rows, but not read without end either.
            self.rows += 1
            if self.rows > 2 * limits.MAX_ROWS + 1:
                raise limits.too_many_rows()
            number = attrs.get("r", "")
            self.row = int(number) if number.isdigit() else self.row + 1
            if self.stop_row is not None and self.row > self.stop_row:
                raise Enough
            self.column, self.row_filled = 0, False
            self._open_block(limits.MAX_ROW_ELEMENTS, limits.MAX_ROW_CHARS)

    def _start_in_row(self, depth: int, name: str, attrs: dict[str, str]) -> None:
        local = name[name.find(":") + 1 :]
        if depth == 4 and local == "c":
            self.column = column_number(attrs.get("r", "")) or self.column + 1
            if self.column > EXCEL_COLUMNS:
                raise limits.too_many_columns(self.row, self.column)
            self.cell_chars = 0
        elif depth >= 5 and not self.value_depth and local in ("v", "t"):
            self.value_depth = depth

    def text(self, data: str) -> None:
        self.events += 1
        if not self.block_depth:
            return
        self._check_bytes()
        if self.strings:
            self.cell_chars += len(data)
            if self.cell_chars > limits.MAX_CELL_CHARS:
                raise limits.text_too_long()
        elif self.value_depth:
            self.cell_chars += len(data)
            if self.cell_chars > limits.MAX_CELL_CHARS:
                raise limits.cell_too_long(self.row)

    def end(self, name: str) -> None:
        self.events += 1
        depth = self.depth
        self.depth -= 1
        if depth == self.value_depth:
            self.value_depth = 0
        elif self.in_data and depth == 4 and self.cell_chars:
            if self.column > limits.MAX_COLUMNS:
                raise limits.too_many_columns(self.row, self.column)
            self.width = max(self.width, self.column)
            self.row_filled = True
        elif self.in_data and depth == 3 and self.row_filled:
            if self.row > limits.MAX_ROWS + 1:
                raise limits.too_many_rows()
            self.last_filled = self.row
        elif self.in_data and depth == 2:
            self.in_data = False
        if depth == self.block_depth:
            self._check_bytes()
            self.block_depth = 0

    def _open_block(self, elements: int, size: int) -> None:
        self.block_depth, self.block_elements, self.cell_chars = self.depth, 1, 0
        self.block_start = self.parser.CurrentByteIndex
        self.max_elements, self.max_bytes = elements, size

    def _check_bytes(self) -> None:
        if self.parser.CurrentByteIndex - self.block_start > self.max_bytes:
            raise self._too_large()

    def _too_large(self) -> limits.UnreadableFile:
        if self.in_data:
            return limits.row_too_long(self.row)
        return limits.text_too_long() if self.strings else limits.workbook_too_complex()


def column_number(reference: str) -> int:
    """ "XFD12" → 16384; 0 when the reference has no column letters."""
    number = 0
    for char in reference:
        if not "A" <= char <= "Z":
            break
        number = number * 26 + ord(char) - 64
        if number > EXCEL_COLUMNS:
            break
    return number
