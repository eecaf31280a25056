"""Hostile partner extracts against the import budgets: how long each takes to be refused, and
the memory its import needs; then what the checks cost an honest workbook.

Writes each file of tests/imports/hostile_files.py into a temporary directory (nothing is
committed) and imports it through `import_start` and `import_run`, the services behind the
upload page and `casebridge import`, into a fresh SQLite database: each in a process of its own,
so that the peak memory printed (the process's VmHWM) is that import's. The process's own memory
(Python, Django, openpyxl) is in every figure: the honest one-row file first shows how much that
is. "stored" is writing the file to CASEBRIDGE_IMPORT_DIR and hashing it; "run" is the batch's
run, from its start to its failure (or its load, for a file read by what it holds).

Last, an honest workbook of N offences (default 20,000) is checked (the zip's directory, then
every part streamed through expat) and read (openpyxl), each timed on its own.

    .venv/bin/python bench/hostile_imports.py
    .venv/bin/python bench/hostile_imports.py --workbook-rows 100000
    .venv/bin/python bench/hostile_imports.py --database migrated.sqlite3 --one-process  # quick

``--database`` copies a migrated SQLite database with the definitions loaded instead of
migrating a new one; ``--one-process`` imports every file in this process, which shows each
outcome without each import's own peak memory (a process's peak covers all it did).
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def cases(directory: Path) -> list[tuple[str, Path]]:
    from tests.imports import hostile_files as hostile
    from tests.imports.factories import offence, offences_csv

    honest = directory / "honest.csv"
    honest.write_bytes(offences_csv(offence()))
    return [
        ("an honest file of one offence", honest),
        ("a header of 1,000,000 columns", hostile.many_columns_csv(directory / "columns.csv")),
        ("a cell of 50,000,000 characters", hostile.enormous_cell_csv(directory / "cell.csv")),
        (
            "a workbook declaring A1:XFD1048576",
            hostile.lying_dimension_xlsx(directory / "dimension.xlsx"),
        ),
        ("a workbook with a cell in column XFD", hostile.far_cell_xlsx(directory / "far.xlsx")),
        ("a workbook with a cell in row 1,048,576", hostile.far_row_xlsx(directory / "row.xlsx")),
        (
            "shared strings: one text of 300,000,000 characters",
            hostile.shared_strings_bomb_xlsx(directory / "strings.xlsx"),
        ),
        (
            "shared strings: one text of 900,000 characters",
            hostile.shared_strings_bomb_xlsx(directory / "text.xlsx", characters=900_000),
        ),
        ("a zip bomb: a sheet of 150,000,000 spaces", hostile.zip_bomb_xlsx(directory / "b.xlsx")),
        (
            "a zip bomb: a sheet of 1,000,000,000 spaces",
            hostile.zip_bomb_xlsx(directory / "bomb.xlsx", inflated=1_000_000_000),
        ),
    ]


def set_up(scratch: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{scratch / 'bench.sqlite3'}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "casebridge.config.settings.local"
    os.environ["CASEBRIDGE_IMPORT_DIR"] = str(scratch / "imports")
    import django

    django.setup()


def import_one(path: Path) -> dict:
    """Import the file: what came of it, with this process's peak memory so far."""
    from casebridge.accounts.models import User
    from casebridge.agencies.models import Agency
    from casebridge.imports.services import import_run, import_start

    with path.open("rb") as content:
        started = time.perf_counter()
        batch = import_start(
            actor=User.objects.get(username="analyst"),
            kind="police-offences",
            supplied_by=Agency.objects.get(code="police"),
            file_name=path.name,
            content=content,
        )
        stored = time.perf_counter()
        batch = import_run(batch=batch)
        ran = time.perf_counter()
    peak = next(
        int(line.split()[1]) * 1024
        for line in Path("/proc/self/status").read_text().splitlines()
        if line.startswith("VmHWM:")
    )
    outcome = {"stored": stored - started, "ran": ran - stored, "peak": peak}
    return outcome | {"status": batch.status, "error": batch.error, "read": batch.rows_read}


def import_in_a_process_of_its_own(path: Path, scratch: Path) -> dict:
    child = subprocess.run(
        [sys.executable, __file__, "--import", str(path), "--scratch", str(scratch)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(child.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--import", dest="file", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--scratch", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--workbook-rows", type=int, default=20_000)
    parser.add_argument("--database", type=Path, help="a migrated SQLite database to copy")
    parser.add_argument(
        "--one-process", action="store_true", help="no process (and peak memory) per file"
    )
    options = parser.parse_args()
    if options.file:
        set_up(options.scratch)
        print(json.dumps(import_one(options.file)))
        return
    with tempfile.TemporaryDirectory(prefix="casebridge-bench-hostile-") as directory:
        scratch = Path(directory)
        if options.database:
            shutil.copy(options.database, scratch / "bench.sqlite3")
        set_up(scratch)
        from django.core.management import call_command

        from casebridge.accounts.models import User
        from casebridge.agencies.models import Agency, Role

        if not options.database:
            call_command("migrate", verbosity=0)
            call_command("sync_definitions", verbosity=0)
        council = Agency.objects.create(code="council", name="Council", kind="council")
        Agency.objects.create(code="police", name="Police", kind="police")
        analyst = User.objects.create(username="analyst", agency=council)
        analyst.roles.set([Role.objects.get(code="analyst")])
        print(f"{'file':<52} {'size':>10} {'stored':>8} {'run':>8} {'peak memory':>12}")
        for name, path in cases(scratch):
            if options.one_process:
                outcome = import_one(path) | {"peak": None}
            else:
                outcome = import_in_a_process_of_its_own(path, scratch)
            size = path.stat().st_size
            size_text = f"{size / 1e6:,.1f} MB" if size >= 100_000 else f"{size:,} B"
            run = f"{outcome['ran']:.3f} s"
            peak = f"{outcome['peak'] / 2**20:,.0f} MiB" if outcome["peak"] else "-"
            print(f"{name:<52} {size_text:>10} {outcome['stored']:>6.3f} s {run:>8} {peak:>12}")
            said = outcome["error"] or f"{outcome['read']} row(s) read"
            print(f"    {outcome['status']}: {said}")
            path.unlink()
        honest_workbook(scratch / "honest.xlsx", options.workbook_rows)


def honest_workbook(path: Path, rows: int) -> None:
    from openpyxl import Workbook

    from casebridge.imports.formats import extract_format
    from casebridge.imports.reading.workbook import workbook_rows
    from casebridge.imports.services import import_budget
    from tests.imports.factories import HEADER, offence

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(HEADER.split(","))
    for n in range(rows):
        sheet.append(offence(f"01/{n}/22").split(","))
    book.save(path)
    started = time.perf_counter()
    _, read = workbook_rows(path, import_budget(extract_format("police-offences")))
    checked = time.perf_counter()
    count = sum(1 for _ in read)
    finished = time.perf_counter()
    print(
        f"An honest workbook of {rows:,} offences ({path.stat().st_size / 1e6:,.1f} MB): checked "
        f"in {checked - started:.2f} s, its {count:,} rows read in {finished - checked:.2f} s."
    )


if __name__ == "__main__":
    main()
