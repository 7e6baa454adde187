"""A training certificate as it arrives: held in memory up to its size limit while it streams in
(never written to disk, never more than the limit plus one chunk), then recognised by its first
bytes and checked for the end its format needs. What the browser says the file is called, or
what type it claims, is not trusted.

Django counts the non-file fields against DATA_UPLOAD_MAX_MEMORY_SIZE, but a file only against
the upload handlers; its default handlers spill a large file to a temporary file of any size.
The certificate form's view puts `CertificateUploadHandler` in their place before the body is
read, so a large upload is skipped chunk by chunk (the rest of the form is still read, so what
was typed comes back) and the form says why.
"""

import functools
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from supervision.models import CertificateType

MAX_CERTIFICATE_BYTES = 5 * 1024 * 1024
FIELD = "certificate"
# How far from the end a file's closing marker may sit (some tools pad a file after it).
TAIL = 1024
PDF_VERSIONS = {b"1.0", b"1.1", b"1.2", b"1.3", b"1.4", b"1.5", b"1.6", b"1.7", b"2.0"}


class CertificateUploadHandler(FileUploadHandler):
    """Keeps one file, of the certificate field, in memory up to MAX_CERTIFICATE_BYTES; any
    other file part, or the part past the limit, is skipped as it streams (nothing kept)."""

    def __init__(self, request: Any = None, limit: int = MAX_CERTIFICATE_BYTES) -> None:
        super().__init__(request)
        self.limit = limit
        self.too_large = False
        self.buffer: io.BytesIO | None = None
        self.taken = False

    def new_file(self, field_name: str, *args: Any, **kwargs: Any) -> None:
        super().new_file(field_name, *args, **kwargs)
        if field_name != FIELD or self.taken:
            raise SkipFile
        self.taken = True
        self.buffer = io.BytesIO()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        assert self.buffer is not None
        if self.buffer.tell() + len(raw_data) > self.limit:
            self.too_large = True
            self.buffer = None
            raise SkipFile
        self.buffer.write(raw_data)
        return None  # kept here; no other handler sees it

    def file_complete(self, file_size: int) -> InMemoryUploadedFile | None:
        if self.buffer is None:
            return None
        self.buffer.seek(0)
        return InMemoryUploadedFile(
            file=self.buffer,
            field_name=self.field_name,
            name="certificate",  # the browser's name for it is not kept
            content_type="application/octet-stream",
            size=file_size,
            charset=None,
            content_type_extra=self.content_type_extra,
        )

    def upload_interrupted(self) -> None:
        self.buffer = None


def install(request: Any) -> CertificateUploadHandler:
    """Put the certificate handler in place of Django's own, before the body is read."""
    handler = CertificateUploadHandler(request)
    request.upload_handlers = [handler]
    return handler


@dataclass(frozen=True)
class Certificate:
    """A checked certificate, as the service stores it."""

    content: bytes
    content_type: CertificateType


def recognise(content: bytes) -> CertificateType | None:
    """The format from the file's first bytes, or None when it is none of the three."""
    if content.startswith(b"%PDF-"):
        return CertificateType.PDF
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return CertificateType.PNG
    if content.startswith(b"\xff\xd8\xff"):
        return CertificateType.JPEG
    return None


def well_formed(content: bytes, kind: CertificateType) -> bool:
    """Whether the file has the shape its format needs at both ends: a PDF's version after its
    header and its end-of-file marker; a PNG's header chunk first and end chunk last; a JPEG's
    end-of-image marker. A cut-off download or a renamed file fails here. The file is never
    decoded or shown by Cairn (it is only handed back as a download), so this is enough."""
    tail = content[-TAIL:]
    if kind == CertificateType.PDF:
        return content[5:8] in PDF_VERSIONS and b"%%EOF" in tail
    if kind == CertificateType.PNG:
        return content[12:16] == b"IHDR" and b"IEND" in content[-12:]
    return len(content) > 4 and b"\xff\xd9" in tail


def streams_certificate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """For a view whose form takes a certificate: the size-limiting handler is put in place
    before anything reads the body. The CSRF middleware reads the body of every POST before the
    view runs, so it is told to let this view be and the same check runs here, just after."""
    protected = csrf_protect(view)

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method == "POST":
            install(request)
        return protected(request, *args, **kwargs)

    return csrf_exempt(wrapped)


def refused_too_large(request: HttpRequest) -> bool:
    """Whether this request's certificate was skipped for being over the limit."""
    return any(getattr(handler, "too_large", False) for handler in request.upload_handlers)
