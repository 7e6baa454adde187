"""The reach-out figures as shown: exact inside the organization, or de-identified (counts from
1 to 10 as "<11", other counts hidden where they would give those away, and the median and
90th percentile only over 11 or more answered signals)."""

from dataclasses import dataclass

from reachout.selectors import Breakdown, Figures
from reports.suppression import HIDDEN, THRESHOLD, suppress_table

DASH = "—"


@dataclass(frozen=True)
class Shown:
    name: str
    raised: str
    acknowledged: str
    waiting: str
    median_minutes: str
    p90_minutes: str
    escalated: str


def _minutes(value: int | None, answered: int, deidentified: bool) -> str:
    if value is None:
        return DASH
    if deidentified and answered < THRESHOLD:
        return HIDDEN
    return str(value)


def _exact(name: str, f: Figures) -> Shown:
    return Shown(
        name,
        str(f.raised),
        str(f.acknowledged),
        str(f.waiting),
        _minutes(f.median_minutes, f.acknowledged, False),
        _minutes(f.p90_minutes, f.acknowledged, False),
        str(f.escalated),
    )


def table(rows: list[Breakdown], total: Figures, *, deidentified: bool) -> list[Shown]:
    """One row per team (or part of the day) and a last row for all of them. A row's answered
    and waiting signals add up to those raised, and the rows add up to the last one: both are
    lines the suppression keeps safe."""
    every = [*rows, Breakdown("", total)]
    if not deidentified:
        return [_exact(b.name, b.figures) for b in every]
    if rows:
        cells = suppress_table([[b.figures.acknowledged, b.figures.waiting] for b in rows])
        # Those that waited too long are a part of those raised, not a line with them: their
        # column is kept safe on its own, against its total.
        late = suppress_table([[b.figures.escalated] for b in rows], row_totals=False)
    else:
        cells = suppress_table([[total.acknowledged, total.waiting]], col_totals=False)
        late = suppress_table([[total.escalated]], row_totals=False, col_totals=False)
    shown = []
    for b, (answered, waiting, raised), (escalated,) in zip(every, cells, late, strict=True):
        f = b.figures
        shown.append(
            Shown(
                b.name,
                str(raised),
                str(answered),
                str(waiting),
                _minutes(f.median_minutes, f.acknowledged, True),
                _minutes(f.p90_minutes, f.acknowledged, True),
                str(escalated),
            )
        )
    return shown


def summary(figures: Figures, *, deidentified: bool) -> Shown:
    """The figures over every visible signal, suppressed as one line when de-identified."""
    return table([], figures, deidentified=deidentified)[-1]
