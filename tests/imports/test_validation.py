import csv
import hashlib
import json
import random
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from casebridge.imports.formats import extract_format, extract_formats
from casebridge.imports.validation import (
    PARSERS,
    CellError,
    CheckedRow,
    Clock,
    _notes,
    _rule_reasons,
    check_chunk,
    check_row,
    jsonable,
)

LONDON = ZoneInfo("Europe/London")


def checked(kind: str = "police-custody", **cells: str):
    base = {
        "custody_reference": "C1",
        "detained_at": "2022-05-14 23:55",
        "offence_group": "drugs",
        "disposal": "charged",
        "domestic_abuse_flag": "N",
        "given_name": "Kyle",
        "family_name": "Bennett",
        "date_of_birth": "2004-09-17",
    }
    return check_row(extract=extract_format(kind), line=2, cells=base | cells)


@pytest.mark.parametrize(
    ("cell", "value"),
    [
        ("2004-09-17", date(2004, 9, 17)),
        ("17/09/2004", date(2004, 9, 17)),
        ("2004-9-7", date(2004, 9, 7)),  # not ISO's shape: read as before, by strptime
    ],
)
def test_dates_are_read_in_iso_and_uk_order(cell, value):
    assert checked(date_of_birth=cell).values["date_of_birth"] == value


@pytest.mark.parametrize("cell", ["2004-02-30", "20040917", "2004-W38-5"])
def test_a_date_in_iso_shape_that_is_no_day_or_another_iso_form_is_rejected(cell):
    assert checked(date_of_birth=cell).reasons == (
        f"date_of_birth: {cell!r} is not a date (write YYYY-MM-DD or DD/MM/YYYY)",
    )


@pytest.mark.parametrize(("cell", "seconds"), [("2022-05-14 23:55", 0), ("2022-05-14T23:55:07", 7)])
def test_iso_times_are_read_with_or_without_seconds(cell, seconds):
    read = checked(detained_at=cell).values["detained_at"]
    assert read == datetime(2022, 5, 14, 23, 55, seconds, tzinfo=LONDON)


def test_times_are_uk_local_time():
    summer = checked(detained_at="14/05/2022 23:55").values["detained_at"]
    assert summer == datetime(2022, 5, 14, 23, 55, tzinfo=LONDON)
    assert summer.utcoffset().total_seconds() == 3600


@time_machine.travel(datetime(2023, 1, 1, tzinfo=LONDON))
def test_a_date_of_birth_in_the_future_is_rejected():
    assert checked(date_of_birth="2024-01-01").reasons == (
        "date_of_birth: 01/01/2024 is in the future",
    )


@pytest.mark.parametrize(("cell", "value"), [("se15 4qt", "SE15 4QT"), ("SW1A1AA", "SW1A 1AA")])
def test_postcodes_are_put_in_royal_mail_form(cell, value):
    assert checked(postcode=cell).values["postcode"] == value


@pytest.mark.parametrize(("cell", "value"), [("Y", True), ("no", False), ("1", True)])
def test_yes_no_is_read_generously(cell, value):
    assert checked(domestic_abuse_flag=cell).values["domestic_abuse_flag"] is value


def test_codes_are_read_in_any_case():
    assert checked(offence_group="DRUGS").values["offence_group"] == "drugs"


def test_an_nhs_number_with_a_wrong_check_digit_is_rejected():
    cells = {"attendance_reference": "A1", "attended_at": "2022-05-15 00:40"}
    cells |= {"location_type": "home", "weapon": "none"}
    good = checked("hospital-violence-attendances", **cells, nhs_number="943 476 5919")
    bad = checked("hospital-violence-attendances", **cells, nhs_number="9434765918")
    assert good.values["nhs_number"] == "9434765919" and good.valid
    assert bad.reasons == (
        "nhs_number: '9434765918' is not a valid NHS number (its check digit is wrong)",
    )


def test_an_over_long_value_is_rejected_with_its_length():
    assert checked(given_name="K" * 101).reasons == (
        "given_name: is 101 characters long; the most is 100",
    )


def test_an_end_before_its_start_is_rejected():
    cells = {"episode_reference": "E1", "episode_type": "looked_after", "category": "neglect"}
    row = checked("social-care-episodes", **cells, started_on="2022-06-20", ended_on="2022-06-01")
    assert row.reasons == ("ended_on is before started_on",)


def test_the_same_values_give_the_same_digest_however_written():
    assert checked(date_of_birth="17/09/2004").digest == checked(date_of_birth="2004-09-17").digest
    assert checked(given_name="Kyle").digest != checked(given_name="Kylie").digest


def adr_0006_digest(values: dict, without: tuple[str, ...] = ()) -> str:
    """The digest's form as ADR 0006 fixes it: SHA-256 of the typed values as sorted JSON."""
    kept = {k: v for k, v in jsonable(values).items() if k not in without}
    return hashlib.sha256(json.dumps(kept, sort_keys=True).encode()).hexdigest()


VALUES = [
    None,
    True,
    False,
    0,
    -17,
    10**20,
    "",
    "O'Brien-Smith",
    'a "quoted"\\ name\n',
    "Siobhán Żółć 日本 \U0001f600",
    date(2004, 9, 17),
    datetime(2022, 3, 27, 1, 30, tzinfo=ZoneInfo("Europe/London")),
    datetime(2022, 3, 27, 1, 30, 15, 250, tzinfo=ZoneInfo("UTC")),
]


