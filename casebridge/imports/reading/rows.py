"""What reading any extract shares: the rows it gives, the error that stops it, and its budget."""

import math
import time
from dataclasses import dataclass, field
from pathlib import Path

# A real cell (a name, a reference, a code) is short; one of 10,000 characters is almost always
# an unbalanced quote that swallowed the rest of the file.
MAX_CELL_LENGTH = 10_000


class FileError(Exception):
    """The file can't be read as an extract at all. ``line`` is where, when it is known."""

    def __init__(self, message: str, *, line: int | None = None) -> None:
        super().__init__(message)
        self.message = f"Line {line}: {message}" if line else message
        self.line = line


@dataclass(frozen=True)
class Row:
    line: int  # as the partner's spreadsheet numbers it: the header is line 1
    cells: tuple[str, ...]


@dataclass(frozen=True)
class Budget:
    """The most an import reads of one file. Each limit is checked as the file streams, before
    more of it is read, so a hostile file costs no more than the largest honest one."""

    max_rows: int
    max_columns: int
    # What a workbook's parts may unzip to, together (a CSV's size is checked as it is uploaded).
    max_bytes: int
    max_cell: int = MAX_CELL_LENGTH
    seconds: float = math.inf
    started: float = field(default_factory=time.time)

    def check_time(self) -> None:
        """Refuse to go on once the import has taken longer than it may."""
        if time.time() - self.started > self.seconds:
            raise FileError(
                f"the import took longer than the {self.seconds / 60:g} minutes an import may "
                "take, so nothing was loaded: split the file by period and import each part."
            )

    def check_row_count(self, rows: int, line: int) -> None:
        if rows > self.max_rows:
            raise FileError(
                f"the file has more than {self.max_rows:,} rows, the most an import takes: "
                "split it by period and import each part.",
                line=line,
            )

    def check_column_count(self, count: int, line: int) -> None:
        if count > self.max_columns:
            what = "the header has {:,} columns" if line == 1 else "the row has {:,} values"
            raise FileError(
                f"{what.format(count)}, more than the {self.max_columns:,} columns an extract "
                "of this kind may have (its own, then blank ones). Is it the right file?",
                line=line,
            )


def header_name(cell: str) -> str:
    """ "Crime Reference" and "crime-reference" are both ``crime_reference``."""
    return "_".join(cell.strip().lower().replace("-", " ").split())


def check_cells(cells: tuple[str, ...], line: int, budget: Budget) -> None:
    # Almost every row passes: seen whole first, then cell by cell to say what is wrong.
    if "\x00" not in "".join(cells) and max(map(len, cells), default=0) <= budget.max_cell:
        return
    for cell in cells:
        if "\x00" in cell:
            raise FileError("the file contains NUL bytes: it is not a text CSV file.", line=line)
        if len(cell) > budget.max_cell:
            raise FileError(
                f"a cell has {len(cell):,} characters (no cell may have more than "
                f"{budget.max_cell:,}). Is a quote mark unbalanced?",
                line=line,
            )


ZIP_MAGIC = b"PK\x03\x04"
# Excel 97-2003 workbooks, and password-protected .xlsx ones, are OLE compound files.
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def signature(path: Path) -> bytes:
    """The file's first bytes, which say what kind of file it is whatever its name says."""
    with path.open("rb") as raw:
        return raw.read(len(OLE_MAGIC))


def old_workbook_error() -> FileError:
    return FileError(
        "this is an Excel 97-2003 workbook (.xls) or a password-protected one: open it in "
        'Excel, remove any password and save it as "Excel Workbook (.xlsx)" or "CSV UTF-8 '
        '(comma delimited)", and upload that.'
    )
