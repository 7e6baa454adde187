"""A file upload held in memory up to a size limit while it streams in (never written to disk,
never more than the limit plus one chunk); the part past the limit is skipped as it arrives,
the rest of the form is still read (so what was typed comes back), and the view is told why.
`BoundedDiskUploadHandler` does the same for files too large to hold in memory: it streams
them into a file of its own folder, deleted as soon as the limit is passed.

Django counts the non-file fields against DATA_UPLOAD_MAX_MEMORY_SIZE, but a file only against
the upload handlers; its default handlers spill a large file to a temporary file of any size.
`streams_upload` puts a `BoundedUploadHandler` in their place before the body is read.
"""

import functools
import io
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import InMemoryUploadedFile, UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt, csrf_protect


class BoundedUploadHandler(FileUploadHandler):
    """Keeps one file, of the field `field`, in memory up to `limit` bytes; any other file
    part, or the part past the limit, is skipped as it streams (nothing kept)."""

    field = "upload"
    limit = 5 * 1024 * 1024
    # The name the kept file is given: what the browser calls it is not trusted.
    stored_name = "upload"

    def __init__(self, request: Any = None, limit: int | None = None) -> None:
        super().__init__(request)
        if limit is not None:
            self.limit = limit
        self.too_large = False
        self.buffer: io.BytesIO | None = None
        self.taken = False
        self.sent_name = ""

    def new_file(self, field_name: str, *args: Any, **kwargs: Any) -> None:
        super().new_file(field_name, *args, **kwargs)
        if field_name != self.field or self.taken:
            raise SkipFile
        self.taken = True
        self.sent_name = str(self.file_name or "")
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
            name=self.stored_name,
            content_type="application/octet-stream",
            size=file_size,
            charset=None,
            content_type_extra=self.content_type_extra,
        )

    def upload_interrupted(self) -> None:
        self.buffer = None


class KeptUpload(UploadedFile):
    """A file streamed to disk; `path` is where it is. Whoever takes it moves the file away
    (`os.replace`) or deletes it (`discard`): nothing removes it at the end of the request."""

    def __init__(self, path: str, *, field_name: str, name: str, size: int) -> None:
        super().__init__(
            file=open(path, "rb"),  # noqa: SIM115 - closed with the request's files
            name=name,
            content_type="application/octet-stream",
            size=size,
        )
        self.field_name = field_name
        self.path = path

    def discard(self) -> None:
        self.close()
        Path(self.path).unlink(missing_ok=True)


class BoundedDiskUploadHandler(BoundedUploadHandler):
    """Streams one file of the field `field` into `folder()` up to `limit` bytes (memory stays at
    one chunk); past the limit the partial file is deleted and the rest skipped."""

    def folder(self) -> str:
        raise NotImplementedError

    def __init__(self, request: Any = None, limit: int | None = None) -> None:
        super().__init__(request, limit)
        self.path = ""
        self.disk: Any = None
        self.written = 0

    def new_file(self, field_name: str, *args: Any, **kwargs: Any) -> None:
        FileUploadHandler.new_file(self, field_name, *args, **kwargs)
        if field_name != self.field or self.taken:
            raise SkipFile
        self.taken = True
        self.sent_name = str(self.file_name or "")
        os.makedirs(self.folder(), exist_ok=True)
        handle, self.path = tempfile.mkstemp(prefix="upload-", suffix=".part", dir=self.folder())
        self.disk = os.fdopen(handle, "wb")
        self.written = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        assert self.disk is not None
        if self.written + len(raw_data) > self.limit:
            self.too_large = True
            self._remove()
            raise SkipFile
        self.disk.write(raw_data)
        self.written += len(raw_data)
        return None

    def file_complete(self, file_size: int) -> KeptUpload | None:  # type: ignore[override]
        if self.disk is None:
            return None
        self.disk.close()
        self.disk = None
        return KeptUpload(
            self.path, field_name=self.field_name, name=self.stored_name, size=file_size
        )

    def upload_interrupted(self) -> None:
        self._remove()

    def _remove(self) -> None:
        if self.disk is not None:
            self.disk.close()
            self.disk = None
        if self.path:
            Path(self.path).unlink(missing_ok=True)


def streams_upload(
    handler: type[BoundedUploadHandler],
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """For a view whose form takes a file: the size-limiting handler is put in place before
    anything reads the body. The CSRF middleware reads the body of every POST before the view
    runs, so it is told to let this view be and the same check runs here, just after."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        protected = csrf_protect(view)

        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method == "POST":
                request.upload_handlers = [handler(request)]
            return protected(request, *args, **kwargs)

        return csrf_exempt(wrapped)

    return decorator


def refused_too_large(request: HttpRequest) -> bool:
    """Whether this request's file was skipped for being over the limit."""
    return any(getattr(handler, "too_large", False) for handler in request.upload_handlers)


def sent_name(request: HttpRequest) -> str:
    """What the browser called the kept file (to show back and record, never to trust)."""
    for handler in request.upload_handlers:
        if isinstance(handler, BoundedUploadHandler):
            return handler.sent_name
    return ""
