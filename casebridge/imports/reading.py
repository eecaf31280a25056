"""Reading a partner's file as rows of text cells: CSV (UTF-8) or XLSX, whichever it is.

Whatever is wrong with the file as a whole (not text, not UTF-8, no header, cut short inside
a quoted value, a cell too big to be real) is a ``FileError`` saying what and where, in words
the analyst can act on; nothing is read past it. What is wrong with one row is the
validator's business (validation.py): that row is rejected and the rest go on.
"""

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

from openpyxl import load_workbook

# A real cell (a name, a reference, a code) is short; one of 10,000 characters is almost always
# an unbalanced quote that swallowed the rest of the file.
MAX_CELL_LENGTH = 10_000
ZIP_MAGIC = b"PK\x03\x04"


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


def header_name(cell: str) -> str:
    """ "Crime Reference" and "crime-reference" are both ``crime_reference``."""
    return "_".join(cell.strip().lower().replace("-", " ").split())


def count_lines(path: Path) -> int:
    """About how many rows the file has, for the progress bar (counting bytes is quick)."""
    if path.suffix.lower() == ".xlsx":
        return _xlsx_row_count(path)
    with path.open("rb") as handle:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))


def _xlsx_row_count(path: Path) -> int:
    """The sheet's declared size (read from its header, not by reading the rows)."""
    try:
        workbook = load_workbook(path, read_only=True)
    except Exception:
        return 0  # reading it will say what is wrong
    try:
        return workbook.worksheets[0].max_row or 0
    except Exception:
        return 0
    finally:
        workbook.close()


def _check_cells(cells: tuple[str, ...], line: int) -> None:
    for cell in cells:
        if "\x00" in cell:
            raise FileError("the file contains NUL bytes: it is not a text CSV file.", line=line)
        if len(cell) > MAX_CELL_LENGTH:
            raise FileError(
                f"a cell has {len(cell):,} characters (no cell may have more than "
                f"{MAX_CELL_LENGTH:,}). Is a quote mark unbalanced?",
                line=line,
            )


def _encoding_error(path: Path) -> FileError:
    """Where the first byte that isn't UTF-8 is: the decoder reads ahead, so find it afresh."""
    with path.open("rb") as raw:
        for line, text in enumerate(raw, start=1):
            try:
                text.decode("utf-8")
            except UnicodeDecodeError as error:
                byte = text[error.start : error.start + 1].hex().upper()
                return FileError(
                    f"the file is not UTF-8 text (byte 0x{byte} can't be read). Excel's plain "
                    '"CSV" saves Windows-1252: save it as "CSV UTF-8 (comma delimited)" and '
                    "upload it again.",
                    line=line,
                )
    return FileError("the file is not UTF-8 text.")


def _csv_rows(path: Path) -> Iterator[Row]:
    with path.open("rb") as raw:
        if raw.read(4) == ZIP_MAGIC:
            raise FileError("this is an Excel workbook, not a CSV file: give it the .xlsx ending.")
    with path.open(encoding="utf-8-sig", errors="strict", newline="") as text:
        reader = csv.reader(text, strict=True)
        line = 1
        try:
            for cells in reader:
                row = tuple(cells)
                _check_cells(row, line)
                if any(cell.strip() for cell in row):
                    yield Row(line=line, cells=row)
                line = reader.line_num + 1
        except UnicodeDecodeError as error:
            raise _encoding_error(path) from error
        except csv.Error as error:
            raise _csv_error(error, line) from error


def _csv_error(error: csv.Error, line: int) -> FileError:
    message = str(error)
    if "unexpected end of data" in message or "EOF" in message:
        return FileError(
            "the file ends inside a quoted value: it may have been cut short, or a quote mark "
            "is unbalanced.",
            line=line,
        )
    if "field larger than field limit" in message:
        return FileError(
            f"a cell is over {MAX_CELL_LENGTH:,} characters. Is a quote mark unbalanced?",
            line=line,
        )
    return FileError(f"the CSV can't be read ({message}).", line=line)


def _xlsx_cell(value: object) -> str:
    """Excel's typed cells as the text a CSV of the same sheet would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Y" if value else "N"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _damaged(line: int | None = None) -> FileError:
    return FileError(
        "the workbook is damaged or is not an Excel .xlsx file (it may have been cut short "
        "in sending).",
        line=line,
    )


def _xlsx_rows(path: Path) -> Iterator[Row]:
    # A damaged workbook fails inside the zip, XML or openpyxl layers in many ways of their
    # own; to the analyst each is the same fact: the workbook can't be read.
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:
        raise _damaged() from error
    line = 0
    try:
        sheet = workbook.worksheets[0]
        for line, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            row = tuple(_xlsx_cell(value) for value in values)
            _check_cells(row, line)
            if any(cell.strip() for cell in row):
                yield Row(line=line, cells=row)
    except FileError:
        raise
    except Exception as error:
        raise _damaged(line + 1) from error
    finally:
        workbook.close()


def read_rows(path: Path) -> Iterator[Row]:
    """The file's non-blank rows, the header first. CSV unless the name ends in .xlsx."""
    if path.stat().st_size == 0:
        raise FileError("the file is empty.")
    return _xlsx_rows(path) if path.suffix.lower() == ".xlsx" else _csv_rows(path)