def test_both_digests_are_byte_for_byte_the_adr_form_whatever_the_values():
    rng = random.Random(6)
    names = ["crime_reference", "outcome", "outcome_on", "b", "a", "Zeta", "é", "with space"]
    for _ in range(500):
        values = {name: rng.choice(VALUES) for name in rng.sample(names, rng.randint(0, 8))}
        row = CheckedRow(line=2, values=values, reasons=())
        assert row.digest == adr_0006_digest(values)
        assert row.digest_without(("outcome", "outcome_on")) == adr_0006_digest(
            values, ("outcome", "outcome_on")
        )
        fresh = CheckedRow(line=2, values=values, reasons=())
        assert fresh.digests(("outcome", "outcome_on")) == (
            adr_0006_digest(values),
            adr_0006_digest(values, ("outcome", "outcome_on")),
        )


def test_a_value_of_another_type_is_digested_in_the_same_form():
    values = {"reference": "1", "amount": 2.5, "when": date(2024, 1, 1)}
    row = CheckedRow(line=2, values=values, reasons=())  # type: ignore[arg-type]
    assert row.digest == adr_0006_digest(values)
    assert row.digest_without(("amount",)) == adr_0006_digest(values, ("amount",))
    assert row.digests(("amount",)) == (
        adr_0006_digest(values),
        adr_0006_digest(values, ("amount",)),
    )


def test_a_list_or_an_object_among_the_values_is_digested_in_the_same_form():
    # Such a value's own separators would split it, so the row is written whole instead.
    values = {"reference": "1", "50%s": ["a", 2], "kept": {"x": 1, "y": None}}
    row = CheckedRow(line=2, values=values, reasons=())  # type: ignore[arg-type]
    assert row.digest == adr_0006_digest(values)
    assert row.digest_without(("reference",)) == adr_0006_digest(values, ("reference",))
    assert row.digests(("reference",)) == (
        adr_0006_digest(values),
        adr_0006_digest(values, ("reference",)),
    )


def cell_by_cell(extract, line, cells, clock):
    """A row checked a Python call a cell, as imports were checked before columns: the
    reference ``check_chunk`` is held to."""
    values = dict.fromkeys(extract.column_names)
    errors = {}
    for name, cell in cells.items():
        raw = cell.strip()
        column = extract.columns_by_name.get(name)
        if not raw or column is None:
            continue
        try:
            values[name] = PARSERS[column.type](raw, column, clock)
        except CellError as error:
            errors[name] = error
    reasons = [f"{name}: {errors[name]}" for name in extract.column_names if name in errors]
    reasons += _rule_reasons(extract, values, set(errors))
    notes = () if reasons else _notes(extract, values)
    return CheckedRow(line=line, values=values, reasons=tuple(reasons), notes=notes)


# Cells of every type, well formed and not: blanks and spaces, other shapes and scripts, days
# that don't exist, the future, before 1900, over-long text, numbers out of range.
HOSTILE_CELLS = [
    *(
        "",
        " ",
        "\t",
        " Y ",
        "y",
        "N",
        "yes",
        "0",
        "1",
        "2",
        "-1",
        "1,000",
        "12 ",
        "\uff11\uff12",
        "nan",
    ),
    *("2022-05-14", "14/05/2022", "2022-5-4", "2022-02-30", "31/02/2022", "1899-12-31"),
    *(
        "2999-01-01",
        "2022-05-14 23:55",
        "2022-05-14T23:55:01",
        "14/05/2022 23:55",
        "2099-01-01 00:00",
    ),
    *("2022-03-27 01:30", "2022-13-01 10:00", "f", "Male", "X", "se1 7qt", "SE17QT", "NOT A PC"),
    *("943 476 5919", "9434765918", "943-476-5919", "knife", "KNIFE", "drugs", "\x00", "ß", "'"),
    *("K" * 101, "K" * 100, " " * 3 + "Kyle", "O'Brien", "Ødegård", "\u2028", "None"),
]


@time_machine.travel(datetime(2023, 1, 1, 12, tzinfo=LONDON), tick=False)
@pytest.mark.parametrize("kind", sorted(extract_formats()))
def test_a_chunk_checked_column_by_column_is_checked_as_row_by_row(kind):
    extract = extract_format(kind)
    rng = random.Random(kind)
    with extract.example_path().open(newline="") as example:
        honest = list(csv.DictReader(example))
    hostile = HOSTILE_CELLS + [code for column in extract.columns for code, _ in column.codes]
    rows = 300
    # Some optional columns not given at all, as a header may leave them out.
    given = [c.name for c in extract.columns if c.required or rng.random() < 0.9]
    # The example's rows, a cell in twenty of them made hostile.
    bases = [rng.choice(honest) for _ in range(rows)]
    columns = {
        name: [rng.choice(hostile) if rng.random() < 1 / 20 else base[name] for base in bases]
        for name in given
    }
    lines = list(range(2, rows + 2))

    clock = Clock()

    chunk = check_chunk(extract=extract, lines=lines, columns=columns, clock=clock)

    for row, result in enumerate(chunk):
        cells = {name: columns[name][row] for name in rng.sample(given, len(given))}
        one = cell_by_cell(extract, lines[row], cells, clock)
        assert result == one
        assert list(result.values) == list(one.values)
        assert [type(value) for value in result.values.values()] == [
            type(value) for value in one.values.values()
        ]
    assert any(result.valid for result in chunk)
    assert any(not result.valid for result in chunk)
