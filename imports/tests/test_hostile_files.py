"""The upload attacks of issue 18 (finding 3), each refused calmly before the work is done.

Each test uploads the hostile file as a coach through the real page and asserts the refusal a
person reads, that nothing was kept, and that the upload stayed within a memory and time budget
(peak Python memory by tracemalloc; generous margins, the machine may be busy).
"""

import io
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from cairn.demo import DemoWorld
from imports import unzip
from imports.models import ImportBatch
from imports.tests.hostile import Cost, measured, shown, text_row, workbook

PEAK_MB = 50
SECONDS = 60


def _upload(client: Client, name: str, raw: bytes) -> Cost:
    upload = SimpleUploadedFile(name, raw, "application/octet-stream")
    return measured(
        lambda: client.post(reverse("imports:home"), {"kind": "participants", "file": upload})
    )


def _refused(cost: Cost, *words: str) -> str:
    assert cost.outcome.status_code == 200  # the upload page again, with the reason
    text = shown(cost.outcome.content.decode())
    for word in words:
        assert word in text
    assert not ImportBatch.objects.exists()
    assert cost.peak_mb < PEAK_MB, f"peak {cost.peak_mb:.1f} MB"
    assert cost.seconds < SECONDS, f"{cost.seconds:.1f} s"
    return text


def test_one_cell_far_right_on_each_of_6000_rows_is_refused_at_the_first_row(
    demo: DemoWorld, client_for: Callable[[str], Client]
) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["preferred_name", "phone"])  # an ordinary header: the width is in the rows
    for row in range(2, 6002):
        sheet.cell(row=row, column=16_384, value="x")  # column XFD
    out = io.BytesIO()
    book.save(out)
    assert len(out.getvalue()) < 100_000

    cost = _upload(client_for("ana"), "wide.xlsx", out.getvalue())

    _refused(cost, "Row 2 reaches column 16,384", "up to 200 columns")


def test_a_million_rows_are_refused_once_the_row_limit_is_passed_without_reading_on(
    demo: DemoWorld, client_for: Callable[[str], Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = (f'<row r="{n}"><c r="A{n}"><v>1</v></c></row>'.encode() for n in range(1, 1_000_001))
    raw = workbook(rows)
    assert len(raw) < 5 * 1024 * 1024  # small on disk, 40 MB of XML once unpacked
    read_of: dict[int, tuple[int, int]] = {}
    original = unzip.Part.read

    def counting(part: unzip.Part, size: int | None = -1) -> bytes:
        data = original(part, size)
        read_of[id(part)] = (part.count, part.size)
        return data

    monkeypatch.setattr(unzip.Part, "read", counting)

    cost = _upload(client_for("ana"), "million.xlsx", raw)

    _refused(cost, "more than 200,000 rows", "Split it into smaller files")
    sheet_read, sheet_size = max(read_of.values(), key=lambda counts: counts[1])
    assert sheet_read < 0.4 * sheet_size  # stopped near row 200,001 of 1,000,000


def test_a_shared_text_of_150_mb_is_refused_before_it_is_held(
    demo: DemoWorld, client_for: Callable[[str], Client]
) -> None:
    def huge_text() -> Iterator[bytes]:
        yield b"<t>"
        yield from (b"a" * 1024 * 1024 for _ in range(150))
        yield b"</t>"

    raw = workbook(
        [text_row(1, "preferred_name"), b'<row r="2"><c r="A2" t="s"><v>0</v></c></row>'],
        [b"".join(huge_text())],
    )
    assert len(raw) < 400_000

    cost = _upload(client_for("ana"), "one-text.xlsx", raw)

    _refused(cost, "a text longer than 32,767 characters")


def test_a_csv_with_20000_columns_is_refused_at_its_first_row(
    demo: DemoWorld, client_for: Callable[[str], Client]
) -> None:
    header = ",".join(f"c{i}" for i in range(20_000))
    raw = (header + "\r\n" + ",".join("x" * 20_000) + "\r\n").encode()
    assert len(raw) < 200_000

    cost = _upload(client_for("ana"), "wide.csv", raw)

    _refused(cost, "Row 1 reaches column 20,000", "up to 200 columns")


def test_the_column_page_of_the_widest_file_allowed_shows_a_short_sample_of_each_column(
    demo: DemoWorld, client_for: Callable[[str], Client]
) -> None:
    headers = [f"{i:03d} " + "h" * 300 for i in range(200)]  # 200 columns, long names
    long_cell = "y" * 4_900  # a row may be up to 1,000,000 characters long
    rows = [",".join(headers)] + [",".join([long_cell] * 200) for _ in range(8)]
    client = client_for("ana")
    upload = SimpleUploadedFile("wide.csv", "\r\n".join(rows).encode(), "text/csv")
    response = client.post(reverse("imports:home"), {"kind": "participants", "file": upload})
    batch = ImportBatch.objects.get()
    assert response["Location"] == reverse("imports:mapping", args=[batch.id])
    assert batch.row_count == 8 and len(batch.headers) == 200
    assert all(len(h) == 200 for h in batch.headers)  # long names are shortened

    page: Any = client.get(reverse("imports:mapping", args=[batch.id]))

    html = page.content.decode()
    assert len(html) < 2_000_000  # the file holds 7.8 MB of cells
    text = shown(html)
    assert text.count("y" * 79 + "…") == 5 * 200  # five rows, each cell cut to 80 characters
    assert "y" * 81 not in text
