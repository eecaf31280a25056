"""The queue itself: real workers (``casebridge worker``) in processes of their own, on a
database of their own (SQLite or PostgreSQL, as the run's), killed with SIGKILL.

- Two schedulers racing for the same due time queue it once.
- A worker killed in the middle of an import leaves the batch loaded not at all, and another
  worker notices the dead run (its lease is free), tries it again and loads it whole.
"""

import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import psycopg
import pytest
import yaml
from django.db import connection

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
# The schedules the project ships (each due once when the racing schedulers look).
SHIPPED = yaml.safe_load(
    (ROOT / "casebridge" / "jobs" / "definitions" / "schedules.yaml").read_text()
)["schedules"]
# Enough rows that loading them takes a few seconds on either database, so the kill lands
# while the batch's one transaction is open.
ROWS = 40_000


class World:
    """A database beside the test run's (a file, or a PostgreSQL database named after the test
    database) and the environment its processes share."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        settings = connection.settings_dict
        if connection.vendor == "sqlite":
            self.path = directory / "world.sqlite3"
            url = f"sqlite:///{self.path}"
        else:
            self.name = f"{connection.creation._get_test_db_name()}_worker"
            with connection._nodb_cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{self.name}"')
                cursor.execute(f'CREATE DATABASE "{self.name}"')
            password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
            url = f"postgres://{settings['USER']}{password}@{settings['HOST']}:{settings['PORT']}"
            url = f"{url}/{self.name}"
        self.url = url
        self.env = {
            **{k: v for k, v in os.environ.items() if k not in {"DATABASE_URL"}},
            "DATABASE_URL": url,
            "DJANGO_SETTINGS_MODULE": "casebridge.config.settings.local",
            "CASEBRIDGE_IMPORT_DIR": str(directory / "imports"),
            "CASEBRIDGE_TASK_LEASE_DIR": str(directory / "leases"),
            "CASEBRIDGE_SNAPSHOT_DIR": str(directory / "snapshots"),
            "CASEBRIDGE_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "CASEBRIDGE_LOG_LEVEL": "WARNING",
        }

    def drop(self) -> None:
        if connection.vendor != "sqlite":
            with connection._nodb_cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    def run(self, *arguments: str) -> str:
        done = subprocess.run(  # noqa: S603  (our own interpreter and module)
            [sys.executable, "-m", *arguments],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout

    def start(self, *arguments: str, output: Any = subprocess.PIPE) -> subprocess.Popen[str]:
        return subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", *arguments],
            cwd=ROOT,
            env=self.env,
            stdout=output,
            stderr=subprocess.STDOUT,
            text=True,
        )

    def worker(self, log: str) -> subprocess.Popen[str]:
        """A worker, looking for dead runs twice a second; what it says goes to ``log``."""
        with (self.directory / log).open("w") as output:
            return self.start(
                "casebridge", "worker", "--tick", "0.5", "--interval", "0.1", output=output
            )

    def rows(self, query: str, *params: Any) -> list[tuple[Any, ...]]:
        if connection.vendor == "sqlite":
            with closing(sqlite3.connect(self.path, timeout=20)) as database:
                return database.execute(query.replace("%s", "?"), params).fetchall()
        with psycopg.connect(self.url.replace("postgres://", "postgresql://")) as database:
            return database.execute(query, params).fetchall()

    def value(self, query: str, *params: Any) -> Any:
        (row,) = self.rows(query, *params)
        return row[0]

    def loading(self, batch_id: int) -> bool:
        """The batch's one transaction is open: checking and loading its rows."""
        if self.value("SELECT status FROM imports_importbatch WHERE id = %s", batch_id) not in (
            "validating",
            "loading",
        ):
            return False
        if connection.vendor != "sqlite":
            # Its progress is written beside the transaction, so it shows while it runs.
            return (
                self.value("SELECT rows_read FROM imports_importbatch WHERE id = %s", batch_id) > 0
            )
        # On SQLite the transaction holds the database's write lock until it commits.
        with closing(sqlite3.connect(self.path, timeout=0, isolation_level=None)) as database:
            try:
                database.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError:
                return True
            database.execute("ROLLBACK")
            return False


