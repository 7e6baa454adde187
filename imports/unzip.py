"""An uploaded workbook's zip, opened so that no reader can be made to hold more than the limits.

An .xlsx is a zip of XML parts. Its declared sizes are checked before anything is unpacked, the
bytes are counted as they inflate, a part read whole must be small, and every part read as a
stream goes through an expat parser that refuses, as the bytes arrive, a part whose pieces are
larger than a parser should hold at once (a row, a shared text, a block of formatting).
"""

import io
import zipfile
from typing import IO, Any
from xml.parsers import expat

from imports import limits
from imports.sheet_xml import Bounds

CHUNK = 64 * 1024


class XmlFeed:
    """Feeds bytes to expat for a `Bounds`; refuses a DTD (no entity tricks) and any single
    piece of markup longer than a row may be, which expat would otherwise buffer whole."""

    def __init__(self, bounds: Bounds) -> None:
        self.bounds = bounds
        self.quiet = 0
        parser = expat.ParserCreate()
        parser.buffer_text = True
        bounds.parser = parser
        parser.StartElementHandler = bounds.start
        parser.EndElementHandler = bounds.end
        parser.CharacterDataHandler = bounds.text
        parser.StartDoctypeDeclHandler = _no_doctype
        self.parser = parser

    def feed(self, data: bytes, *, final: bool = False) -> None:
        before = self.bounds.events
        try:
            self.parser.Parse(data, final)
        except expat.ExpatError as error:
            raise limits.not_a_workbook() from error
        self.quiet = 0 if self.bounds.events != before else self.quiet + len(data)
        if self.quiet > limits.MAX_ROW_CHARS:
            raise limits.workbook_too_complex()


def _no_doctype(*args: Any) -> None:
    raise limits.not_a_workbook()


class Part(io.RawIOBase):
    """One part of the zip as a reader sees it: bytes counted against the declared size, a
    whole-part read only when the part is small, a streamed read checked by its `XmlFeed`."""

    def __init__(self, inner: IO[bytes], size: int, feed: XmlFeed | None) -> None:
        super().__init__()
        self.inner, self.size, self.feed, self.count = inner, size, feed, 0
        self.fed_all = False

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        wanted = -1 if size is None or size < 0 else size
        whole = wanted < 0
        if whole and self.size > limits.MAX_PART_BYTES:
            raise limits.workbook_too_complex()
        try:
            data = self.inner.read(wanted)
        except (zipfile.BadZipFile, EOFError, OSError) as error:
            raise limits.not_a_workbook() from error
        self.count += len(data)
        if self.count > self.size:
            raise limits.unpacks_too_large()
        if self.feed is not None and not whole and not self.fed_all:
            self.fed_all = not data
            self.feed.feed(data, final=self.fed_all)
        return data

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self.inner.close()
        super().close()


class Archive(zipfile.ZipFile):
    """The workbook's zip, its sizes checked on opening; `open` hands out guarded parts."""

    strings_part = ""  # the shared-string table's name, once the manifest has been read

    def __init__(self, raw: bytes) -> None:
        try:
            super().__init__(io.BytesIO(raw))
        except (zipfile.BadZipFile, ValueError, OSError) as error:
            raise limits.not_a_workbook() from error
        entries = self.infolist()
        if len(entries) > limits.MAX_ZIP_ENTRIES:
            raise limits.workbook_too_complex()
        if sum(entry.file_size for entry in entries) > limits.MAX_UNPACKED_BYTES:
            raise limits.unpacks_too_large()
        # Parts already walked whole within the bounds: a parser may then stream them unwatched.
        self.walked: set[str] = set()

    def open(
        self, name: str | zipfile.ZipInfo, mode: str = "r", pwd: bytes | None = None, **kw: Any
    ) -> IO[bytes]:
        info = name if isinstance(name, zipfile.ZipInfo) else self.getinfo(name)
        if info.filename in self.walked:
            return self.stream(info, None)
        return self.stream(info, Bounds(strings=info.filename == self.strings_part))

    def stream(self, info: zipfile.ZipInfo, bounds: Bounds | None) -> IO[bytes]:
        try:
            inner = super().open(info)
        except (zipfile.BadZipFile, NotImplementedError, RuntimeError) as error:
            raise limits.not_a_workbook() from error
        feed = XmlFeed(bounds) if bounds is not None else None
        return Part(inner, info.file_size, feed)  # type: ignore[return-value]


def walk(archive: Archive, name: str, bounds: Bounds) -> None:
    """Stream one part through `bounds` without any other parser."""
    with archive.stream(archive.getinfo(name), bounds) as part:
        while part.read(CHUNK):
            pass
    if bounds.stop_row is None:
        archive.walked.add(name)
