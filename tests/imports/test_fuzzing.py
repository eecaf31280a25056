"""Damaged files never crash an import: every mutation of a real extract ends loaded or failed
with a message, never with an exception (security.md: 0 crashes over the upload parsers)."""

import io
import random

import pytest

from casebridge.imports.models import ImportBatch
from casebridge.imports.reading import FileError, read_rows
from casebridge.imports.services import import_run, import_start
from tests.imports.factories import analyst, example, offences_budget, police

MUTATIONS = 300


def mutate(content: bytes, rng: random.Random) -> bytes:
    data = bytearray(content)
    for _ in range(rng.randint(1, 8)):
        position = rng.randrange(len(data)) if data else 0
        action = rng.choice(("flip", "insert", "delete", "truncate", "quote", "repeat"))
        if action == "flip" and data:
            data[position] = rng.randrange(256)
        elif action == "insert":
            data[position:position] = rng.choice([b'"', b",", b"\n", b"\r", b"\x00", b"\xff"])
        elif action == "delete":
            del data[position : position + rng.randint(1, 20)]
        elif action == "truncate":
            del data[position:]
        elif action == "quote":
            data[position:position] = b'"' + b"x" * rng.randint(0, 20_000)
        elif action == "repeat":
            data += data[position : position + 200] * rng.randint(1, 50)
    return bytes(data)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_the_reader_only_ever_gives_rows_or_a_file_error(tmp_path, suffix):
    rng = random.Random(20261201)
    original = example("police-offences")
    if suffix == ".xlsx":
        from tests.imports.test_malformed_files import workbook

        original = workbook([line.split(",") for line in original.decode().splitlines()])
    for attempt in range(MUTATIONS):
        path = tmp_path / f"mutant-{attempt}{suffix}"
        path.write_bytes(mutate(original, rng))
        try:
            rows = list(read_rows(path, offences_budget()))
        except FileError as error:
            assert error.message
        else:
            assert all(isinstance(cell, str) for row in rows for cell in row.cells)


@pytest.mark.django_db
def test_damaged_extracts_end_loaded_or_failed_with_a_message():
    rng = random.Random(7)
    actor, supplier = analyst(), police()
    original = example("police-offences")
    for _ in range(40):
        batch = import_start(
            actor=actor,
            kind="police-offences",
            supplied_by=supplier,
            file_name="mutant.csv",
            content=io.BytesIO(mutate(original, rng) + rng.randbytes(4)),
        )
        batch = import_run(batch=batch)
        assert batch.status in (ImportBatch.Status.LOADED, ImportBatch.Status.FAILED)
        assert batch.status == ImportBatch.Status.LOADED or batch.error
        assert batch.rows_read == batch.rows_loaded + batch.rows_rejected + batch.rows_unchanged
