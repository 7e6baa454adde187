"""Reading an uploaded HSDS file, JSON or zipped CSV data package, into the same tables of rows,
each row knowing the file and row number it came from; a file that cannot be read at all is
refused with one calm sentence (`Unreadable`), before any row is checked.

Limits bound what one upload can cost: the upload itself (streamed to disk, `MAX_BYTES`), the
zip's declared unpacked size and entries (checked before anything is inflated; `zipfile` never
inflates an entry past its declared size), and rows. Both are sized so that 50,000 services
(`MAX_SERVICES`) fit in either form: in the benchmark's listings they are 122 MB as JSON, 27 MB
zipped, 92 MB unpacked (bench/results/2026-12-06-hsds-50k.md).
"""

import csv
import io
import json
import os
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from directory.hsds import TABLES
from lib.spreadsheet import restore

MAX_BYTES = 200 * 1024 * 1024
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_ZIP_ENTRIES = 50
MAX_SERVICES = 50_000
MAX_ROWS = 1_000_000
MAX_CELL_CHARS = 32_767

# What a nested JSON service may hold besides its own fields (read, so not "not kept").
NESTED = {
    "organization",
    "phones",
    "schedules",
    "languages",
    "service_areas",
    "service_at_locations",
    "attributes",
}


class Unreadable(Exception):
    """The file cannot be read as HSDS; the message says why in plain words."""


@dataclass
class Row:
    file: str
    row: int
    values: dict[str, str]
    prefix: str = ""  # where in a nested JSON service ("phones[2]."), empty in a CSV

    def get(self, name: str) -> str:
        return self.values.get(name, "")

    def where(self, name: str) -> str:
        return f"{self.prefix}{name}"


@dataclass
class Tables:
    form: str
    rows: dict[str, list[Row]] = field(default_factory=lambda: {name: [] for name in TABLES})
    not_kept: dict[str, list[str]] = field(default_factory=dict)
    count: int = 0

    def add(self, table: str, row: Row) -> None:
        self.count += 1
        if self.count > MAX_ROWS:
            raise Unreadable(
                _("This file has more than %(limit)s rows in all; import it in parts.")
                % {"limit": f"{MAX_ROWS:,}"}
            )
        self.rows[table].append(row)

    def unkept(self, table: str, names: Any) -> None:
        extra = set(names) - set(TABLES[table])
        if extra:
            self.not_kept[table] = sorted(set(self.not_kept.get(table, [])) | extra)


