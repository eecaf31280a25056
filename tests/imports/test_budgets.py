"""A hostile file is refused within the import's budget, with a message saying what and where,
and nothing of it is loaded. Each file is written by the test (tests/imports/hostile_files.py);
how long each refusal takes, and the memory it needs, is bench/hostile_imports.py's to measure."""

import random
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine

from casebridge.imports.models import ImportBatch, RejectedRow
from casebridge.imports.reading import FileError, open_extract
from casebridge.incidents.models import Incident
from casebridge.people.models import Person
from tests.imports import hostile_files as hostile
from tests.imports.factories import (
    HEADER,
    analyst,
    offence,
    offences_budget,
    offences_csv,
    police,
    run_import,
)

pytestmark = pytest.mark.django_db


def refused(path: Path, settings) -> str:
    """Import the file: it must fail whole, load nothing and leave no file behind."""
    batch = run_import(
        actor=analyst(), supplied_by=police(), content=path.read_bytes(), file_name=path.name
    )
    assert batch.status == ImportBatch.Status.FAILED
    assert not Incident.objects.exists() and not Person.objects.exists()
    assert not RejectedRow.objects.exists()
    assert list(settings.CASEBRIDGE_IMPORT_DIR.iterdir()) == []
    return batch.error


def test_a_header_of_a_million_columns_is_refused_from_its_first_line(tmp_path, settings):
    error = refused(hostile.many_columns_csv(tmp_path / "offences.csv"), settings)
    assert error == (
        "Line 1: the first line is over 12,600 characters long, too long for a header of this "
        "format (at most 126 columns): is it the right file?"
    )


def test_a_header_of_too_many_short_columns_says_how_many(tmp_path, settings):
    path = tmp_path / "offences.csv"
    path.write_text(",".join(f"c{n}" for n in range(1_000)) + "\n")
    assert refused(path, settings).startswith(
        "Line 1: the header has 1,000 columns, more than the 126 columns an extract of this kind "
        "may have (its own, then blank ones). Is it the right file?"
    )


def test_a_header_naming_columns_again_and_again_names_each_once(settings, tmp_path):
    path = tmp_path / "offences.csv"
    path.write_text(",".join([HEADER, *["victim_sex", "outcome"] * 50]) + "\n")
    assert refused(path, settings) == (
        "Line 1: the header names a column twice: outcome, victim_sex."
    )


def test_a_header_of_many_unknown_columns_names_the_first_ten(settings, tmp_path):
    path = tmp_path / "offences.csv"
    path.write_text(",".join([HEADER, *(f"extra_{n}" for n in range(100))]) + "\n")
    error = refused(path, settings)
    assert "extra_0, extra_1, extra_2" in error and "extra_9 and 90 more." in error


def test_a_row_with_one_enormous_cell_is_refused_without_reading_it(tmp_path, settings):
    error = refused(hostile.enormous_cell_csv(tmp_path / "offences.csv"), settings)
    assert error.startswith("Line 2: the row is over 1,260,378 characters long")


def test_a_row_of_too_many_values_is_refused(settings, tmp_path):
    path = tmp_path / "offences.csv"
    path.write_text(offences_csv(offence() + "," * 500).decode())
    assert refused(path, settings).startswith(
        "Line 2: the row has 511 values, more than the 126 columns"
    )


def test_a_file_of_more_rows_than_an_import_takes_is_refused(settings):
    settings.CASEBRIDGE_IMPORT_MAX_ROWS = 2
    content = offences_csv(*(offence(f"01/{n}/22") for n in range(3)))
    batch = run_import(actor=analyst(), supplied_by=police(), content=content)
    assert batch.error == (
        "Line 4: the file has more than 2 rows, the most an import takes: split it by period "
        "and import each part."
    )
    assert not Incident.objects.exists()


def test_a_workbook_declaring_every_cell_excel_has_is_read_by_the_rows_it_holds(tmp_path):
    path = hostile.lying_dimension_xlsx(tmp_path / "offences.xlsx")
    assert path.stat().st_size < 2_000
    batch = run_import(
        actor=analyst(), supplied_by=police(), content=path.read_bytes(), file_name=path.name
    )
    assert (batch.status, batch.rows_expected, batch.rows_loaded) == ("loaded", 1, 1)


def test_a_workbook_with_a_cell_in_the_last_column_is_refused(tmp_path, settings):
    error = refused(hostile.far_cell_xlsx(tmp_path / "offences.xlsx"), settings)
    assert error.startswith(
        "Line 3: the sheet has a cell in column XFD (column 16,384), past the 126 columns"
    )


def test_a_workbook_with_a_row_numbered_past_the_budget_is_refused(tmp_path, settings):
    path = hostile.far_row_xlsx(tmp_path / "offences.xlsx")
    assert refused(path, settings).startswith(
        "the sheet has a row numbered 1,048,576, past the 1,000,000 rows an import takes"
    )


def test_a_shared_strings_bomb_is_refused_before_it_is_unzipped(tmp_path, settings):
    path = hostile.shared_strings_bomb_xlsx(tmp_path / "offences.xlsx")
    assert path.stat().st_size < 2_000_000
    assert refused(path, settings).startswith(
        "the workbook unzips to 300 MB, more than the 200 MB an import reads"
    )


