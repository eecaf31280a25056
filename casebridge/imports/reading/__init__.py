"""Reading a partner's file as rows of text cells: CSV (UTF-8) or XLSX, whichever it is.

Whatever is wrong with the file as a whole (not text, not UTF-8, no header, cut short inside
a quoted value, a cell too big to be real) is a ``FileError`` saying what and where, in words
the analyst can act on; nothing is read past it. What is wrong with one row is the
validator's business (validation.py): that row is rejected and the rest go on.

A file is read within a ``Budget`` (rows, columns, cell length, what a workbook unzips to,
time), each checked as the file streams and before more of it is read, in time linear in what
has been read: a hostile file is refused as soon as it goes past the budget, and it never costs
more than the largest honest file would.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from casebridge.imports.reading.delimited import csv_rows
from casebridge.imports.reading.rows import MAX_CELL_LENGTH, Budget, FileError, Row, header_name
from casebridge.imports.reading.workbook import workbook_rows

__all__ = [
    "MAX_CELL_LENGTH",
    "Budget",
    "Extract",
    "FileError",
    "Row",
    "header_name",
    "open_extract",
    "read_rows",
]


@dataclass(frozen=True)
class Extract:
    lines: int  # about how many, the header included: for the progress bar
    rows: Iterator[Row]  # the non-blank rows, the header first


def _count_lines(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))


def open_extract(path: Path, budget: Budget) -> Extract:
    """Check what can be checked of the file before reading its rows, then read them as they
    are asked for. CSV unless the name ends in .xlsx."""
    if path.stat().st_size == 0:
        raise FileError("the file is empty.")
    if path.suffix.lower() == ".xlsx":
        last_row, rows = workbook_rows(path, budget)
        return Extract(lines=last_row, rows=rows)
    return Extract(lines=_count_lines(path), rows=csv_rows(path, budget))


def read_rows(path: Path, budget: Budget) -> Iterator[Row]:
    """The file's non-blank rows, the header first."""
    return open_extract(path, budget).rows
