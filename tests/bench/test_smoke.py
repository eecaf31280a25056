"""Every script in bench/ runs at a small size and prints figures of the right shape, so a
benchmark cannot rot unnoticed (a table added to the snapshot once broke bench/indicators.py).

Each script runs as a person runs it (its own process, the local settings); what it prints is
checked for sense, not speed: at these sizes the timings mean nothing. Most make their own
scratch database; the others are given a copy of one of the run's (tests/bench/conftest.py):
here the test database as migrated, and in test_smoke_on_the_borough.py the tiny demo borough.
"""

import re

import pytest
from django.db import connection

from tests.bench.running import BENCH, run_script
from tests.bench.test_smoke_on_the_borough import ON_THE_BOROUGH

# script: (small arguments, what its output must contain)
SMOKE: dict[str, tuple[list[str], str]] = {
    "audit_append.py": (
        ["--entries", "50"],
        r"sqlite: \d+\.\d{3} ms of CPU an entry(.|\n)*chain intact: True \(150 entries checked\)",
    ),
    "import_cycles.py": ([], r"apps in the largest import cycle: \d+"),
    "indicators.py": (["--events", "4000"], r"same values: (\d+) of \1\n.*faster than pandas"),
    "imports.py": (
        ["--rows", "300"],
        r"first import: [\d.]+ s \([\d,]+ rows/s\): \d+ loaded, \d+ rejected"
        r"(.|\n)*same file again: refused",
    ),
    "linkage.py": (["--records", "3000"], r"3,000 records of [\d,]+ people(.|\n)*<- chosen"),
    "linkage_pipeline.py": (
        ["--records", "600"],
        r"\d+ of 600 records loaded(.|\n)*automatic links: precision (0|1)\.\d{4}",
    ),
    "redaction.py": (
        ["--addresses", "200", "--page-kb", "5", "--repeats", "2"],
        r"redact, 5 typed in: +[\d.]+ ms median",
    ),
    "reoffending.py": (
        ["--people", "12000"],
        r"adult-reoffending-binary-rate 12m to 2021-09: \d+\.\d \(\d+/[\d,]+\)",
    ),
}
# Given the test database as migrated (--migrated: each copies it) instead of migrating their own.
GIVEN_THE_MIGRATED_DATABASE = {"audit_append.py", "imports.py", "linkage_pipeline.py"}
# Given a copy of the test database as migrated, by the tests below.
ON_THE_MIGRATED_DATABASE = {"hostile_imports.py", "person_lookup.py", "web_durability.py"}
# Imported by the scripts above rather than run: linkage.py and linkage_pipeline.py generate
# their people with it.
LIBRARIES = {"synthetic_people.py"}

# Each hostile file and the start of what its import ends in: the two honest in all but their
# size are read, every other is refused, saying why.
HOSTILE_OUTCOMES = {
    "an honest file of one offence": "loaded: 1 row",
    "a header of 1,000,000 columns": "failed: Line 1: the first line is over 12,600 characters",
    "a cell of 50,000,000 characters": "failed: Line 2: the row is over 1,260,378 characters",
    "a workbook declaring A1:XFD1048576": "loaded: 1 row",
    "a workbook with a cell in column XFD": "failed: Line 3: the sheet has a cell in column XFD",
    "a workbook with a cell in row 1,048,576": "failed: the sheet has a row numbered 1,048,576",
    "shared strings: one text of 300,000,000 characters": "failed: the workbook unzips to 300 MB",
    "shared strings: one text of 900,000 characters": "failed: a cell has more than 10,000",
    "a zip bomb: a sheet of 150,000,000 spaces": "failed: the workbook's part xl/worksheets/sheet",
    "a zip bomb: a sheet of 1,000,000,000 spaces": "failed: the workbook unzips to 1,000 MB",
}

only_once = pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="each script sets up its own database: running them once (in the SQLite run) is enough",
)


def test_every_script_in_bench_is_accounted_for():
    accounted = set(SMOKE) | ON_THE_MIGRATED_DATABASE | ON_THE_BOROUGH | LIBRARIES
    assert {path.name for path in BENCH.glob("*.py")} == accounted


@only_once
@pytest.mark.parametrize("script", sorted(SMOKE))
def test_the_script_runs_at_a_small_size(script, request):
    arguments, expected = SMOKE[script]
    if script in GIVEN_THE_MIGRATED_DATABASE:
        arguments = [*arguments, "--migrated", request.getfixturevalue("migrated_database")]
    printed = run_script(script, *arguments)
    assert re.search(expected, printed), printed[-2000:]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="an SQLite database, copied")
def test_every_hostile_file_is_refused_for_what_it_is(migrated_database):
    # In one process: each import's own peak memory is what the full run is for.
    printed = run_script(
        "hostile_imports.py",
        *("--workbook-rows", "300", "--database", migrated_database, "--one-process"),
    )
    for name, outcome in HOSTILE_OUTCOMES.items():
        assert re.search(rf"{re.escape(name)} .*\n +{re.escape(outcome)}", printed), name
    assert re.search(r"An honest workbook of 300 offences .*, its 301 rows read in", printed)


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's alone")
def test_the_import_bench_runs_on_postgresql_with_the_check_written_beside_the_load(
    migrated_copy,
):
    # Three chunks: each checked while the one before is written, its rejected rows and the
    # progress on a connection of their own.
    printed = run_script(
        "imports.py",
        *("--postgres", "--skip-create", "--database", migrated_copy),
        *("--rows", "5000", "--no-recheck"),
    )
    counts = re.search(r"first import: .*: ([\d,]+) loaded, ([\d,]+) rejected", printed)
    assert counts, printed
    loaded, rejected = (int(count.replace(",", "")) for count in counts.groups())
    assert loaded + rejected == 5000 and 0 < rejected < 250, printed
    assert re.search(r"same file again: refused", printed), printed


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's alone")
def test_person_lookup_runs_at_a_small_size(migrated_copy):
    printed = run_script(
        "person_lookup.py",
        *("--database", migrated_copy, "--skip-create", "--records", "1000", "--lookups", "25"),
    )
    assert re.search(
        r"trained model \d+ on 1,000 people(.|\n)*"
        r"25 lookups against 1,000 people \(PostgreSQL\)\n"
        r"  latency: p50 [\d.]+ ms, p95 [\d.]+ ms(.|\n)*"
        r"  people not held: someone offered for \d+\.\d%",
        printed,
    ), printed
    # A model that finds no one is a broken bench, however small.
    top_1 = re.search(r"top-1 accuracy, people held: ([\d.]+)%", printed)
    assert top_1 and float(top_1.group(1)) >= 50, printed


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's alone")
def test_web_durability_runs_at_a_small_size(migrated_copy):
    printed = run_script(
        "web_durability.py",
        *("--database", migrated_copy, "--skip-create", "--cycles", "3", "--clients", "2"),
    )
    assert re.search(
        r"3 kill -9 cycles of gunicorn(.|\n)*"
        r"  acknowledged writes: [1-9][\d,]* (.|\n)*"
        r"  acknowledged writes missing from the database: 0\n(.|\n)*"
        r"  audit chain: Audit chain intact",
        printed,
    ), printed
