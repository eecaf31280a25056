"""Reading an Excel workbook (.xlsx) extract within its budget: its first sheet, by what it holds.

Before openpyxl opens it, the zip is checked from its directory, inflating nothing: how many
parts it has, what they unzip to together, and what each unzips to against its compressed size
(a zip bomb's parts inflate a thousand times; zipfile, and so openpyxl, never inflates a part
past the size the directory gives it). Then every part is streamed through workbook_scan.

The range a sheet declares (``<dimension ref="A1:XFD1048576"/>``) is a claim about itself,
like the rest of the file: openpyxl would pad every row and fill every gap to it. It is
ignored; the sheet is read by the rows and cells it really holds, each of which the scan has
counted against the budget. Refusing a large declared range would bound nothing (a sheet can
declare A1:A1 and hold a million rows) and would refuse honest files: Excel declares the range
of every cell ever formatted, data or not.
"""

import struct
from collections.abc import Iterator
from datetime import date, datetime, time
from pathlib import Path
from zipfile import ZipFile, ZipInfo

from openpyxl import load_workbook

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
from casebridge.imports.reading.workbook_scan import scan_part

# A workbook Excel writes has a few dozen parts, each named in the zip's directory in well
# under a kilobyte; the directory is read whole when the zip is opened, so it is checked first.
MAX_PARTS = 1_000
MAX_DIRECTORY_BYTES = MAX_PARTS * 1_024
# Spreadsheet XML deflates about ten times; a part unzipping to a hundred times its size is not
# a spreadsheet's (Apache POI refuses the same ratio). Small parts are left alone: their total
# is bounded anyway.
MAX_INFLATION = 100
INFLATION_CHECKED_FROM = 1_000_000
END_OF_DIRECTORY = b"PK\x05\x06"
ZIP64_LOCATOR = b"PK\x06\x07"
MB = 1_000_000


def _damaged(line: int | None = None) -> FileError:
    return FileError(
        "the workbook is damaged or is not an Excel .xlsx file (it may have been cut short "
        "in sending).",
        line=line,
    )


def workbook_rows(path: Path, budget: Budget) -> tuple[int, Iterator[Row]]:
    """The sheet's last row number (for the progress bar) and its rows, once every part of the
    workbook has been checked against the budget."""
    first_bytes = signature(path)
    if first_bytes == OLE_MAGIC:
        raise old_workbook_error()
    if not first_bytes.startswith(ZIP_MAGIC):
        raise FileError(
            "the file is not an Excel .xlsx workbook (it does not begin as one does): if it is "
            "a CSV file, give it the .csv ending."
        )
    _check_directory(path)
    try:
        archive = ZipFile(path)
    except Exception as error:
        raise _damaged() from error
    with archive:
        parts = archive.infolist()
        _check_sizes(parts, budget)
        last_row = max((_scan(archive, part, budget) for part in parts), default=0)
    return last_row, _rows(path, budget)


def _check_directory(path: Path) -> None:
    """The zip's directory, from the record at its end, before zipfile reads all of it."""
    size = path.stat().st_size
    with path.open("rb") as raw:
        raw.seek(max(0, size - 22 - 0xFFFF))  # the record, then at most a 64 KB comment
        tail = raw.read()
    at = tail.rfind(END_OF_DIRECTORY)
    if at < 0 or len(tail) - at < 22:
        raise _damaged()
    if tail[max(0, at - 20) : at - 16] == ZIP64_LOCATOR:
        raise FileError(
            "the workbook is stored as a ZIP64 archive, which Excel uses only for workbooks far "
            "larger than an import takes: save the sheet as CSV UTF-8 and upload that."
        )
    parts, directory_bytes = struct.unpack_from("<10xHI", tail, at)
    if parts > MAX_PARTS or directory_bytes > MAX_DIRECTORY_BYTES:
        raise FileError(
            f"the workbook has {parts:,} parts (Excel writes a few dozen): it is damaged or "
            "is not a workbook."
        )


def _check_sizes(parts: list[ZipInfo], budget: Budget) -> None:
    if len(parts) > MAX_PARTS:
        raise _damaged()
    unzipped = sum(part.file_size for part in parts)
    if unzipped > budget.max_bytes:
        raise FileError(
            f"the workbook unzips to {unzipped / MB:,.0f} MB, more than the "
            f"{budget.max_bytes / MB:,.0f} MB an import reads: save the sheet as CSV UTF-8 "
            "(a fraction of the size), or split it by period and import each part."
        )
    for part in parts:
        inflation = part.file_size / max(part.compress_size, 1)
        if part.file_size > INFLATION_CHECKED_FROM and inflation > MAX_INFLATION:
            raise FileError(
                f"the workbook's part {part.filename[:100]} unzips to {inflation:,.0f} times "
                "its size, which no spreadsheet does (it may be a zip bomb): save the sheet as "
                "CSV UTF-8 and upload that."
            )


def _scan(archive: ZipFile, part: ZipInfo, budget: Budget) -> int:
    try:
        stream = archive.open(part)
    except Exception:
        return 0  # a part zipfile can't open (encrypted, say): openpyxl refuses it if needed
    with stream:
        try:
            return scan_part(part.filename[:100], stream, budget)
        except FileError:
            raise
        except Exception:
            # Damaged part way (a bad checksum, say): what came before was scanned, and
            # openpyxl reading it stops where this did.
            return 0


def _cell(value: object) -> str:
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


def _rows(path: Path, budget: Budget) -> Iterator[Row]:
    # A damaged workbook fails inside the zip, XML or openpyxl layers in many ways of their
    # own; to the analyst each is the same fact: the workbook can't be read.
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:
        raise _damaged() from error
    line = 0
    try:
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # the rows it holds, not the range it declares
        for line, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            budget.check_time()
            row = tuple(_cell(value) for value in values)
            check_cells(row, line, budget)
            if any(cell.strip() for cell in row):
                yield Row(line=line, cells=row)
    except FileError:
        raise
    except Exception as error:
        raise _damaged(line + 1) from error
    finally:
        workbook.close()
