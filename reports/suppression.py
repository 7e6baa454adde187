"""Small-number protection for aggregate and de-identified tables: counts of 1 to 10 become "<11".

Primary suppression hides every count from 1 to 10 (zero is shown: it describes nobody).
Complementary suppression then makes sure no hidden count can be worked out by subtraction:
every row and every column, together with its total when totals are shown, is a line whose
cells add up to the total; a line with exactly one hidden cell gives it away, so the smallest
other count in that line (preferring non-zero counts, and inner cells over the total) is hidden
too. Hiding a cell can expose another line, so the rule runs until nothing changes.

    >>> [[str(c) for c in row] for row in suppress_table([[5, 20], [30, 40]])]
    [['<11', '<11', '25'], ['<11', '<11', '70'], ['35', '60', '95']]

The 5 is hidden; its row would give it away (25 - 20), so the 20 is hidden too; then the first
column would (35 - 30) and the second (60 - 40), so 30 and 40 follow. Every row and column now
hides two cells or none, so nothing can be recovered. See the tests for more hand-worked tables.
"""

from collections.abc import Sequence
from dataclasses import dataclass

THRESHOLD = 11  # counts below this (and above zero) are hidden
HIDDEN = "<11"


@dataclass
class Cell:
    value: int
    suppressed: bool = False
    complementary: bool = False  # hidden only so another hidden cell cannot be recovered

    def __str__(self) -> str:
        return HIDDEN if self.suppressed else str(self.value)

    @property
    def shown(self) -> int | None:
        return None if self.suppressed else self.value


def is_small(value: int) -> bool:
    return 0 < value < THRESHOLD


def suppress_count(value: int) -> str:
    """One count on its own (no table around it)."""
    return HIDDEN if is_small(value) else str(value)


def suppress_table(
    rows: Sequence[Sequence[int]], *, row_totals: bool = True, col_totals: bool = True
) -> list[list[Cell]]:
    """The table with small counts hidden, plus a total column and/or row when asked for.

    Returns len(rows) rows (+1 for the totals row), each with the inner cells (+1 total cell).
    Totals are computed here from the true counts, so they are consistent with the inner cells.
    """
    width = len(rows[0]) if rows else 0
    grid = [[Cell(int(v)) for v in row] for row in rows]
    if row_totals:
        for row in grid:
            row.append(Cell(sum(c.value for c in row)))
    if col_totals and grid:
        grid.append([Cell(sum(row[i].value for row in grid)) for i in range(len(grid[0]))])
    for row in grid:
        for cell in row:
            cell.suppressed = is_small(cell.value)
    lines = list(_lines(grid, width=width, row_totals=row_totals, col_totals=col_totals))
    changed = True
    while changed:
        changed = False
        for inner, total in lines:
            members = inner + ([total] if total is not None else [])
            hidden = [c for c in members if c.suppressed]
            if len(hidden) != 1 or total is None:
                continue
            candidate = _smallest(inner) or _smallest([total])
            if candidate is not None:
                candidate.suppressed = candidate.complementary = True
                changed = True
    return grid


def _lines(
    grid: list[list[Cell]], *, width: int, row_totals: bool, col_totals: bool
) -> list[tuple[list[Cell], Cell | None]]:
    """Every row and column as (inner cells, total cell or None when that total is not shown)."""
    height = len(grid) - (1 if col_totals and grid else 0)
    found: list[tuple[list[Cell], Cell | None]] = []
    for r in range(len(grid)):
        found.append((grid[r][:width], grid[r][width] if row_totals else None))
    for c in range(width + (1 if row_totals else 0)):
        found.append(([grid[r][c] for r in range(height)], grid[height][c] if col_totals else None))
    return found


def _smallest(cells: list[Cell]) -> Cell | None:
    """The smallest shown cell, preferring non-zero counts (hiding a zero protects less)."""
    shown = [c for c in cells if not c.suppressed]
    if not shown:
        return None
    non_zero = [c for c in shown if c.value > 0]
    return min(non_zero or shown, key=lambda c: c.value)
