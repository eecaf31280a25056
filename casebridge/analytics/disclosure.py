"""Statistical disclosure control for public outputs: small counts are suppressed, and so are
enough other cells that no suppressed count can be worked out from the published totals.

Primary suppression hides every count from 1 to ``threshold - 1`` (a nought reveals nobody).
Secondary suppression then looks at each row and each column whose total is published: if it
holds exactly one hidden cell, that cell could be recovered by subtraction, so the smallest other
non-zero cell in that line is hidden too. This repeats until no line has a single hidden cell.
"""

from collections.abc import Collection, Sequence
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
    counts: Sequence[Sequence[int]],
    *,
    threshold: int = DEFAULT_THRESHOLD,
    keep: Collection[tuple[int, int]] = (),
    noughts: bool = False,
) -> ProtectedTable:
    """Protect a table of counts whose row and column totals are published alongside it.

    ``keep``: cells (row, column) published elsewhere as they are, so hiding one here would
    protect nothing: they are hidden when small, never as a secondary. ``noughts``: a nought
    may be hidden as a secondary when nothing else in a line can be (it reveals nobody itself,
    and leaves the hidden cell beside it unknown).
    """
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
                cell
                for cell in line
                if cell not in hidden and cell not in keep and grid[cell[0]][cell[1]] > 0
            ]
            if not candidates and noughts:
                candidates = [cell for cell in line if cell not in hidden and cell not in keep]
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


@dataclass(frozen=True)
class ProtectedTotals:
    """A table published with its row totals, column totals and grand total; None: suppressed."""

    cells: list[list[int | None]]
    row_totals: list[int | None]
    column_totals: list[int | None]
    grand_total: int | None
    primary: int  # cells and totals that were small
    secondary: int  # how many more were hidden to protect them


def protect_with_totals(
    counts: Sequence[Sequence[int]],
    *,
    threshold: int = DEFAULT_THRESHOLD,
    column_totals_published: bool = False,
) -> ProtectedTotals:
    """Protect a table together with the totals printed around it.

    Hiding cells is not enough once totals are printed: a row total made of one hidden count
    and noughts is that count (``ProtectedTable.total_reveals``), and once such a total is
    hidden the grand total less the other row totals gives it back. So the table bordered by
    its totals is protected as one grid, in which every row and every column adds up (its
    total less its cells is nought): small totals are hidden like small cells, and no row or
    column of the bordered grid is left with a single hidden value, cell or total (a nought is
    hidden where nothing else in its line can be).

    ``column_totals_published``: the column totals are published elsewhere (each quarter's
    figure, in a table of the same report), so they are hidden only when small.
    """
    grid = [list(row) for row in counts]
    columns = len(grid[0]) if grid else 0
    column_totals = [sum(row[c] for row in grid) for c in range(columns)]
    bordered = [[*row, sum(row)] for row in grid] + [[*column_totals, sum(column_totals)]]
    keep = {(len(grid), c) for c in range(columns)} if column_totals_published else set()
    table = protect(bordered, threshold=threshold, keep=keep, noughts=True)
    *body, margin = table.cells
    return ProtectedTotals(
        cells=[row[:-1] for row in body],
        row_totals=[row[-1] for row in body],
        column_totals=margin[:-1],
        grand_total=margin[-1],
        primary=table.primary,
        secondary=table.secondary,
    )
