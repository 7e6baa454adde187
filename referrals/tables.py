"""The referral breakdowns as shown: exact inside the organization, each count opening the
referrals behind it; or de-identified (counts from 1 to 10 as "<11", other counts hidden where
they would give those away, a median only over 11 or more first services, and no links)."""

from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

from django.urls import reverse

from referrals.selectors import STANDING, Line
from reports.suppression import HIDDEN, THRESHOLD, suppress_table

DASH = "—"


@dataclass(frozen=True)
class Count:
    text: str
    url: str = ""


@dataclass(frozen=True)
class Row:
    name: str
    counts: list[Count]  # one per STANDING state, then those made
    median_days: str


def _median(line: Line, deidentified: bool) -> str:
    if line.median_days is None:
        return DASH
    completed = line.counts[STANDING.index("completed")]
    if deidentified and completed < THRESHOLD:
        return HIDDEN
    return f"{line.median_days:g}"


def _rows_url(query: dict[str, str]) -> str:
    kept = {name: value for name, value in query.items() if value}
    return reverse("referrals:index") + ("?" + urlencode(kept) if kept else "")


def table(
    lines: list[Line],
    total: Line,
    *,
    by: str,
    sent_from: date | None,
    sent_to: date | None,
    deidentified: bool,
) -> list[Row]:
    """A row per need or partner and a last row over all of them; each row's states add up to
    those made and the rows add up to the last one, both lines the suppression keeps safe."""
    if not lines:
        return []
    every = [*lines, total]
    if deidentified:
        grid = suppress_table([list(line.counts) for line in lines])
        return [
            Row(line.name, [Count(str(cell)) for cell in cells], _median(line, True))
            for line, cells in zip(every, grid, strict=True)
        ]
    period = {
        "sent_from": sent_from.isoformat() if sent_from else "",
        "sent_to": sent_to.isoformat() if sent_to else "",
    }
    shown = []
    for line in every:
        where = {**period, by: line.key}
        counts = [
            Count(str(n), _rows_url({**where, "state": state}) if n else "")
            for state, n in zip(STANDING, line.counts, strict=True)
        ]
        counts.append(Count(str(line.made), _rows_url(where) if line.made else ""))
        shown.append(Row(line.name, counts, _median(line, False)))
    return shown
