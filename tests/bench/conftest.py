"""Databases for the scripts' smoke runs, copied from the test run's own so that no script
migrates one (seconds of CPU) or loads a borough (over a minute): a copy of the test database
as migrated, with the shipped definitions, and a copy of the session's tiny demo borough
(tests/tiny_borough.py). Each is kept once for the session, and every script is given a copy
of its own to change. On SQLite a copy is a file; on PostgreSQL a database made from the kept
one as its template, named ``cb_bench_smoke_...`` after the run's test database, so that it is
never a developer's bench database (``casebridge_bench...``) nor another run's.
"""

import hashlib
import re
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from django.db import connection

from casebridge.agencies.models import Agency
from casebridge.people.models import Person

# PostgreSQL's longest name.
LONGEST_NAME = 63


@pytest.fixture(scope="session")
def migrated_database(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[str]:
    """The test database as migrated, with the definitions and no records: taken before the
    tiny borough's tests, which run last, commit theirs."""
    with django_db_blocker.unblock():
        if Agency.objects.exists() or Person.objects.exists():
            raise RuntimeError("The test database holds records: it is not as migrated")
        kept = _keep_test_database("migrated", tmp_path_factory.mktemp("migrated"))
    yield kept
    with django_db_blocker.unblock():
        _drop(kept)


@pytest.fixture(scope="session")
def kept_borough(tiny_borough, django_db_blocker, tmp_path_factory) -> Iterator[str]:
    """The tiny demo borough, as the session loaded it."""
    with django_db_blocker.unblock():
        kept = _keep_test_database("borough", tmp_path_factory.mktemp("borough"))
    yield kept
    with django_db_blocker.unblock():
        _drop(kept)


@pytest.fixture
def migrated_copy(migrated_database, django_db_blocker, tmp_path) -> Iterator[str]:
    """The URL of a copy of the migrated database, the test's own."""
    with django_db_blocker.unblock():
        copy, url = _copy(migrated_database, "migrated_copy", tmp_path)
    yield url
    with django_db_blocker.unblock():
        _drop(copy)


@pytest.fixture
def borough_copy(kept_borough, django_db_blocker, tmp_path) -> Iterator[str]:
    """The URL of a copy of the tiny demo borough, the test's own."""
    with django_db_blocker.unblock():
        copy, url = _copy(kept_borough, "borough_copy", tmp_path)
    yield url
    with django_db_blocker.unblock():
        _drop(copy)


def _keep_test_database(purpose: str, directory: Path) -> str:
    """A copy of the test database as it is now: SQLite, a file's path; PostgreSQL, a
    database's name (no one connects to it, so it can be a template)."""
    if connection.vendor == "sqlite":
        path = directory / "database.sqlite3"
        connection.ensure_connection()
        with closing(sqlite3.connect(path)) as copy:
            connection.connection.backup(copy)
        return str(path)
    name = _scratch_name(purpose)
    test_database = connection.settings_dict["NAME"]
    connection.close()  # a database is copied only while no one is connected to it
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE "{test_database}"')
    return name


def _copy(kept: str, purpose: str, directory: Path) -> tuple[str, str]:
    """A copy of a kept database, and its URL."""
    if connection.vendor == "sqlite":
        copy = directory / "copy.sqlite3"
        shutil.copy(kept, copy)
        return str(copy), f"sqlite:///{copy}"
    name = _scratch_name(purpose)
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE "{kept}"')
    settings = connection.settings_dict
    password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
    server = f"{settings['USER']}{password}@{settings['HOST']}:{settings['PORT']}"
    return name, f"postgres://{server}/{name}"


def _drop(database: str) -> None:
    """A PostgreSQL database dropped (an SQLite file goes with the test's directory)."""
    if connection.vendor == "postgresql":
        with connection._nodb_cursor() as cursor:
            # A script's server or connections may outlive it by a moment.
            cursor.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def _scratch_name(purpose: str) -> str:
    """``cb_bench_smoke_<purpose>_<the test database's name>``: the run's own (a pytest-xdist
    worker's test database has its own name too)."""
    run = re.sub(r"\W", "_", connection.settings_dict["NAME"])
    name = f"cb_bench_smoke_{purpose}_{run}"
    if len(name) > LONGEST_NAME:
        name = f"cb_bench_smoke_{purpose}_{hashlib.sha256(run.encode()).hexdigest()[:16]}"
    return name
