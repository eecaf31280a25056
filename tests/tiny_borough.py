"""The tiny demo borough, loaded once for the whole test run, for the tests that read the board
report and the dashboard over it (tests/reports, tests/analytics), check what the demo-data
command wrote (tests/demo), walk the site over it (tests/web's free-text canary) and serve a
copy of it to a browser (tests/e2e).

Loading it takes over a minute, so it is loaded once per run, with one stored snapshot of it,
by the first process that needs it. Under pytest-xdist that process then keeps a copy of its
database (SQLite: the in-memory database backed up to a file; PostgreSQL: a database made
with it as template), and every other worker that needs the borough copies that in place of
its own test database, which takes seconds. So the borough's tests spread over the workers
like any others, yet it is loaded once. Each board report is built once per worker that reads
it, and every measure once per worker (``stored_engine``): a quarter's two editions, the
dashboard and the tests' own engine share them.

The borough's records are committed, so the tests that use it run after every other test
(``run_last``): no other test sees them, and each worker's test database is thrown away at
the end of the run.
"""

import os
import sqlite3
from contextlib import closing
from dataclasses import dataclass, field
from io import StringIO
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from tests.kept_databases import keep_database, kept_database_name, only_one_at_a_time

if TYPE_CHECKING:  # imported when used: this module is imported before Django is set up
    from casebridge.analytics.engine import Engine
    from casebridge.analytics.snapshot import Snapshot
    from casebridge.reports.board import BoardReport

FIXTURE = "tiny_borough"
KEPT = "tiny_borough"  # the kept PostgreSQL database's suffix (kept_databases.py)


@dataclass
class TinyBorough:
    output: str  # what demo-data printed
    snapshot: "Snapshot"  # stored, as the dashboard reads it (latest_snapshot)
    engine: "Engine"  # sharing its measurements with the reports' and the dashboard's
    built: dict[tuple[str, str], "BoardReport"] = field(default_factory=dict)

    def report(self, quarter: str, edition: str) -> "BoardReport":
        """The board report for the quarter and edition, built once for the session (by the
        selector the dashboard's pages use: a page over the snapshot shares the build)."""
        from casebridge.analytics.periods import parse_period
        from casebridge.reports.selectors import quarter_report

        if (quarter, edition) not in self.built:
            self.built[quarter, edition] = quarter_report(
                snapshot=self.snapshot, quarter=parse_period(quarter), edition=edition
            )
        return self.built[quarter, edition]


@pytest.fixture(scope="session")
def tiny_borough(django_db_setup, django_db_blocker, tmp_path_factory) -> TinyBorough:
    from casebridge.analytics.engine import stored_engine
    from casebridge.analytics.store import latest_snapshot

    # Every worker's temporary directory is under the run's one (pytest-xdist's own advice for
    # sharing a session fixture between workers).
    workers = "PYTEST_XDIST_WORKER" in os.environ
    shared = tmp_path_factory.getbasetemp().parent if workers else tmp_path_factory.getbasetemp()
    kept = shared / "tiny-borough"
    with django_db_blocker.unblock(), only_one_at_a_time(shared / "tiny-borough.lock"):
        if (kept / "output.txt").exists():
            _copy_kept_database(kept)
        else:
            kept.mkdir(exist_ok=True)  # a worker whose load failed leaves it empty
            _load(kept)
            if workers:
                keep_database(kept, KEPT)
    with override_settings(CASEBRIDGE_SNAPSHOT_DIR=kept / "snapshots"):
        snapshot = latest_snapshot()
    return TinyBorough((kept / "output.txt").read_text(), snapshot, stored_engine(snapshot))


def _load(kept: Path) -> None:
    from casebridge.analytics.services import snapshot_refresh

    output = StringIO()
    call_command("demo_data", "--size", "tiny", "--seed", "2022", stdout=output)
    with override_settings(CASEBRIDGE_SNAPSHOT_DIR=kept / "snapshots"):
        snapshot_refresh(actor=None)
    (kept / "output.txt").write_text(output.getvalue())  # last: the borough is complete


def _copy_kept_database(kept: Path) -> None:
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        with closing(sqlite3.connect(kept / "database.sqlite3")) as copy:
            copy.backup(connection.connection)
        return
    test_database = connection.settings_dict["NAME"]
    connection.close()
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'DROP DATABASE "{test_database}"')
        cursor.execute(f'CREATE DATABASE "{test_database}" TEMPLATE "{kept_database_name(KEPT)}"')


# The borough's longest modules (minutes each, SQLite run), started first of its tests so no worker
# is left with one of them after the others have finished.
LONGEST_FIRST = ("test_free_text_canary.py", "test_every_edition.py")


def run_last(items: list[pytest.Item]) -> None:
    """Move the tests that use the tiny borough after all others, the longest modules first,
    otherwise keeping each group's order: its records stay in the database from the first of
    them to the session's end."""

    def order(item: pytest.Item) -> tuple[bool, int]:
        if FIXTURE not in getattr(item, "fixturenames", ()):
            return False, 0
        name = item.path.name
        return True, LONGEST_FIRST.index(name) if name in LONGEST_FIRST else len(LONGEST_FIRST)

    mixed = sorted(
        {item.nodeid.split("::")[0] for item in items if order(item)[0]}
        & {item.nodeid.split("::")[0] for item in items if not order(item)[0]}
    )
    if mixed:
        # pytest-xdist hands a worker a whole module where its first test stands: one whose
        # other tests run early would load the borough into that worker's database early, under
        # every later test there (they found hundreds of incidents where they made one).
        raise pytest.UsageError(
            f"Each module's tests use the tiny borough or none do; these mix: {', '.join(mixed)}"
        )
    items.sort(key=order)
