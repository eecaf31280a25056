"""The test database, migrated once per run rather than once per pytest-xdist worker.

Migrating a test database costs 7 to 8 s of CPU (Django renders some 5,100 model states over
the migrations), and loading the shipped definitions more: each of a run's workers did both.
Under pytest-xdist the first worker to need a database now migrates its own as pytest-django
does, loads the definitions (as `sync-definitions` does) and keeps a copy of it (SQLite: the
in-memory database backed up to a file; PostgreSQL: a database made with it as template); every
other worker makes its test database from that copy, which takes a fraction of a second. The
copy is the database every test starts from, as migrations and definitions left it, so a
worker's tests see exactly what they saw when each worker migrated its own.

Without workers (``-n 0``), or when pytest-django is asked to reuse or not to migrate a
database (``--reuse-db``, ``--no-migrations``), pytest-django sets the database up itself.
"""

import os
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import setup_databases, teardown_databases
from pytest_django.fixtures import _get_databases_for_setup

from casebridge.access.definitions import load_permissions
from casebridge.assessments.definitions import load_instruments
from casebridge.pathways.definitions import load_pathways
from tests.kept_databases import keep_database, kept_database_name, only_one_at_a_time

KEPT = "migrated"  # the kept PostgreSQL database's suffix (kept_databases.py)


def load_definitions() -> None:
    """Every test database starts with the shipped definitions, as `sync-definitions` loads them."""
    load_pathways()
    load_permissions()
    load_instruments()


@pytest.fixture(scope="session")
def django_db_setup(
    request: pytest.FixtureRequest,
    django_db_blocker,
    django_db_use_migrations: bool,
    django_db_keepdb: bool,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[None]:
    aliases, serialized_aliases = _get_databases_for_setup(request.session.items)
    copied = aliases == {connection.alias} and django_db_use_migrations and not django_db_keepdb
    if "PYTEST_XDIST_WORKER" not in os.environ or not copied:
        request.getfixturevalue("django_db_setup")  # pytest-django's own
        with django_db_blocker.unblock():
            load_definitions()
        yield
        return

    # What pytest-django's own set-up asks for first: the test environment (mail kept in
    # memory, and so on) and the worker's own database name.
    request.getfixturevalue("django_test_environment")
    request.getfixturevalue("django_db_modify_db_settings")
    verbosity = request.config.option.verbose
    # Every worker's temporary directory is under the run's one.
    kept = tmp_path_factory.getbasetemp().parent / "migrated-database"
    with django_db_blocker.unblock(), only_one_at_a_time(kept.with_suffix(".lock")):
        if (kept / "ready").exists():
            databases = _copy_kept_database(kept)
        else:
            kept.mkdir(exist_ok=True)  # a worker whose set-up failed leaves it empty
            databases = setup_databases(
                verbosity=verbosity, interactive=False, aliases=aliases, serialized_aliases=set()
            )
            load_definitions()
            keep_database(kept, KEPT)
            (kept / "ready").touch()  # last: the copy is complete
        if serialized_aliases:  # for the tests that ask for it, as pytest-django would
            connection._test_serialized_contents = connection.creation.serialize_db_to_string()
    yield
    with django_db_blocker.unblock():
        teardown_databases(databases, verbosity=verbosity)


def _copy_kept_database(kept: Path) -> list:
    """The worker's test database made from the kept one, as Django's ``create_test_db`` names
    and connects it; returns what ``teardown_databases`` takes."""
    creation = connection.creation
    original_name = connection.settings_dict["NAME"]
    test_database = creation._get_test_db_name()
    if connection.vendor == "sqlite":
        creation._create_test_db(verbosity=0, autoclobber=True)  # removes a stale file's
    else:
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{test_database}"')
            kept_name = kept_database_name(KEPT)
            cursor.execute(f'CREATE DATABASE "{test_database}" TEMPLATE "{kept_name}"')
    connection.close()
    settings.DATABASES[connection.alias]["NAME"] = test_database
    connection.settings_dict["NAME"] = test_database
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        with closing(sqlite3.connect(kept / "database.sqlite3")) as copy:
            copy.backup(connection.connection)
    return [(connection, original_name, True)]
