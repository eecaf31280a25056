"""Snapshots in an S3-compatible bucket, shared by several servers: each reads the newest
complete one from a local copy fetched once by its id."""

import shutil

import pytest

from casebridge.analytics.store import latest_snapshot, snapshot_get, snapshot_id, store_snapshot
from casebridge.core.storage import named_storage
from tests.analytics.fixtures import at, marac_referral
from tests.s3 import s3_endpoint, s3_storage

__all__ = ["s3_endpoint", "s3_storage"]

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def snapshots_in_a_bucket(settings, s3_storage, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "snapshots": s3_storage("snapshots")}
    settings.CASEBRIDGE_SNAPSHOT_CACHE_DIR = tmp_path / "this-server"


def test_a_snapshot_stored_by_one_server_is_read_by_another(settings, tmp_path):
    marac_referral(at(2022, 5, 10))
    taken = store_snapshot()
    assert named_storage("snapshots").exists(f"{snapshot_id(taken)}/manifest.json")
    # Another server: nothing of it on its own disk.
    settings.CASEBRIDGE_SNAPSHOT_CACHE_DIR = tmp_path / "another-server"
    read = latest_snapshot()
    assert read is not None and snapshot_id(read) == snapshot_id(taken)
    assert read.directory.is_relative_to(tmp_path / "another-server")
    assert read.rows["marac_referrals"] == 1 and read.path("marac_referrals").exists()
    assert snapshot_get(snapshot_id(taken)) == read


def test_a_snapshot_without_its_manifest_in_the_bucket_is_not_complete(settings, tmp_path):
    taken = store_snapshot()
    named_storage("snapshots").delete(f"{snapshot_id(taken)}/manifest.json")
    settings.CASEBRIDGE_SNAPSHOT_CACHE_DIR = tmp_path / "another-server"
    assert latest_snapshot() is None


def test_only_the_newest_are_kept_in_the_bucket(settings):
    settings.CASEBRIDGE_SNAPSHOTS_KEPT = 2
    first, second, third = store_snapshot(), store_snapshot(), store_snapshot()
    shutil.rmtree(settings.CASEBRIDGE_SNAPSHOT_CACHE_DIR)
    assert snapshot_get(snapshot_id(first)) is None
    assert snapshot_get(snapshot_id(second)) == second
    assert latest_snapshot() == third
