"""Each upload limit holds while the file is read, with a calm refusal that names it."""

import io
import struct
import zipfile
from collections.abc import Callable

import pytest

from imports import limits, reading
from imports.limits import UnreadableFile
from imports.reading import read
from imports.tests.hostile import measured, refusal, text_row, workbook

HEADER = text_row(1, "preferred_name", "phone")


def _whole(raw: bytes, name: str = "people.xlsx") -> int:
    """Open the file and read all of it, as an upload does; the number of data rows."""
    return read(raw, name).count_rows()


def test_a_workbook_that_unpacks_past_the_limit_is_refused_before_it_is_unpacked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(limits, "MAX_UNPACKED_BYTES", 2 * 1024 * 1024)
    rows = (text_row(n, "Ana", "617") for n in range(2, 40_000))  # 3 MB of XML
    raw = workbook([HEADER, *rows])
    cost = measured(lambda: refusal(lambda: _whole(raw)))
    assert "unpacks to more than 2 MB" in cost.outcome
    assert cost.seconds < 1  # the zip's directory is read, nothing is unpacked


def test_a_workbook_whose_zip_understates_a_part_is_refused() -> None:
    raw = bytearray(workbook([HEADER, *(text_row(n, "Ana", "617") for n in range(2, 2_000))]))
    # The central directory's "uncompressed size" of the sheet, made smaller than the truth.
    entry = raw.index(b"PK\x01\x02", raw.index(b"PK\x01\x02") + 1)
    while not raw[entry + 46 :].startswith(b"xl/worksheets/sheet1.xml"):
        entry = raw.index(b"PK\x01\x02", entry + 1)
    struct.pack_into("<I", raw, entry + 24, 5_000)
    with pytest.raises(UnreadableFile, match="could not be opened as an Excel workbook"):
        _whole(bytes(raw))


def test_a_doctype_with_entities_is_refused_without_expanding_them() -> None:
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    )
    raw = workbook([HEADER], [b"<t>&b;</t>"])
    out = io.BytesIO()  # the same workbook, its shared-string table opening with the DTD
    with zipfile.ZipFile(io.BytesIO(raw)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/sharedStrings.xml":
                data = laughs + data[data.index(b"<sst") :]
            target.writestr(info, data)
    with pytest.raises(UnreadableFile, match="could not be opened as an Excel workbook"):
        _whole(out.getvalue())


def test_a_tag_longer_than_a_row_may_be_is_refused_before_it_is_buffered() -> None:
    giant = b'<row r="2" x="' + b"z" * (2 * 1024 * 1024) + b'"><c r="A2"><v>1</v></c></row>'
    cost = measured(lambda: refusal(lambda: _whole(workbook([HEADER, giant]))))
    assert "larger than Cairn reads" in cost.outcome
    assert cost.peak_mb < 20


def test_a_row_of_cells_without_positions_past_column_xfd_is_refused() -> None:
    endless = b'<row r="2">' + b"<c><v>1</v></c>" * 20_000 + b"</row>"
    with pytest.raises(UnreadableFile, match="Row 2 reaches column 201"):
        _whole(workbook([HEADER, endless]))


def test_a_cell_longer_than_excel_allows_is_refused_in_a_workbook_and_in_a_csv() -> None:
    long_row = text_row(2, "a" * 40_000)
    with pytest.raises(UnreadableFile, match="A cell on row 2 holds more than 32,767"):
        _whole(workbook([HEADER, long_row]))
    with pytest.raises(UnreadableFile, match="A cell on row 3 holds more than 32,767"):
        _whole(b"name\nAna\n" + b"b" * 40_000 + b"\n", "people.csv")
    with pytest.raises(UnreadableFile, match="A cell on row 2 holds more than 32,767"):
        _whole(b'name\n"' + b"c" * 200_000 + b'"\n', "people.csv")  # past csv's own limit


def test_a_csv_line_without_end_is_refused_before_it_is_held_whole() -> None:
    raw = b"name,phone\n" + b"d" * (15 * 1024 * 1024)
    cost = measured(lambda: refusal(lambda: _whole(raw, "people.csv")))
    assert "Row 2 is longer than 1,000,000 characters" in cost.outcome
    assert cost.peak_mb < 30  # the file itself is not copied, nor its text decoded whole


def test_csv_rows_are_counted_as_they_are_read_and_reading_stops_at_the_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    lines_read = {"count": 0}
    original: Callable[[reading._Lines], str] = reading._Lines.__next__

    def counting(lines: reading._Lines) -> str:
        lines_read["count"] += 1
        return original(lines)

    monkeypatch.setattr(reading._Lines, "__next__", counting)
    raw = b"name\r\n" + b"Ana\r\n" * 1_000_000
    cost = measured(lambda: refusal(lambda: _whole(raw, "people.csv")))
    assert "more than 200,000 rows" in cost.outcome
    # The header when the file is opened; then the header, the rows allowed and the one too many.
    assert lines_read["count"] == 1 + 200_002
    assert cost.peak_mb < 30


def test_blank_lines_are_not_rows_but_are_not_read_without_end() -> None:
    assert _whole(b"name\r\nAna\r\n" + b"\r\n" * 1_000, "people.csv") == 1
    with pytest.raises(UnreadableFile, match="more than 200,000 rows"):
        _whole(b"name\r\nAna\r\n" + b"\r\n" * 500_000, "people.csv")


def test_an_empty_first_row_is_named_as_the_problem() -> None:
    with pytest.raises(UnreadableFile, match="first row should hold the column names"):
        _whole(b"\r\nAna\r\n", "people.csv")
    with pytest.raises(UnreadableFile, match="first row should hold the column names"):
        _whole(workbook([text_row(2, "Ana")]))