def too_large(size: int) -> Unreadable:
    return Unreadable(
        _(
            "This file is %(size)s MB; HSDS files up to %(limit)s MB can be imported. A zipped "
            "CSV data package is usually much smaller than the same listings as JSON."
        )
        % {"size": f"{size / 1024 / 1024:.1f}", "limit": MAX_BYTES // 1024 // 1024}
    )


def read(source: bytes | Path, filename: str) -> Tables:
    """Read the file's bytes, or the file at a path (read from disk, never held twice)."""
    size = len(source) if isinstance(source, bytes) else os.path.getsize(source)
    if size > MAX_BYTES:
        raise too_large(size)
    with io.BytesIO(source) if isinstance(source, bytes) else open(source, "rb") as file:
        start = file.read(64 * 1024)
        if not start.strip() and size <= len(start):
            raise Unreadable(_("The file is empty."))
        file.seek(0)
        if start[:4] == b"PK\x03\x04":
            tables = _read_zip(file)
        elif filename.lower().endswith(".zip"):
            raise Unreadable(_("This file is named .zip but could not be opened as a zip file."))
        else:
            tables = _read_json(file, filename)
    services = len(tables.rows["services"])
    if services > MAX_SERVICES:
        raise Unreadable(
            _("This file lists %(count)s services; up to %(limit)s can be imported at once.")
            % {"count": f"{services:,}", "limit": f"{MAX_SERVICES:,}"}
        )
    if not services:
        raise Unreadable(_("This file lists no services, so there is nothing to import."))
    return tables


# --- JSON: a list of services with their objects nested --------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return json.dumps(value, ensure_ascii=False)[:200]


def _flat(obj: dict[str, Any]) -> dict[str, str]:
    return {k: _text(v) for k, v in obj.items() if not isinstance(v, list | dict)}


def _read_json(file: Any, filename: str) -> Tables:
    try:
        data = json.load(io.TextIOWrapper(file, encoding="utf-8-sig"))
    except UnicodeDecodeError as error:
        raise Unreadable(
            _("The file is not text in UTF-8, so it cannot be read as JSON.")
        ) from error
    except json.JSONDecodeError as error:
        raise Unreadable(
            _(
                "The file is not valid JSON: %(reason)s at line %(line)s, column %(column)s. "
                "Check that it was saved completely."
            )
            % {"reason": error.msg, "line": error.lineno, "column": error.colno}
        ) from error
    if isinstance(data, dict):
        # An HSDS API page ({"contents": [...]}) or an object holding the services.
        data = data.get("contents", data.get("services"))
    if not isinstance(data, list):
        raise Unreadable(
            _("The JSON should be a list of HSDS services (or an API page with their contents).")
        )
    tables = Tables(form="json")
    label = (filename or "upload.json").rsplit("/", 1)[-1][:80]
    for index, service in enumerate(data, start=1):
        if not isinstance(service, dict):
            raise Unreadable(
                _("Item %(row)s of the list is not an HSDS service object.") % {"row": index}
            )
        _nested_service(tables, label, index, service)
    return tables


def _objects(value: Any) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _nested_service(tables: Tables, label: str, index: int, service: dict[str, Any]) -> None:
    values = _flat(service)
    organization = service.get("organization")
    if isinstance(organization, dict):
        values.setdefault("organization_id", _text(organization.get("id")))
        tables.add("organizations", Row(label, index, _flat(organization), "organization."))
        tables.unkept("organizations", _flat(organization))
    tables.add("services", Row(label, index, values))
    tables.unkept("services", set(values) - NESTED)
    service_id = values.get("id", "")
    for table, key in (
        ("phones", "phones"),
        ("schedules", "schedules"),
        ("languages", "languages"),
        ("service_areas", "service_areas"),
    ):
        for number, item in enumerate(_objects(service.get(key)), start=1):
            row = {"service_id": service_id, **_flat(item)}
            tables.add(table, Row(label, index, row, f"{key}[{number}]."))
            tables.unkept(table, row)
    for number, link in enumerate(_objects(service.get("service_at_locations")), start=1):
        where = f"service_at_locations[{number}]."
        row = {"service_id": service_id, **_flat(link)}
        place = link.get("location")
        if isinstance(place, dict):
            flat_place = _flat(place)
            row.setdefault("location_id", flat_place.get("id", ""))
            tables.add("locations", Row(label, index, flat_place, where + "location."))
            tables.unkept("locations", set(flat_place) - {"addresses", "accessibility"})
            for inner, key in (("addresses", "addresses"), ("accessibility", "accessibility")):
                for count, item in enumerate(_objects(place.get(key)), start=1):
                    inner_row = {"location_id": flat_place.get("id", ""), **_flat(item)}
                    inner_where = f"{where}location.{key}[{count}]."
                    tables.add(inner, Row(label, index, inner_row, inner_where))
                    tables.unkept(inner, inner_row)
        tables.add("service_at_locations", Row(label, index, row, where))
    for number, attribute in enumerate(_objects(service.get("attributes")), start=1):
        where = f"attributes[{number}]."
        row = {"link_id": service_id, "link_type": "service", **_flat(attribute)}
        term = attribute.get("taxonomy_term")
        if isinstance(term, dict):
            flat_term = _flat(term)
            if isinstance(term.get("taxonomy"), dict):
                flat_term["taxonomy"] = _text(term["taxonomy"].get("name"))
            row.setdefault("taxonomy_term_id", flat_term.get("id", ""))
            tables.add("taxonomy_terms", Row(label, index, flat_term, where + "taxonomy_term."))
        tables.add("attributes", Row(label, index, row, where))


# --- The tabular data package: CSVs in a zip ---------------------------------------------------


def _read_zip(file: Any) -> Tables:
    try:
        archive = zipfile.ZipFile(file)
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise Unreadable(_("The zip file could not be opened; it may be damaged.")) from error
    entries = [e for e in archive.infolist() if not e.is_dir()]
    if len(entries) > MAX_ZIP_ENTRIES:
        raise Unreadable(
            _("The zip holds %(count)s files; an HSDS data package needs at most %(limit)s.")
            % {"count": len(entries), "limit": MAX_ZIP_ENTRIES}
        )
    if sum(e.file_size for e in entries) > MAX_UNPACKED_BYTES:
        raise Unreadable(
            _("The zip unpacks to more than %(limit)s MB, more than can be imported at once.")
            % {"limit": MAX_UNPACKED_BYTES // 1024 // 1024}
        )
    by_name = {e.filename.rsplit("/", 1)[-1]: e for e in entries}
    if "services.csv" not in by_name:
        raise Unreadable(
            _(
                "The zip has no services.csv. An HSDS data package holds organizations.csv, "
                "services.csv and the other tables side by side."
            )
        )
    tables = Tables(form="zip")
    for name in sorted(by_name):
        table = name[: -len(".csv")] if name.endswith(".csv") else ""
        if table not in TABLES:
            if name != "datapackage.json":
                tables.not_kept.setdefault("files", []).append(name)
            continue
        try:
            content = archive.read(by_name[name])
        except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError) as error:
            raise Unreadable(
                _("%(file)s in the zip could not be unpacked.") % {"file": name}
            ) from error
        _read_csv(tables, table, name, content)
    return tables


def _read_csv(tables: Tables, table: str, name: str, content: bytes) -> None:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise Unreadable(
            _("%(file)s is not saved as UTF-8 text; save it as CSV UTF-8 and zip it again.")
            % {"file": name}
        ) from error
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip().lower() for h in next(reader, [])]
        if not header or "id" not in header:
            raise Unreadable(
                _("The first row of %(file)s should name its columns, with an id column.")
                % {"file": name}
            )
        tables.unkept(table, [h for h in header if h])
        for number, cells in enumerate(reader, start=2):
            if not any(c.strip() for c in cells):
                continue
            if any(len(c) > MAX_CELL_CHARS for c in cells):
                raise Unreadable(
                    _("A cell on row %(row)s of %(file)s is longer than %(limit)s characters.")
                    % {"row": number, "file": name, "limit": f"{MAX_CELL_CHARS:,}"}
                )
            values = {h: restore(c) for h, c in zip(header, cells, strict=False) if h}
            tables.add(table, Row(name, number, values))
    except csv.Error as error:
        raise Unreadable(
            _("%(file)s could not be read as CSV near row %(row)s.")
            % {"file": name, "row": reader.line_num}
        ) from error
