"""The snapshots the dashboard reads: whole or not at all, the newest few kept."""

import pytest

from casebridge.analytics.store import (
    PARTIAL_PREFIX,
    latest_snapshot,
    snapshot_get,
    snapshot_id,
    store_snapshot,
)
from tests.analytics.fixtures import at, marac_referral

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def snapshot_root(settings, tmp_path):
    settings.CASEBRIDGE_SNAPSHOT_DIR = tmp_path / "snapshots"
    return settings.CASEBRIDGE_SNAPSHOT_DIR


def test_there_is_no_latest_snapshot_before_one_is_taken():
    assert latest_snapshot() is None


def test_a_stored_snapshot_is_the_latest_and_can_be_found_by_its_id():
    marac_referral(at(2022, 5, 10))
    taken = store_snapshot()
    assert latest_snapshot() == taken
    assert snapshot_get(snapshot_id(taken)) == taken
    assert taken.rows["marac_referrals"] == 1


def test_only_the_newest_snapshots_are_kept(settings):
    settings.CASEBRIDGE_SNAPSHOTS_KEPT = 2
    first, second, third = store_snapshot(), store_snapshot(), store_snapshot()
    assert snapshot_get(snapshot_id(first)) is None
    assert snapshot_get(snapshot_id(second)) == second
    assert latest_snapshot() == third


def test_a_half_written_snapshot_is_never_read(snapshot_root):
    taken = store_snapshot()
    (snapshot_root / f"{PARTIAL_PREFIX}abc").mkdir()
    (snapshot_root / "99991231T235959999999Z").mkdir()  # no manifest: not finished
    assert latest_snapshot() == taken


@pytest.mark.parametrize("guess", ["../snapshots", "/etc", "20221231", "", "x" * 22])
def test_an_id_that_is_not_a_snapshot_id_finds_nothing(guess):
    store_snapshot()
    assert snapshot_get(guess) is None
