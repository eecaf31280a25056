from pathlib import Path

import pytest
from django.db import connection, transaction
from django.test import Client, override_settings
from pytest_django.plugin import blocking_manager_key

from casebridge.analytics.engine import Engine, stored_engine
from casebridge.analytics.services import snapshot_refresh
from casebridge.analytics.snapshot import Snapshot
from casebridge.people.models import Person
from tests.analytics.fixtures import at, marac_referral, snapshot_of
from tests.factories import sign_in
from tests.kept_databases import drop_kept_database
from tests.migrated_database import KEPT as MIGRATED
from tests.migrated_database import django_db_setup
from tests.tiny_borough import KEPT as BOROUGH
from tests.tiny_borough import run_last, tiny_borough

# Session fixtures: the test database, migrated once per run, and the tiny demo borough.
__all__ = ["django_db_setup", "tiny_borough"]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    longest_first(items)
    run_last(items)  # after pytest-django (tryfirst) has put the transactional tests last
    database_free_tests_in_the_sqlite_run_only(config, items)


# The longest modules before the tiny borough's (each 15 to 75 s of CPU in a run; the durations
# printed at the end of a run name them), longest first. pytest-xdist hands each worker a module
# at a time in collection order, so one left until the end keeps a worker busy long after the
# other has run out of work (the PostgreSQL run's authorisation matrix, last by name, did).
LONGEST_FIRST = (
    "analytics/test_spark_parity.py",
    "web/test_matrix.py",
    "reports/test_board.py",
    "bench/test_smoke.py",
    "reports/test_render.py",
    "analytics/test_views.py",
    "analytics/test_downloads.py",
    "reports/test_reoffending_section.py",
    "analytics/disclosure/test_randomised_attack.py",
    "reports/test_charts.py",
    # Real workers in processes of their own, on a database they migrate (about a minute).
    "jobs/test_worker.py",
)
TESTS = Path(__file__).parent


def longest_first(items: list[pytest.Item]) -> None:
    """Move the longest modules to the front, otherwise keeping the order (sort is stable)."""

    def order(item: pytest.Item) -> int:
        name = item.path.relative_to(TESTS).as_posix()
        return LONGEST_FIRST.index(name) if name in LONGEST_FIRST else len(LONGEST_FIRST)

    items.sort(key=order)


def pytest_sessionfinish(session: pytest.Session) -> None:
    """On pytest-xdist's controller, once every worker is done with them: the databases the
    workers copied their test database and the tiny borough from."""
    if session.config.pluginmanager.has_plugin("dsession"):
        with session.config.stash[blocking_manager_key].unblock():
            drop_kept_database(MIGRATED)
            drop_kept_database(BOROUGH)


def database_free_tests_in_the_sqlite_run_only(config: pytest.Config, items: list[pytest.Item]):
    """A test that cannot reach the database (pytest-django refuses it unless the test asks)
    proves the same whichever database the run uses, as does one marked
    ``same_on_either_database`` (pyproject.toml says which): the PostgreSQL run deselects both,
    except the database-free ones marked ``in_the_postgresql_run``, which the SQLite run
    deselects instead (the two runs go side by side, and the SQLite one is the longer)."""
    kept: list[pytest.Item] = []
    deselected: list[pytest.Item] = []
    for item in items:
        moved = item.get_closest_marker("in_the_postgresql_run") is not None
        if connection.vendor == "sqlite":
            keep = not moved
        else:
            asks = item.get_closest_marker("django_db") or "_django_db_helper" in item.fixturenames
            either = item.get_closest_marker("same_on_either_database") is not None
            keep = moved or bool(asks and not either)
        (kept if keep else deselected).append(item)
    config.hook.pytest_deselected(items=deselected)
    items[:] = kept


@pytest.fixture
def signed_in_client():
    """A test client signed in (password and one-time code) as the given user."""

    def make(user) -> Client:
        client = Client()
        sign_in(client, user)
        return client

    return make


@pytest.fixture(scope="session")
def _three_referrals_stored(django_db_setup, django_db_blocker, tmp_path_factory) -> Snapshot:
    root = tmp_path_factory.mktemp("three-referrals-snapshots")
    with (
        django_db_blocker.unblock(),
        transaction.atomic(),
        override_settings(CASEBRIDGE_SNAPSHOT_DIR=root),
    ):
        # Taken inside the transaction of the test that first asks for it: records it made
        # before asking would be in the snapshot every later test reads.
        if Person.objects.exists():
            raise RuntimeError("Ask for three_referrals before the test records anyone")
        for day in (10, 11, 12):
            marac_referral(at(2022, 5, day), repeat=day == 10)
        snapshot = snapshot_refresh(actor=None)
        transaction.set_rollback(True)
    return snapshot


@pytest.fixture
def three_referrals(_three_referrals_stored, settings) -> Snapshot:
    """The stored snapshot of three MARAC referrals in May 2022 (Q1 22/23), one a repeat, as
    the dashboard reads it: taken once for the session, its records rolled back as soon as it
    was taken. Every page over one snapshot computes the whole dashboard (tens of seconds), once
    per snapshot, so the tests that only read figures share this one; a test that lists the
    records behind a figure takes its own, as the records must still be there."""
    settings.CASEBRIDGE_SNAPSHOT_DIR = _three_referrals_stored.directory.parent
    return _three_referrals_stored


@pytest.fixture(scope="session")
def no_records(django_db_setup, django_db_blocker, tmp_path_factory) -> Engine:
    """An engine over a snapshot of no records (the shipped definitions only): the tests that
    read a report of nothing share it, and its measures (``stored_engine``)."""
    with django_db_blocker.unblock():
        snapshot = snapshot_of(lambda: None, tmp_path_factory.mktemp("no-records"))
    return stored_engine(snapshot)
