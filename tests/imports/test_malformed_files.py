"""A file that can't be read as an extract fails whole, with an error saying what and where."""

import io

import pytest
from openpyxl import Workbook

from casebridge.imports.models import ImportBatch
from casebridge.incidents.models import Incident
from casebridge.people.models import Person
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


def failed_with(content: bytes, file_name: str = "offences.csv") -> str:
    batch = run_import(actor=analyst(), supplied_by=police(), content=content, file_name=file_name)
    assert batch.status == ImportBatch.Status.FAILED
    assert not Incident.objects.exists() and not Person.objects.exists()
    assert not batch.rejected_rows.exists()
    return batch.error


def workbook(rows: list[list[object]]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_file_not_in_utf8_says_which_line_and_how_to_save_it():
    content = offences_csv(offence(), offence("01/2/22", victim_family_name="Müller"))
    error = failed_with(content.decode().encode("cp1252"))
    assert error.startswith("Line 3: the file is not UTF-8 text (byte 0xFC can't be read).")
    assert 'save it as "CSV UTF-8 (comma delimited)"' in error


def test_a_utf8_file_with_a_byte_order_mark_is_read():
    content = b"\xef\xbb\xbf" + offences_csv(offence(victim_family_name="Müller"))
    batch = run_import(actor=analyst(), supplied_by=police(), content=content)
    assert batch.status == ImportBatch.Status.LOADED
    assert str(Incident.objects.get().victim) == "Amira Müller"


def test_a_file_without_a_header_row_is_refused():
    error = failed_with(offence().encode() + b"\n")
    assert error.startswith("Line 1: the first line is not a header")


def test_a_header_missing_a_required_column_names_it():
    header = HEADER.replace("offence_group,", "")
    row = offence().replace("violence_with_injury,", "")
    assert failed_with(offences_csv(row, header=header)) == (
        "Line 1: the header lacks required columns: offence_group."
    )


def test_a_misspelt_column_is_refused_rather_than_dropped():
    header = HEADER.replace("victim_date_of_birth", "victim_dob")
    error = failed_with(offences_csv(offence(), header=header))
    assert "columns this format does not have: victim_dob" in error


def test_a_file_cut_short_inside_a_quoted_value_is_refused():
    content = offences_csv(offence(), offence("01/2/22")) + b'01/3/22,other,N,"2022-05-'
    error = failed_with(content)
    assert error == (
        "Line 4: the file ends inside a quoted value: it may have been cut short, or a quote "
        "mark is unbalanced."
    )


def test_a_file_cut_short_mid_row_rejects_that_row_and_loads_the_rest():
    content = offences_csv(offence()) + b"01/2/22,other,N"
    batch = run_import(actor=analyst(), supplied_by=police(), content=content)
    assert (batch.rows_loaded, batch.rows_rejected) == (1, 1)
    assert "(is the file cut short here?)" in batch.rejected_rows.get().reasons[0]


def test_a_huge_cell_is_refused_with_its_line():
    content = offences_csv(offence(), offence("01/2/22", victim_given_name="A" * 50_000))
    assert failed_with(content).startswith("Line 3: a cell has 50,000 characters")


def test_a_cell_beyond_the_csv_field_limit_is_refused():
    content = offences_csv(offence()) + b'"' + b"x" * 200_000 + b'"\n'
    assert "characters" in failed_with(content)


def test_binary_nonsense_is_refused():
    assert "NUL bytes" in failed_with(offences_csv(offence()) + b"\x00\x01\x02,\x00\n")


def test_an_empty_file_is_refused():
    assert failed_with(b"") == "the file is empty."


def test_a_workbook_sent_with_a_csv_name_says_so():
    content = workbook([HEADER.split(","), offence().split(",")])
    assert "this is an Excel workbook" in failed_with(content)


def test_a_truncated_workbook_is_refused():
    content = workbook([HEADER.split(","), offence().split(",")])
    error = failed_with(content[: len(content) // 2], file_name="offences.xlsx")
    assert error.startswith("the workbook is damaged")


def test_a_workbook_is_read_with_its_typed_cells():
    from datetime import datetime

    header = HEADER.split(",")
    row = offence().split(",")
    row[header.index("occurred_at")] = datetime(2022, 5, 14, 23, 10)  # type: ignore[call-overload]
    row[header.index("victim_date_of_birth")] = datetime(1991, 3, 8)  # type: ignore[call-overload]
    batch = run_import(
        actor=analyst(),
        supplied_by=police(),
        content=workbook([header, row]),
        file_name="offences.xlsx",
    )
    assert (batch.status, batch.rows_loaded) == (ImportBatch.Status.LOADED, 1)
    assert str(Incident.objects.get().victim.date_of_birth) == "1991-03-08"


def test_a_workbooks_rows_are_counted_for_the_progress_bar(tmp_path):
    from casebridge.imports.reading import open_extract

    path = tmp_path / "offences.xlsx"
    path.write_bytes(workbook([HEADER.split(","), offence().split(","), offence().split(",")]))
    assert open_extract(path, offences_budget()).lines == 3


def test_a_file_failing_part_way_keeps_how_far_it_was_read():
    rows = [offence(f"01/{n}/22") for n in range(2_500)]
    content = offences_csv(*rows) + b'01/x/22,other,N,"2022-05-'
    batch = run_import(actor=analyst(), supplied_by=police(), content=content)
    assert batch.status == ImportBatch.Status.FAILED
    batch.refresh_from_db()
    assert batch.rows_read == 2_000  # the last progress written before the file ended badly
