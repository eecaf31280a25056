"""From a violence or exploitation figure back to its records, as far as the user may see."""

from datetime import date

import pytest

from casebridge.analytics.periods import parse_period
from casebridge.analytics.registry import registry
from casebridge.analytics.selectors import figure_records
from casebridge.analytics.store import store_snapshot
from casebridge.panels.models import Meeting
from tests.analytics.fixtures import at
from tests.analytics.violence_fixtures import meeting, missing_episode
from tests.factories import PersonFactory, UserFactory, role

pytestmark = pytest.mark.django_db
Q2 = parse_period("Q2 22/23")


@pytest.fixture(autouse=True)
def snapshot_root(settings, tmp_path):
    settings.CASEBRIDGE_SNAPSHOT_DIR = tmp_path / "snapshots"


def records(user, indicator_id):
    return figure_records(
        user=user, snapshot=store_snapshot(), indicator=registry()[indicator_id], period=Q2
    )


def test_the_violence_coordinator_sees_the_sirms_held_and_a_manager_only_how_many():
    held = meeting("sirm", at(2022, 8, 2))
    meeting("sirm", at(2022, 8, 9), status=Meeting.Status.CANCELLED)
    coordinator = UserFactory(role=role("vve_coordinator"))
    found = records(coordinator, "sirms-held")
    assert [(row.id, row.reference) for row in found.rows] == [(str(held.pk), held.title)]
    manager = records(UserFactory(role=role("manager")), "sirms-held")
    assert (manager.behind, manager.shown) == (1, 0)


def test_a_child_missing_twice_is_listed_once_behind_the_missing_children():
    child = PersonFactory(date_of_birth=date(2007, 1, 1))
    for day in (1, 8):
        missing_episode(child, at(2022, 8, day))
    found = records(UserFactory(role=role("manager")), "missing-children")
    assert found.behind == 1
