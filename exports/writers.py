"""The export's zip (the CSV, its data dictionary and the redisclosure notice in one file); the
CSV and XLSX themselves are written by lib.spreadsheet, the one writer that neutralises cells."""

import io
import zipfile
from collections.abc import Sequence


def write_zip(files: Sequence[tuple[str, bytes]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in files:
            archive.writestr(name, content)
    return out.getvalue()
