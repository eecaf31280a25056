"""The databases the backup tests copy: the test database as migrated and the tiny demo
borough, kept once for the session (tests/bench/conftest.py)."""

from tests.bench.conftest import borough_copy, kept_borough, migrated_copy, migrated_database

__all__ = ["borough_copy", "kept_borough", "migrated_copy", "migrated_database"]
