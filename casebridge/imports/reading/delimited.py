"""Reading a CSV extract (UTF-8) within its budget.

The csv module splits a whole row at once, however long, so the lines it is given are capped:
the header at a length a header of the budget's columns could have, every other row at the
budget's columns of the longest cell. Nothing past the cap is read, let alone split.
"""

import codecs
import csv
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from casebridge.imports.reading.rows import (
    OLE_MAGIC,
    ZIP_MAGIC,
    Budget,
    FileError,
    Row,
    check_cells,
    old_workbook_error,
    signature,
)

# A column's name is a word or a few; a header averaging more per column is not a header.
HEADER_CHARACTERS_PER_COLUMN = 100


class _Lines:
    """The file's lines for the csv reader, refusing a row longer than ``limit`` characters
    (a quoted value may span lines: the limit is the row's) before reading any more of it."""

    def __init__(self, text: TextIO, limit: int, too_long: str) -> None:
        self.text, self.limit, self.too_long = text, limit, too_long
        self.used, self.line = 0, 1

    def __iter__(self) -> "_Lines":
        return self

    def __next__(self) -> str:
        piece = self.text.readline(self.limit - self.used + 1)
        if not piece:
            raise StopIteration
        self.used += len(piece)
        if self.used > self.limit:
            raise FileError(self.too_long, line=self.line)
        return piece

    def next_row(self, *, line: int, limit: int, too_long: str) -> None:
        self.line, self.limit, self.too_long, self.used = line, limit, too_long, 0


def csv_rows(path: Path, budget: Budget) -> Iterator[Row]:
    first_bytes = signature(path)
    if first_bytes.startswith(ZIP_MAGIC):
        raise FileError("this is an Excel workbook, not a CSV file: give it the .xlsx ending.")
    if first_bytes == OLE_MAGIC:
        raise old_workbook_error()
    return _rows(path, budget)


def _rows(path: Path, budget: Budget) -> Iterator[Row]:
    header_limit = budget.max_columns * HEADER_CHARACTERS_PER_COLUMN
    row_limit = budget.max_columns * (budget.max_cell + 3)  # each cell quoted, and its comma
    row_too_long = (
        f"the row is over {row_limit:,} characters long, more than {budget.max_columns:,} "
        f"cells of at most {budget.max_cell:,} characters could be. Is a quote mark unbalanced?"
    )
    with path.open(encoding="utf-8-sig", errors="strict", newline="") as text:
        lines = _Lines(
            text,
            header_limit,
            f"the first line is over {header_limit:,} characters long, too long for a header "
            f"of this format (at most {budget.max_columns:,} columns): is it the right file?",
        )
        reader = csv.reader(lines, strict=True)
        line, count = 1, 0
        try:
            for cells in reader:
                count += 1
                budget.check_row_count(count - 1, line)
                budget.check_time()
                budget.check_column_count(len(cells), line)
                row = tuple(cells)
                check_cells(row, line, budget)
                if any(cell.strip() for cell in row):
                    yield Row(line=line, cells=row)
                line = reader.line_num + 1
                lines.next_row(line=line, limit=row_limit, too_long=row_too_long)
        except UnicodeDecodeError as error:
            raise _encoding_error(path) from error
        except csv.Error as error:
            raise _csv_error(error, line, budget) from error


def _encoding_error(path: Path) -> FileError:
    """Where the first byte that isn't UTF-8 is: the decoder reads ahead, so find it afresh
    (in pieces: a line may be as long as the file)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    line = 1
    with path.open("rb") as raw:
        for piece in iter(lambda: raw.readline(1 << 20), b""):
            try:
                decoder.decode(piece)
            except UnicodeDecodeError as error:
                byte = error.object[error.start : error.start + 1].hex().upper()
                return FileError(
                    f"the file is not UTF-8 text (byte 0x{byte} can't be read). Excel's plain "
                    '"CSV" saves Windows-1252: save it as "CSV UTF-8 (comma delimited)" and '
                    "upload it again.",
                    line=line,
                )
            line += piece.endswith(b"\n")
    return FileError("the file is not UTF-8 text.")


def _csv_error(error: csv.Error, line: int, budget: Budget) -> FileError:
    message = str(error)
    if "unexpected end of data" in message or "EOF" in message:
        return FileError(
            "the file ends inside a quoted value: it may have been cut short, or a quote mark "
            "is unbalanced.",
            line=line,
        )
    if "field larger than field limit" in message:
        return FileError(
            f"a cell is over {budget.max_cell:,} characters. Is a quote mark unbalanced?",
            line=line,
        )
    return FileError(f"the CSV can't be read ({message}).", line=line)