def test_a_shared_text_longer_than_a_cell_may_be_is_refused_as_it_streams(tmp_path, settings):
    path = hostile.shared_strings_bomb_xlsx(tmp_path / "offences.xlsx", characters=900_000)
    assert refused(path, settings).startswith(
        "a cell has more than 10,000 characters (no cell may have more)"
    )


def test_a_cell_of_the_sheet_longer_than_a_cell_may_be_is_refused_with_its_line(tmp_path):
    long_cell = f'<row r="3"><c r="A3" t="inlineStr"><is><t>{"x" * 20_000}</t></is></c></row>'
    path = hostile.workbook(tmp_path / "o.xlsx", hostile.offences_sheet(extra=long_cell))
    with pytest.raises(FileError) as refusal:
        open_extract(path, offences_budget())
    assert refusal.value.message.startswith("Line 3: a cell has more than 10,000 characters")


def test_a_zip_bomb_is_refused_from_the_zip_directory(tmp_path, settings):
    path = hostile.zip_bomb_xlsx(tmp_path / "offences.xlsx")
    assert path.stat().st_size < 1_000_000
    error = refused(path, settings)
    assert error.startswith("the workbook's part xl/worksheets/sheet1.xml unzips to ")
    assert "times its size, which no spreadsheet does (it may be a zip bomb)" in error


def test_a_workbook_declaring_a_document_type_is_refused(tmp_path, settings):
    sheet = hostile.offences_sheet().replace(
        "<worksheet", '<!DOCTYPE worksheet [<!ENTITY x "xx">]><worksheet'
    )
    path = hostile.workbook(tmp_path / "offences.xlsx", sheet)
    assert refused(path, settings).startswith(
        "the workbook's part xl/worksheets/sheet1.xml declares a document type (DOCTYPE)"
    )


def test_a_tag_longer_than_any_spreadsheet_writes_is_refused(tmp_path):
    noise = random.Random(1).randbytes(1_000_000).hex()  # which deflate can't shrink much
    sheet = hostile.offences_sheet().replace("<sheetData>", f'<sheetData x="{noise}">')
    path = hostile.workbook(tmp_path / "offences.xlsx", sheet)
    with pytest.raises(FileError, match="has a tag over 1,048,576 bytes long"):
        open_extract(path, offences_budget())


def test_a_workbook_of_thousands_of_parts_is_refused_before_the_zip_is_opened(tmp_path):
    path = hostile.workbook(tmp_path / "offences.xlsx", hostile.offences_sheet())
    with zipfile.ZipFile(path, "a") as archive:
        for n in range(1_500):
            archive.writestr(f"xl/media/{n}.bin", b"")
    with pytest.raises(FileError, match="the workbook has 1,505 parts"):
        open_extract(path, offences_budget())


def test_an_old_excel_workbook_says_how_to_save_it(settings, tmp_path):
    path = tmp_path / "offences.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    assert refused(path, settings).startswith("this is an Excel 97-2003 workbook (.xls)")


def test_a_csv_file_named_as_a_workbook_says_so(settings, tmp_path):
    path = tmp_path / "offences.xlsx"
    path.write_bytes(offences_csv(offence()))
    assert refused(path, settings).startswith("the file is not an Excel .xlsx workbook")


def test_an_import_that_runs_out_of_time_checking_fails_and_loads_nothing(monkeypatch):
    from casebridge.imports.services import checking

    with time_machine.travel(datetime(2026, 12, 1, 9, tzinfo=UTC), tick=False) as clock:

        def slow_check(**kwargs):
            clock.shift(timedelta(minutes=31))
            return real_check(**kwargs)

        real_check = checking.check_chunk
        monkeypatch.setattr(checking, "check_chunk", slow_check)
        content = offences_csv(offence("01/1/22"), offence("01/2/22"))
        batch = run_import(actor=analyst(), supplied_by=police(), content=content)
    assert batch.error == (
        "the import took longer than the 30 minutes an import may take, so nothing was "
        "loaded: split the file by period and import each part."
    )
    assert not Incident.objects.exists() and not Person.objects.exists()


def test_an_import_that_runs_out_of_time_loading_rolls_the_load_back(monkeypatch):
    from casebridge.imports.services import running

    with time_machine.travel(datetime(2026, 12, 1, 9, tzinfo=UTC), tick=False) as clock:

        def slow_load(**kwargs):
            outcome = real_load(**kwargs)
            clock.shift(timedelta(minutes=31))
            return outcome

        real_load = running.load_rows
        monkeypatch.setattr(running, "load_rows", slow_load)
        batch = run_import(actor=analyst(), supplied_by=police(), content=offences_csv(offence()))
    assert batch.status == ImportBatch.Status.FAILED
    assert batch.error.startswith("the import took longer than the 30 minutes")
    assert (batch.rows_loaded, batch.people_created) == (0, 0)
    assert not Incident.objects.exists() and not Person.objects.exists()