def wait_for(condition: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"waited {seconds} s for {what}"
        time.sleep(0.02)


def stop(process: subprocess.Popen[str]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)


@pytest.fixture(scope="module")
def queued_import(django_db_blocker, tmp_path_factory) -> Iterator[tuple[World, int, str]]:
    """The world with a batch of ROWS offences queued for a worker, as an upload leaves it."""
    with django_db_blocker.unblock():
        world = World(tmp_path_factory.mktemp("worker"))
    try:
        batch_id, run_id = world.run("tests.jobs.world", "import", str(ROWS)).split()
        yield world, int(batch_id), run_id
    finally:
        with django_db_blocker.unblock():
            world.drop()


def test_two_schedulers_racing_queue_each_due_run_once(queued_import, tmp_path):
    world, _, _ = queued_import
    # Each says it is ready there, and both go once both are (tests.jobs.world).
    racers = [world.start("tests.jobs.world", "schedule", str(tmp_path)) for _ in range(2)]
    queued = 0
    for racer in racers:
        printed, _ = racer.communicate(timeout=120)
        assert racer.returncode == 0, printed[-3000:]
        queued += int(printed.split()[-1])  # how many this one queued
    # The shipped schedules (the nightly snapshot, the daily reminders and audit anchor, the
    # weekly access review reminders): each queued once between them.
    assert queued == len(SHIPPED)
    per_schedule = world.rows("SELECT schedule_id, COUNT(*) FROM jobs_scheduledrun GROUP BY 1")
    assert [count for _, count in per_schedule] == [1] * len(SHIPPED)
    runs = world.value("SELECT COUNT(*) FROM jobs_taskrun WHERE about LIKE %s", "schedule:%")
    assert runs == len(SHIPPED)
    audited = world.value(
        "SELECT COUNT(*) FROM audit_auditevent WHERE summary LIKE %s", "Scheduled: %"
    )
    assert audited == len(SHIPPED)


def test_an_import_killed_mid_load_loads_nothing_and_its_retry_loads_it_whole(queued_import):
    world, batch_id, run_id = queued_import
    first = world.worker("first.log")
    try:
        wait_for(lambda: world.loading(batch_id), 300, "the batch to be loading")
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
    finally:
        stop(first)

    # Nothing of the batch is in the database: its rows went with the killed transaction.
    status = world.value("SELECT status FROM imports_importbatch WHERE id = %s", batch_id)
    assert status in ("validating", "loading")
    loaded = "SELECT COUNT(*) FROM imports_loadedrow WHERE batch_id = %s"
    assert world.value(loaded, batch_id) == 0
    assert world.value("SELECT status FROM jobs_taskrun WHERE id = %s", _uuid(run_id)) == "running"

    second = world.worker("second.log")
    try:
        wait_for(
            lambda: (
                world.value("SELECT status FROM jobs_taskrun WHERE id = %s", _uuid(run_id))
                in ("done", "failed")
            ),
            600,
            "the retry to finish",
        )
    finally:
        stop(second)
    run = world.rows(
        "SELECT status, attempts, error FROM jobs_taskrun WHERE id = %s", _uuid(run_id)
    )
    assert run == [("done", 2, "")]
    batch = world.rows(
        "SELECT status, rows_read, rows_loaded FROM imports_importbatch WHERE id = %s", batch_id
    )
    assert batch == [("loaded", ROWS, ROWS)]
    assert world.value(loaded, batch_id) == ROWS
    retried = world.value(
        "SELECT COUNT(*) FROM audit_auditevent WHERE object_id = %s AND summary LIKE %s",
        run_id,
        "Tried again%",
    )
    assert retried == 1


def _uuid(run_id: str) -> str | uuid.UUID:
    """The run's id as the database holds it (SQLite: 32 hex digits; PostgreSQL: a uuid)."""
    return run_id.replace("-", "") if connection.vendor == "sqlite" else uuid.UUID(run_id)
