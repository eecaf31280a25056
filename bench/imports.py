"""Importing a large partner extract: how fast a file is checked and loaded, on SQLite and on
PostgreSQL, through the same service the upload page and `casebridge import` call.

Writes a police offences CSV of N rows (default 100,000; 2% of them wrong in one way or
another, and a suspect named on half), imports it as one batch into a fresh database, then
imports it again (nothing changes: the file is refused) and a second file that repeats half of
the first (those rows are counted unchanged). One offence in twenty is knife crime with the
serious-violence details; some of those meet the SIRM criteria and are proposed as the batch
loads, and the check of every incident is timed again on its own. Identity resolution is not
part of this figure.

    .venv/bin/python bench/imports.py                     # SQLite, 100,000 rows
    .venv/bin/python bench/imports.py --postgres          # PostgreSQL casebridge_bench_imports
    .venv/bin/python bench/imports.py --rows 1000000 --no-recheck

The peak memory after the first import is that import's (the file is written as it is
generated, a row at a time); the SIRM re-check then reads every incident at once.
"""

import argparse
import csv
import itertools
import os
import random
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PG_DATABASE = "casebridge_bench_imports"
GIVEN = ["Amira", "Joanne", "Peter", "Kyle", "Layla", "Daniel", "Sarah", "Mohammed", "Grace"]
FAMILY = ["Hussain", "Clarke", "Okafor", "Bennett", "Price", "Smith", "Nowak", "Patel", "Jones"]
MISTAKES = [
    ("offence_group", "burglary"),
    ("occurred_at", "31/02/2022 10:00"),
    ("victim_sex", "X"),
    ("victim_postcode", "NOT A PC"),
    ("outcome", "caution"),  # without its date
]


def offence_rows(count: int, rng: random.Random, start: int = 0):
    for n in range(start, start + count):
        row = {
            "crime_reference": f"01/{n:07d}/22",
            "offence_group": rng.choice(["domestic_abuse", "violence_with_injury", "other"]),
            "domestic_abuse_flag": rng.choice("YN"),
            "occurred_at": f"2022-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d} 21:15",
            "outcome": "",
            "outcome_on": "",
            "victim_given_name": rng.choice(GIVEN),
            "victim_family_name": f"{rng.choice(FAMILY)}{n % 5000}",
            "victim_date_of_birth": f"{rng.randint(1950, 2005)}-0{rng.randint(1, 9)}-15",
            "victim_sex": rng.choice("FM"),
            "victim_postcode": f"SE{rng.randint(1, 28)} {rng.randint(1, 9)}QT",
            "suspect_given_name": "",
            "suspect_family_name": "",
            "weapon": "",
            "injury": "",
            "gang_related": "",
            "child_in_victim_household": "",
        }
        if rng.random() < 0.05:
            row["offence_group"] = rng.choice(["violence_with_injury", "robbery"])
            row["weapon"] = "knife"
            row["injury"] = rng.choice(["none", "injury", "serious"])
            row["gang_related"] = rng.choice("YNN")
            row["child_in_victim_household"] = rng.choice("YNNNN")
        if rng.random() < 0.5:
            row["suspect_given_name"] = rng.choice(GIVEN)
            row["suspect_family_name"] = f"{rng.choice(FAMILY)}{rng.randint(0, 4999)}"
        if rng.random() < 0.02:
            column, wrong = rng.choice(MISTAKES)
            row[column] = wrong
        yield row


def write_csv(path: Path, rows) -> None:
    rows = iter(rows)
    first = next(rows)
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=list(first))
        writer.writeheader()
        writer.writerow(first)
        writer.writerows(rows)


def set_up_database(
    postgres: bool,
    scratch: Path,
    *,
    database: str = PG_DATABASE,
    import_max_mb: int = 2000,
    create: bool = True,
    migrated: Path | None = None,
) -> None:
    """A fresh, migrated database (PostgreSQL's ``database`` dropped and made anew, or SQLite in
    ``scratch``) with the definitions loaded, and Django set up on it. Without ``create``,
    PostgreSQL's ``database`` (a name, or a URL) is taken as it is: migrated, definitions
    loaded, no records. On SQLite, ``migrated`` is such a database already made, copied in
    place of migrating one (seconds of CPU): the smoke tests give each script the test run's
    own."""
    if postgres and migrated:
        raise SystemExit("--migrated is an SQLite database: it cannot be used with --postgres")
    if postgres and not create:
        local = f"postgres://postgres@127.0.0.1:5432/{database}"
        os.environ["DATABASE_URL"] = database if "://" in database else local
    elif postgres:
        import psycopg

        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as c:
            c.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
            c.execute(f"CREATE DATABASE {database}")
        os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{database}"
    else:
        if migrated:
            shutil.copy(migrated, scratch / "bench.sqlite3")
        os.environ["DATABASE_URL"] = f"sqlite:///{scratch / 'bench.sqlite3'}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "casebridge.config.settings.local"
    os.environ["CASEBRIDGE_IMPORT_DIR"] = str(scratch / "imports")
    os.environ["CASEBRIDGE_IMPORT_MAX_MB"] = str(import_max_mb)
    import django

    django.setup()
    if not create:
        return
    from django.core.management import call_command

    if not migrated:
        call_command("migrate", verbosity=0)
        call_command("sync_definitions", verbosity=0)


