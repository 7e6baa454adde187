"""A training certificate as it arrives: held in memory up to its size limit while it streams in
(never written to disk, never more than the limit plus one chunk), then recognised by its first
bytes and checked for the end its format needs. What the browser says the file is called, or
what type it claims, is not trusted.

The certificate form's view puts `CertificateUploadHandler` (lib.uploads) in place of Django's
own before the body is read, so a large upload is skipped chunk by chunk and the form says why.
"""

from dataclasses import dataclass

from lib.uploads import BoundedUploadHandler, refused_too_large, streams_upload
from supervision.models import CertificateType

MAX_CERTIFICATE_BYTES = 5 * 1024 * 1024
FIELD = "certificate"
# How far from the end a file's closing marker may sit (some tools pad a file after it).
TAIL = 1024
PDF_VERSIONS = {b"1.0", b"1.1", b"1.2", b"1.3", b"1.4", b"1.5", b"1.6", b"1.7", b"2.0"}


class CertificateUploadHandler(BoundedUploadHandler):
    """Keeps one file, of the certificate field, in memory up to MAX_CERTIFICATE_BYTES."""

    field = FIELD
    limit = MAX_CERTIFICATE_BYTES
    stored_name = "certificate"


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


streams_certificate = streams_upload(CertificateUploadHandler)

__all__ = ["refused_too_large", "streams_certificate"]
