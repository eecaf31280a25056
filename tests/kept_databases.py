"""A test database kept for a run's other pytest-xdist workers to copy: the migrated one
(``tests/migrated_database.py``) and the tiny borough's (``tests/tiny_borough.py``), each kept
under its own suffix. The first worker to need one makes it and keeps it (SQLite: the in-memory
database backed up to a file; PostgreSQL: a database made with it as template), one worker at a
time (``only_one_at_a_time``); each fixture copies it back in its own way."""

import fcntl
import re
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

from django.db import connection


@contextmanager
def only_one_at_a_time(path: Path) -> Iterator[None]:
    with path.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file is closed
        yield


def kept_database_name(suffix: str) -> str:
    """The PostgreSQL database a copy is kept in: the run's test database's name (a worker's
    without its ``_gw0`` suffix) with ``_<suffix>``."""
    run = re.sub(r"_gw\d+$", "", connection.creation._get_test_db_name())
    return f"{run}_{suffix}"


def keep_database(kept: Path, suffix: str) -> None:
    """Keep the worker's test database as it is now: in ``kept`` (SQLite) or in the database
    ``kept_database_name(suffix)`` (PostgreSQL)."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        with closing(sqlite3.connect(kept / "database.sqlite3")) as copy:
            connection.connection.backup(copy)
        return
    # A database is copied only while no one is connected to it.
    test_database = connection.settings_dict["NAME"]
    connection.close()
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{kept_database_name(suffix)}"')
        cursor.execute(f'CREATE DATABASE "{kept_database_name(suffix)}" TEMPLATE "{test_database}"')


def drop_kept_database(suffix: str) -> None:
    """After the run (on pytest-xdist's controller, once every worker has finished)."""
    if connection.vendor == "postgresql":
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{kept_database_name(suffix)}"')
