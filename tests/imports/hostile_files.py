"""Hostile extracts, written where a test (or bench/hostile_imports.py) asks, never committed.

Each is small to send and huge to read naively: a header of a million columns, one enormous
cell, a workbook declaring every cell Excel has, a shared text of hundreds of millions of
characters, and a zip bomb. Workbooks are written by hand with zipfile, so that what they say of
themselves can lie, and big parts are streamed into the zip compressed, so the file stays small.
"""

import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO
from xml.sax.saxutils import escape

from openpyxl.utils.cell import get_column_letter

from tests.imports.factories import HEADER, offence

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE = "http://schemas.openxmlformats.org/package/2006/relationships"
CONTENT_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
SPREADSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml"
CHUNK = 1 << 20

Writer = Callable[[IO[bytes]], None]


def many_columns_csv(path: Path, columns: int = 1_000_000) -> Path:
    """The format's header, then a million more columns (7 MB)."""
    with path.open("w") as out:
        out.write(",".join([HEADER, *(f"c{n}" for n in range(columns))]) + "\n")
    return path


def enormous_cell_csv(path: Path, characters: int = 50_000_000) -> Path:
    """A valid header, then a row whose victim's name is one quoted cell of 50 million
    characters."""
    before, _, after = offence().partition("Amira")
    with path.open("w") as out:
        out.write(HEADER + "\n" + before + '"')
        for start in range(0, characters, CHUNK):
            out.write("A" * min(CHUNK, characters - start))
        out.write('"' + after + "\n")
    return path


def _cell(reference: str, text: str) -> str:
    return f'<c r="{reference}" t="inlineStr"><is><t>{escape(text)}</t></is></c>'


def _row(number: int, cells: Iterable[str]) -> str:
    row = "".join(
        _cell(f"{get_column_letter(n)}{number}", cell) for n, cell in enumerate(cells, start=1)
    )
    return f'<row r="{number}">{row}</row>'


def _sheet(dimension: str, rows: str) -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">'
        f'<dimension ref="{dimension}"/><sheetData>{rows}</sheetData></worksheet>'
    )


def offences_sheet(dimension: str = "A1:K2", extra: str = "") -> str:
    """The header and one offence, in a sheet declaring ``dimension``; ``extra`` rows after."""
    rows = _row(1, HEADER.split(",")) + _row(2, offence().split(",")) + extra
    return _sheet(dimension, rows)


def workbook(
    path: Path, sheet: str | Writer, *more: tuple[str, Writer], strings: bool = False
) -> Path:
    """A workbook of one sheet, written part by part; the sheet, if it is a writer, and
    ``more`` parts are streamed in after."""
    overrides = [
        ("/xl/workbook.xml", f"{SPREADSHEET}.sheet.main+xml"),
        ("/xl/worksheets/sheet1.xml", f"{SPREADSHEET}.worksheet+xml"),
    ]
    if strings:
        overrides.append(("/xl/sharedStrings.xml", f"{SPREADSHEET}.sharedStrings+xml"))
    parts = {
        "[Content_Types].xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="{CONTENT_TYPES}">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            + "".join(f'<Override PartName="{n}" ContentType="{t}"/>' for n, t in overrides)
            + "</Types>"
        ),
        "_rels/.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PACKAGE}">'
            f'<Relationship Id="rId1" Type="{RELATIONSHIPS}/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" '
            f'xmlns:r="{RELATIONSHIPS}"><sheets><sheet name="Offences" sheetId="1" r:id="rId1"/>'
            "</sheets></workbook>"
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PACKAGE}">'
            f'<Relationship Id="rId1" Type="{RELATIONSHIPS}/worksheet" '
            'Target="worksheets/sheet1.xml"/>'
            + (
                f'<Relationship Id="rId2" Type="{RELATIONSHIPS}/sharedStrings" '
                'Target="sharedStrings.xml"/>'
                if strings
                else ""
            )
            + "</Relationships>"
        ),
    }
    streamed = list(more)
    if isinstance(sheet, str):
        parts["xl/worksheets/sheet1.xml"] = sheet
    else:
        streamed.insert(0, ("xl/worksheets/sheet1.xml", sheet))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
        for name, write in streamed:
            with archive.open(name, "w") as part:
                write(part)
    return path


def _repeated(head: bytes, fill: bytes, count: int, tail: bytes) -> Writer:
    def write(part: IO[bytes]) -> None:
        part.write(head)
        for start in range(0, count, CHUNK):
            part.write(fill * min(CHUNK, count - start))
        part.write(tail)

    return write


def lying_dimension_xlsx(path: Path) -> Path:
    """Under 2 KB declaring A1:XFD1048576 (17 billion cells), holding a header and an offence."""
    return workbook(path, offences_sheet("A1:XFD1048576"))


def far_cell_xlsx(path: Path) -> Path:
    """The header and an offence, then one cell in the last column Excel has."""
    return workbook(path, offences_sheet("A1:XFD3", f'<row r="3">{_cell("XFD3", "x")}</row>'))


def far_row_xlsx(path: Path) -> Path:
    """Under 2 KB: the header and an offence, then one cell in the last row Excel has, which
    openpyxl would reach through a million empty rows, each as wide as the declared range."""
    far = '<row r="1048576"><c r="A1048576"><v>1</v></c></row>'
    return workbook(path, offences_sheet("A1:XFD1048576", far))


def shared_strings_bomb_xlsx(path: Path, characters: int = 300_000_000) -> Path:
    """The sheet's header row names its first cell by shared text 0: one text of 300 million
    characters (300 MB unzipped, about a megabyte zipped)."""
    head = f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}"><si><t>'.encode()
    strings = _repeated(head, b"a", characters, b"</t></si></sst>")
    sheet = offences_sheet().replace(_cell("A1", "crime_reference"), '<c r="A1" t="s"><v>0</v></c>')
    return workbook(path, sheet, ("xl/sharedStrings.xml", strings), strings=True)


def zip_bomb_xlsx(path: Path, inflated: int = 150_000_000) -> Path:
    """A workbook whose sheet runs on, after its header and an offence, with 150 MB of spaces
    (which XML allows between rows): under a megabyte zipped."""
    head, _, tail = offences_sheet().partition("</sheetData>")
    sheet = _repeated(head.encode(), b" ", inflated, f"</sheetData>{tail}".encode())
    return workbook(path, sheet)
