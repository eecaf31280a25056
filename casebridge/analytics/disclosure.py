"""Statistical disclosure control for public outputs: small counts are suppressed, and so are
enough other cells that no suppressed count can be worked out from the published totals.

Primary suppression hides every count from 1 to ``threshold - 1`` (a nought reveals nobody).
Secondary suppression then looks at each row and each column whose total is published: if it
holds exactly one hidden cell, that cell could be recovered by subtraction, so the smallest other
non-zero cell in that line is hidden too. This repeats until no line has a single hidden cell.
"""

from collections.abc import Sequence
from dataclasses import dataclass

DEFAULT_THRESHOLD = 5
SUPPRESSED = "[c]"  # the Government Statistical Service's symbol for a confidential value


@dataclass(frozen=True)
class ProtectedTable:
    cells: list[list[int | None]]  # None: suppressed
    row_totals: list[int]
    column_totals: list[int]
    primary: int  # how many cells were small
    secondary: int  # how many more were hidden to protect them

    def total_reveals(self, *, row: int | None = None, column: int | None = None) -> bool:
        """Whether publishing this row's (or column's) total would reveal a hidden cell: it
        holds exactly one, and nothing else adds to the total."""
        line = self.cells[row] if row is not None else [cells[column or 0] for cells in self.cells]
        hidden = [cell for cell in line if cell is None]
        return len(hidden) == 1 and not any(cell for cell in line if cell)

    def shown(self, row: int, column: int) -> str:
        value = self.cells[row][column]
        return SUPPRESSED if value is None else f"{value:,}"


def _lines(rows: int, columns: int) -> list[list[tuple[int, int]]]:
    by_row = [[(r, c) for c in range(columns)] for r in range(rows)]
    by_column = [[(r, c) for r in range(rows)] for c in range(columns)]
    return by_row + by_column


def protect(
    counts: Sequence[Sequence[int]], *, threshold: int = DEFAULT_THRESHOLD
) -> ProtectedTable:
    """Protect a table of counts whose row and column totals are published alongside it."""
    grid = [list(row) for row in counts]
    if any(value < 0 for row in grid for value in row):
        raise ValueError("Disclosure control applies to counts, which cannot be negative.")
    rows, columns = len(grid), len(grid[0]) if grid else 0
    hidden = {(r, c) for r in range(rows) for c in range(columns) if 0 < grid[r][c] < threshold}
    primary = len(hidden)
    changed = True
    while changed:
        changed = False
        for line in _lines(rows, columns):
            in_line = [cell for cell in line if cell in hidden]
            if len(in_line) != 1:
                continue
            candidates = [
                cell for cell in line if cell not in hidden and grid[cell[0]][cell[1]] > 0
            ]
            if not candidates:
                # Every other cell is nought, so the line's total equals the hidden cell: the
                # caller must hide that total too (``ProtectedTable.total_reveals``).
                continue
            hidden.add(min(candidates, key=lambda cell: (grid[cell[0]][cell[1]], cell)))
            changed = True
    return ProtectedTable(
        cells=[
            [None if (r, c) in hidden else grid[r][c] for c in range(columns)] for r in range(rows)
        ],
        row_totals=[sum(row) for row in grid],
        column_totals=[sum(grid[r][c] for r in range(rows)) for c in range(columns)],
        primary=primary,
        secondary=len(hidden) - primary,
    )


def protect_count(value: int, *, threshold: int = DEFAULT_THRESHOLD) -> int | None:
    """One published count on its own: hidden when it is small."""
    return None if 0 < value < threshold else value
