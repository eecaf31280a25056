import pytest
from django.db import transaction
from django.test import override_settings
from pyspark.sql import SparkSession

from casebridge.analytics.services import snapshot_refresh
from casebridge.analytics.snapshot import Snapshot
from casebridge.analytics.spark import spark_connection
from tests.analytics.fixtures import at, marac_referral


@pytest.fixture(scope="session")
def spark():
    """One Spark session for every parity test: starting one costs half a minute."""
    yield spark_connection()
    SparkSession.getActiveSession().stop()


@pytest.fixture(scope="session")
def _three_referrals_stored(django_db_setup, django_db_blocker, tmp_path_factory) -> Snapshot:
    root = tmp_path_factory.mktemp("three-referrals-snapshots")
    with (
        django_db_blocker.unblock(),
        transaction.atomic(),
        override_settings(CASEBRIDGE_SNAPSHOT_DIR=root),
    ):
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
