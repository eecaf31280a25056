"""Checking a workbook's XML against the budget before openpyxl reads any of it.

openpyxl trusts what a workbook says of itself: it reads the whole shared-strings part into
memory, pads every row to its last cell and fills the gaps between row numbers, and
ElementTree gathers each text whole before anyone can look at its length. So each part is
first streamed through expat, which hands text over in pieces, and refused at the first thing
past the budget: a row numbered beyond the rows an import takes, a cell beyond its columns, a
cell or shared text longer than a cell may be, a tag longer than any a spreadsheet writes, or a
document type (the only way to declare entities).

Whatever openpyxl would take for a row, a cell or a shared text, this counts as one: it matches
local names whatever their namespace, in every part, and takes any child of a row for a cell, as
openpyxl does. The handlers are closures, not methods: they run for every element of the sheet.
"""

import re
import xml.parsers.expat
from typing import IO

from openpyxl.utils.cell import column_index_from_string, get_column_letter

from casebridge.imports.reading.rows import Budget, FileError

CHUNK = 1 << 16
# Spreadsheet tags are at most a few hundred bytes (the root's namespaces); this is generous.
MAX_TAG_BYTES = 1 << 20
# Parts whose text is all cells: elsewhere (a Power Query workbook's customXml, say) a long text
# is not a cell, and openpyxl does not read it.
CELL_PARTS = {"worksheet", "sst"}
COORDINATE = re.compile(r"^\$?([A-Za-z]{1,3})\$?\d+$")


def _column(coordinate: str) -> int:
    match = COORDINATE.match(coordinate)
    if match is None:
        raise FileError(f"the workbook names a cell {coordinate[:20]!r}, which is not a cell.")
    return column_index_from_string(match[1].upper())


def _row_number(value: str) -> int:
    try:
        number = float(value)
    except ValueError:
        number = 0.0
    if not number.is_integer() or number < 1:
        raise FileError(f"the workbook numbers a row {value[:20]!r}, which is not a row number.")
    return int(number)


def scan_part(name: str, stream: IO[bytes], budget: Budget) -> int:
    """Check one part against the budget; the last row number of the sheet it is, if it is one."""
    max_rows, max_columns, max_cell = budget.max_rows, budget.max_columns, budget.max_cell
    root = ""
    row = column = last_row = 0
    # One entry per open element, under a sentinel: is it a row? (A row's children are cells.)
    open_rows = [False]
    in_text = 0  # open cells and shared texts, each of whose text is counted as one
    text = 0  # characters of the current cell or shared text, or since the last tag

    def first(tag: str, attributes: dict[str, str]) -> None:
        nonlocal root
        root = tag.rpartition(":")[2]
        parser.StartElementHandler = start
        start(tag, attributes)

    def start(tag: str, attributes: dict[str, str]) -> None:
        nonlocal row, column, last_row, in_text, text
        is_cell = open_rows[-1]
        if ":" in tag:
            tag = tag.rpartition(":")[2]
        is_row = tag == "row"
        open_rows.append(is_row)
        if is_row:
            number = attributes.get("r")
            row, column = _row_number(number) if number else row + 1, 0
            if row > max_rows:
                raise FileError(
                    f"the sheet has a row numbered {row:,}, past the {max_rows:,} rows an "
                    "import takes: split it by period and import each part."
                )
            last_row = max(last_row, row)
        elif is_cell:
            coordinate = attributes.get("r")
            column = _column(coordinate) if coordinate else column + 1
            if column > max_columns:
                raise FileError(
                    f"the sheet has a cell in column {get_column_letter(column)} (column "
                    f"{column:,}), past the {max_columns:,} columns an extract of this kind may "
                    "have (its own, then blank ones). Is it the right sheet?",
                    line=row,
                )
        if is_cell or tag == "si":
            if not in_text:
                text = 0
            in_text += 1
        elif not in_text:
            text = 0

    def end(tag: str) -> None:
        nonlocal in_text, text
        open_rows.pop()
        if in_text and (open_rows[-1] or tag.rpartition(":")[2] == "si"):
            in_text -= 1
        if not in_text:
            text = 0

    def characters(data: str) -> None:
        nonlocal text
        text += len(data)
        if text <= max_cell:
            return
        if in_text:
            raise FileError(
                f"a cell has more than {max_cell:,} characters (no cell may have more): find "
                "it and shorten it, or save the sheet as CSV UTF-8 to see it.",
                line=row or None,
            )
        if root in CELL_PARTS:
            raise FileError(
                f"the workbook's part {name} has a text of more than {max_cell:,} characters "
                "outside any cell: it is damaged or is not a workbook Excel wrote."
            )

    def doctype(*args: object) -> None:
        raise FileError(
            f"the workbook's part {name} declares a document type (DOCTYPE), which Excel never "
            "writes: save the sheet again from Excel, or as CSV UTF-8, and upload that."
        )

    parser = xml.parsers.expat.ParserCreate()
    parser.buffer_text = True
    parser.StartDoctypeDeclHandler = doctype
    parser.StartElementHandler = first
    parser.EndElementHandler = end
    parser.CharacterDataHandler = characters
    fed = 0
    try:
        for chunk in iter(lambda: stream.read(CHUNK), b""):
            parser.Parse(chunk, False)
            fed += len(chunk)
            # expat holds a tag (or a comment) until it ends: this is how much it holds.
            if fed - parser.CurrentByteIndex > MAX_TAG_BYTES:
                raise FileError(
                    f"the workbook's part {name} has a tag over {MAX_TAG_BYTES:,} bytes long, "
                    "which no spreadsheet writes: it is damaged or is not a workbook."
                )
            budget.check_time()
        parser.Parse(b"", True)
    except xml.parsers.expat.ExpatError:
        # Not XML, or XML broken at some point: openpyxl, which parses with expat too, stops
        # at the same byte, so everything it could take in has been counted.
        pass
    return last_row if root == "worksheet" else 0
