"""The databases the backup tests copy (the test database as migrated and the tiny demo
borough, kept once for the session: tests/bench/conftest.py) and the empty one they restore into."""

import pytest
from django.db import connection

from tests.bench.conftest import (
    _drop,
    _scratch_name,
    borough_copy,
    kept_borough,
    migrated_copy,
    migrated_database,
)

__all__ = ["borough_copy", "kept_borough", "migrated_copy", "migrated_database"]


@pytest.fixture
def empty_database(tmp_path):
    """The URL of an empty database of the run's kind, the test's own."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.sqlite3'}"
        return
    name = _scratch_name("restore")
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    settings = connection.settings_dict
    yield f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{name}"
    _drop(name)