def add_migrated_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--migrated",
        type=Path,
        help="an SQLite database, migrated with the definitions loaded, to copy (not migrate one)",
    )


def peak_mib() -> float:
    """The process's peak resident memory so far (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def server_cpu() -> float | None:
    """The CPU seconds so far of the PostgreSQL backend serving this process's connection, when
    the server runs on this machine (None on SQLite, or a server elsewhere)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    # utime and stime, the 14th and 15th fields (the 12th and 13th after the name).
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def timed_import(*, actor, supplied_by, path: Path):
    from casebridge.imports.services import import_file

    server = server_cpu()
    started, cpu, main = time.perf_counter(), time.process_time(), time.thread_time()
    batch = import_file(actor=actor, kind="police-offences", supplied_by=supplied_by, path=path)
    seconds, used = time.perf_counter() - started, time.process_time() - cpu
    main = time.thread_time() - main
    # The machine is shared: this process's own CPU time says what the import cost it
    # (on SQLite, the database's work too; on PostgreSQL, not the server's: that is shown
    # beside it, the backend's own CPU time, when the server is on this machine).
    server_used = "" if server is None else f"; the server's: {server_cpu() - server:.1f} s"
    # On PostgreSQL the COPYs run on a thread of their own (core/bulk.overlapped_inserts):
    # the main thread's CPU is the part that the server's work does not overlap.
    print(
        f"  (this process's CPU time: {used:.1f} s, {batch.rows_read / used:,.0f} rows per "
        f"CPU second; its main thread's: {main:.1f} s{server_used})"
    )
    return batch, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument(
        "--database", default=PG_DATABASE, help="the PostgreSQL database to drop and make anew"
    )
    parser.add_argument(
        "--skip-create",
        dest="create",
        action="store_false",
        help="PostgreSQL: import into --database (a name or URL) as it is, migrated, with the "
        "definitions and no records, instead of making it anew",
    )
    parser.add_argument("--seed", type=int, default=1)
    add_migrated_option(parser)
    parser.add_argument(
        "--no-recheck",
        dest="recheck",
        action="store_false",
        help="skip checking every incident against the SIRM criteria again on its own",
    )
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="casebridge-bench-imports-") as directory:
        scratch = Path(directory)
        set_up_database(
            options.postgres,
            scratch,
            database=options.database,
            create=options.create,
            migrated=options.migrated,
        )
        from casebridge.accounts.models import User
        from casebridge.agencies.models import Agency, Role
        from casebridge.core.errors import ApplicationError
        from casebridge.incidents.models import Incident
        from casebridge.violence.models import SirmProposal
        from casebridge.violence.services import sirm_proposals_for

        council = Agency.objects.create(code="council", name="Council", kind="council")
        police = Agency.objects.create(code="police", name="Police", kind="police")
        actor = User.objects.create(username="analyst", agency=council)
        actor.roles.set([Role.objects.get(code="analyst")])
        rng = random.Random(options.seed)
        first, second = scratch / "offences.csv", scratch / "offences-next.csv"
        write_csv(first, offence_rows(options.rows, rng))
        half = options.rows // 2
        write_csv(
            second,
            itertools.chain(
                offence_rows(half, random.Random(options.seed)),
                offence_rows(half, rng, options.rows),
            ),
        )
        engine = "PostgreSQL" if options.postgres else "SQLite"
        size = first.stat().st_size / 1e6
        print(f"{engine}: police offences, {options.rows:,} rows ({size:.1f} MB)")
        batch, seconds = timed_import(actor=actor, supplied_by=police, path=first)
        print(
            f"  first import: {seconds:.1f} s ({batch.rows_read / seconds:,.0f} rows/s): "
            f"{batch.rows_loaded:,} loaded, {batch.rows_rejected:,} rejected, "
            f"{batch.people_created:,} people recorded, "
            f"{SirmProposal.objects.count():,} SIRMs proposed; "
            f"peak memory so far {peak_mib():,.0f} MiB"
        )
        if options.recheck:
            incidents = list(Incident.objects.all())
            started = time.perf_counter()
            sirm_proposals_for(incidents=incidents)
            print(
                f"  SIRM criteria checked again for all {len(incidents):,} incidents: "
                f"{time.perf_counter() - started:.1f} s"
            )
        write_csv(first, offence_rows(options.rows, random.Random(options.seed)))
        started = time.perf_counter()
        try:
            timed_import(actor=actor, supplied_by=police, path=first)
        except ApplicationError as refusal:
            print(
                f"  same file again: refused in {time.perf_counter() - started:.2f} s "
                f"({refusal.message[:40]}...)"
            )
        batch, seconds = timed_import(actor=actor, supplied_by=police, path=second)
        print(
            f"  overlapping file: {batch.rows_unchanged:,} unchanged, "
            f"{batch.rows_loaded:,} loaded, {batch.rows_rejected:,} rejected"
        )
        print(
            f"  overlapping file: {seconds:.1f} s ({batch.rows_read / seconds:,.0f} rows/s); "
            f"peak memory of the whole run {peak_mib():,.0f} MiB"
        )


if __name__ == "__main__":
    main()
