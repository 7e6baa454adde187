"""Where an uploaded HSDS file waits, on disk, between its upload and its import: one file per
`HsdsImport`, named by its id, in `CAIRN_HSDS_UPLOAD_DIR`. Public listings only, never personal
data; a file is deleted once imported, once its check finds problems, or after `KEPT_FOR`."""

import os
import time
import uuid
from datetime import timedelta
from pathlib import Path

from django.conf import settings

KEPT_FOR = timedelta(days=7)


def folder() -> Path:
    return Path(settings.CAIRN_HSDS_UPLOAD_DIR)


def path_of(import_id: uuid.UUID) -> Path:
    return folder() / f"{import_id}.hsds"


def keep(source: str | Path, import_id: uuid.UUID) -> Path:
    """Move an upload streamed into the folder to its import's name (same disk, so a rename)."""
    target = path_of(import_id)
    os.replace(source, target)
    return target


def write(raw: bytes, import_id: uuid.UUID) -> Path:
    folder().mkdir(parents=True, exist_ok=True)
    target = path_of(import_id)
    target.write_bytes(raw)
    return target


def discard(import_id: uuid.UUID) -> None:
    path_of(import_id).unlink(missing_ok=True)


def sweep() -> int:
    """Delete files older than `KEPT_FOR` (checked and never imported, or uploads whose request
    ended before they were kept); returns how many went."""
    if not folder().is_dir():
        return 0
    oldest = time.time() - KEPT_FOR.total_seconds()
    gone = 0
    for entry in folder().iterdir():
        if entry.is_file() and entry.stat().st_mtime < oldest:
            entry.unlink(missing_ok=True)
            gone += 1
    return gone
