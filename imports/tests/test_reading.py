"""Files as they arrive from real spreadsheets: encodings, delimiters, quotes, formulas, Excel."""

import io

import pytest
from openpyxl import Workbook

from imports.limits import MAX_BYTES
from imports.reading import UnreadableFile, neutralise, read, restore


def test_utf8_with_a_byte_order_mark_reads_the_first_header_cleanly() -> None:
    sheet = read("\ufeffpreferred_name,phone\r\nJosé,617-555-0100\r\n".encode(), "a.csv")
    assert sheet.headers == ["preferred_name", "phone"]
    assert list(sheet.rows()) == [["José", "617-555-0100"]]
    assert sheet.notice == ""


def test_semicolons_and_tabs_are_recognised_as_delimiters() -> None:
    assert list(read(b"name;phone\nAna;1\n", "a.csv").rows()) == [["Ana", "1"]]
    assert read(b"name\tphone\nAna\t1\n", "a.tsv").delimiter == "\t"


def test_a_windows_file_is_read_as_cp1252_and_the_page_says_so() -> None:
    sheet = read("name,city\nRenée,Montréal\n".encode("cp1252"), "a.csv")
    assert list(sheet.rows()) == [["Renée", "Montréal"]]
    assert sheet.encoding == "cp1252"
    assert "not UTF-8" in sheet.notice


def test_quoted_newlines_stay_inside_one_cell() -> None:
    sheet = read(b'name,note\n"Ana","line one\nline two"\nBen,x\n', "a.csv")
    assert list(sheet.rows()) == [["Ana", "line one\nline two"], ["Ben", "x"]]


def test_neutralised_formula_cells_are_restored_exactly_once() -> None:
    sheet = read(b"a,b,c,d\n'=1+2,'+1 617,'@x,'plain\n", "a.csv")
    assert list(sheet.rows()) == [["=1+2", "+1 617", "@x", "'plain"]]
    for value in ["=SUM(A1)", "-3", "+1", "@me", "'quoted", "plain"]:
        assert restore(neutralise(value)) == value


def test_xlsx_cells_come_through_with_dates_as_dates() -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["preferred_name", "date_of_birth", "count"])
    from datetime import datetime

    sheet.append(["Ana", datetime(1990, 3, 4), 3.0])  # noqa: DTZ001 - a spreadsheet cell has no zone
    buffer = io.BytesIO()
    book.save(buffer)
    read_back = read(buffer.getvalue(), "people.xlsx")
    assert read_back.headers == ["preferred_name", "date_of_birth", "count"]
    first = next(read_back.rows())
    assert first[0] == "Ana"
    assert first[1] == datetime(1990, 3, 4)  # noqa: DTZ001 - a spreadsheet cell has no zone
    assert first[2] == "3"


def test_a_file_over_the_size_limit_is_refused_with_the_limit_in_the_message() -> None:
    with pytest.raises(UnreadableFile, match="up to 20 MB"):
        read(b"x" * (MAX_BYTES + 1), "big.csv")


def test_too_many_rows_are_refused_with_the_limit_in_the_message(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("imports.limits.MAX_ROWS", 3)
    with pytest.raises(UnreadableFile, match="up to 3 rows"):
        read(b"a\n1\n2\n3\n4\n", "a.csv").count_rows()


def test_a_broken_workbook_gets_a_calm_message() -> None:
    with pytest.raises(UnreadableFile, match="could not be opened"):
        read(b"PK\x03\x04 not really a zip", "a.xlsx")
