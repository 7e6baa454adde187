"""How big an uploaded spreadsheet may be, in one place, and the calm refusal for each limit.

Every limit is checked while the file is read, before the work it would cost is done: a file that
breaks one is refused at the first row, cell or zip entry that does, never after reading it all.
The figures bound what one upload can take from the server (memory and time), so they are fixed
here rather than left to configuration; a program with more data imports it in several files.
"""

from django.utils.translation import gettext as _

# The file as uploaded.
MAX_BYTES = 20 * 1024 * 1024
# Rows of data under the header row. Counted as they are read; reading stops at the first one over.
MAX_ROWS = 200_000
# Columns, measured on the widest row (a single value far to the right counts), not the header.
MAX_COLUMNS = 200
# Characters in one cell. Excel's own limit, so every workbook Excel wrote fits.
MAX_CELL_CHARS = 32_767
# Characters in one CSV row as written in the file (quotes and delimiters included).
MAX_ROW_CHARS = 1_000_000
# An .xlsx is a zip: the sum of its parts once unpacked, and how many parts it may have.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_ZIP_ENTRIES = 1_000
# Distinct texts in a workbook's shared-string table (Excel keeps each text there once).
MAX_SHARED_STRINGS = 1_000_000
# Column names longer than this are shortened to it (survey exports use whole questions as names).
MAX_HEADER_CHARS = 200

# What one piece of a workbook's XML may hold, so no parser ever holds more than this at once:
# a row (cells with their values and formatting; its size in bytes is bounded by MAX_ROW_CHARS),
# any other block of a sheet (merged cells, links, formatting rules) and how many such blocks,
# and a part read whole (styles, the workbook's list of sheets).
MAX_ROW_ELEMENTS = 50_000
MAX_BLOCKS = 10_000
MAX_BLOCK_ELEMENTS = 250_000
MAX_BLOCK_CHARS = 32 * 1024 * 1024
MAX_PART_BYTES = 8 * 1024 * 1024

# How many cells of each column the column-matching page shows, and how much of each.
SAMPLE_ROWS = 5
SAMPLE_CHARS = 80


class UnreadableFile(Exception):
    """The file cannot be read as a spreadsheet; the message says why in plain words."""


def _count(number: int) -> str:
    return f"{number:,}"


def too_large(size: int) -> UnreadableFile:
    return UnreadableFile(
        _(
            "This file is %(size)s MB; files up to %(limit)s MB can be imported. "
            "Split it into smaller files and import them one after another."
        )
        % {"size": f"{size / 1024 / 1024:.1f}", "limit": MAX_BYTES // 1024 // 1024}
    )


def too_many_rows() -> UnreadableFile:
    return UnreadableFile(
        _(
            "This file has more than %(limit)s rows; up to %(limit)s rows can be imported at "
            "once. Split it into smaller files."
        )
        % {"limit": _count(MAX_ROWS)}
    )


def too_many_columns(row: int, columns: int) -> UnreadableFile:
    return UnreadableFile(
        _(
            "Row %(row)s reaches column %(columns)s; files with up to %(limit)s columns can be "
            "imported. Remove the columns Cairn does not need (or anything typed far to the "
            "right) and upload it again."
        )
        % {"row": _count(row), "columns": _count(columns), "limit": _count(MAX_COLUMNS)}
    )


def cell_too_long(row: int) -> UnreadableFile:
    return UnreadableFile(
        _(
            "A cell on row %(row)s holds more than %(limit)s characters, the most one cell can "
            "hold here. Shorten it and upload the file again."
        )
        % {"row": _count(row), "limit": _count(MAX_CELL_CHARS)}
    )


def row_too_long(row: int) -> UnreadableFile:
    return UnreadableFile(
        _(
            "Row %(row)s is longer than %(limit)s characters, the most one row can hold here. "
            "Check that the file is a spreadsheet saved as CSV."
        )
        % {"row": _count(row), "limit": _count(MAX_ROW_CHARS)}
    )


def unpacks_too_large() -> UnreadableFile:
    return UnreadableFile(
        _(
            "This workbook unpacks to more than %(limit)s MB, more than can be imported at once. "
            "Split it into smaller files, or save it as CSV and upload that."
        )
        % {"limit": MAX_UNPACKED_BYTES // 1024 // 1024}
    )


def too_many_texts() -> UnreadableFile:
    return UnreadableFile(
        _(
            "This workbook holds more than %(limit)s different texts, more than can be imported "
            "at once. Split it into smaller files."
        )
        % {"limit": _count(MAX_SHARED_STRINGS)}
    )


def text_too_long() -> UnreadableFile:
    return UnreadableFile(
        _(
            "This workbook holds a text longer than %(limit)s characters, the most one cell can "
            "hold here. Shorten it and upload the file again."
        )
        % {"limit": _count(MAX_CELL_CHARS)}
    )


def empty_file() -> UnreadableFile:
    return UnreadableFile(_("The file is empty."))


def no_headers() -> UnreadableFile:
    return UnreadableFile(_("The first row should hold the column names, and it is empty."))


def not_a_workbook() -> UnreadableFile:
    return UnreadableFile(_("The file could not be opened as an Excel workbook (.xlsx)."))


def workbook_too_complex() -> UnreadableFile:
    return UnreadableFile(
        _(
            "Part of this workbook (its formatting, links or a row's cells) is larger than Cairn "
            "reads, so it was not read. Save it as CSV and upload that instead."
        )
    )
