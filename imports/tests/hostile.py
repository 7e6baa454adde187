"""Hostile spreadsheets for the limit tests, written part by part so they stay small to build:
a workbook's XML is streamed into the zip, never held whole."""

import io
import time
import tracemalloc
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

from imports.limits import UnreadableFile

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
TYPES = "application/vnd.openxmlformats-officedocument.spreadsheetml"

CONTENT_TYPES = f"""<?xml version="1.0" encoding="UTF-8"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="{TYPES}.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{TYPES}.worksheet+xml"/>
<Override PartName="/xl/sharedStrings.xml" ContentType="{TYPES}.sharedStrings+xml"/>
</Types>"""
ROOT_RELS = f"""<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="{RELS}"><Relationship Id="rId1"
 Type="{DOC_RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>"""
WORKBOOK = f"""<?xml version="1.0" encoding="UTF-8"?>
<workbook xmlns="{MAIN}" xmlns:r="{DOC_RELS}"><sheets>
<sheet name="People" sheetId="1" r:id="rId1"/></sheets></workbook>"""
WORKBOOK_RELS = f"""<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="{RELS}">
<Relationship Id="rId1" Type="{DOC_RELS}/worksheet" Target="worksheets/sheet1.xml"/>
<Relationship Id="rId2" Type="{DOC_RELS}/sharedStrings" Target="sharedStrings.xml"/>
</Relationships>"""


def workbook(rows: Iterable[bytes], strings: Iterable[bytes] = (b"",)) -> bytes:
    """An .xlsx whose first sheet's <sheetData> holds `rows` and whose shared-string table holds
    `strings` (each the XML inside one <si>), both streamed into the zip piece by piece."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
            part.write(f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}">'.encode())
            for inner in strings:
                part.write(b"<si>" + inner + b"</si>")
            part.write(b"</sst>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            part.write(f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">'.encode())
            part.write(b"<sheetData>")
            for row in rows:
                part.write(row)
            part.write(b"</sheetData></worksheet>")
    return out.getvalue()


def text_row(number: int, *cells: str, first_column: str = "A") -> bytes:
    """A row of inline texts from `first_column` rightwards (columns A to Z only)."""
    parts = []
    for offset, value in enumerate(cells):
        ref = f"{chr(ord(first_column) + offset)}{number}"
        parts.append(f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>')
    return f'<row r="{number}">{"".join(parts)}</row>'.encode()


def refusal(run: Callable[[], Any]) -> str:
    """The calm message `run` refuses the file with (failing the test if it reads it)."""
    try:
        run()
    except UnreadableFile as error:
        return str(error)
    raise AssertionError("the file was read")


@dataclass
class Cost:
    outcome: Any
    peak_mb: float  # the most memory Python allocated at once while it ran
    seconds: float


def measured(run: Callable[[], Any]) -> Cost:
    """Run `run` once, measuring its peak Python memory (tracemalloc: unlike ru_maxrss, not a
    high-water mark left by earlier tests) and how long it took."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    started = time.perf_counter()
    try:
        outcome = run()
    finally:
        seconds = time.perf_counter() - started
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return Cost(outcome, peak / 1024 / 1024, seconds)


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        self.skipping += tag in ("script", "style")

    def handle_endtag(self, tag: str) -> None:
        self.skipping -= tag in ("script", "style")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def shown(html: str) -> str:
    """A page's text as a person reads it, whitespace folded."""
    parser = _Text()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())
