"""Generated participant spreadsheets, for the import tests and `manage.py bench_import`."""

import csv
import io
from typing import Any

PARTICIPANT_HEADERS = [
    "participant_id",
    "preferred_name",
    "date_of_birth",
    "phone",
    "email",
    "coach_username",
    "status",
    "pathways",
    "veteran_status",
    "enrolled_on",
]


def participant_row(i: int, coach: str = "ana") -> dict[str, str]:
    return {
        "participant_id": f"old-{i:06d}",
        "preferred_name": f"Person {i:06d}",
        "date_of_birth": f"19{50 + i % 50:02d}-{1 + i % 12:02d}-{1 + i % 28:02d}",
        # Unique, valid US numbers: area code 617, exchanges 2xx-9xx.
        "phone": f"(617) {200 + (i // 10000) % 800:03d}-{i % 10000:04d}",
        "email": f"person{i}@example.org",
        "coach_username": coach,
        "status": "active",
        "pathways": "twelve_step; smart" if i % 3 == 0 else "",
        "veteran_status": "no",
        "enrolled_on": "2026-01-15",
    }


def to_csv(rows: list[dict[str, Any]], headers: list[str], delimiter: str = ",") -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=headers, delimiter=delimiter, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def participants_csv(count: int, coach: str = "ana", start: int = 0) -> bytes:
    rows = [participant_row(i, coach) for i in range(start, start + count)]
    return to_csv(rows, PARTICIPANT_HEADERS).encode("utf-8")
