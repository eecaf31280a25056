"""From a figure back to its records: only those the user may see are listed."""

import pytest

from casebridge.analytics.periods import parse_period
from casebridge.analytics.records import TABLE_RECORDS
from casebridge.analytics.registry import KNOWN_TABLES, registry
from casebridge.analytics.selectors import DENOMINATOR, NUMERATOR, figure_records, has_records
from casebridge.analytics.store import store_snapshot
from tests.analytics.fixtures import at, marac_referral
from tests.factories import AgencyFactory, UserFactory, role
from tests.refuges.factories import RefugeFactory, StayFactory

pytestmark = pytest.mark.django_db
Q1 = parse_period("Q1 22/23")


@pytest.fixture(autouse=True)
def snapshot_root(settings, tmp_path):
    settings.CASEBRIDGE_SNAPSHOT_DIR = tmp_path / "snapshots"


def records(user, indicator_id, part=NUMERATOR, period=Q1):
    return figure_records(
        user=user,
        snapshot=store_snapshot(),
        indicator=registry()[indicator_id],
        period=period,
        part=part,
    )


def test_every_snapshot_table_says_which_records_its_rows_are():
    assert set(TABLE_RECORDS) == KNOWN_TABLES


def test_the_coordinator_sees_the_referrals_counted_and_only_those():
    counted = [marac_referral(at(2022, 4, 1, 9)), marac_referral(at(2022, 6, 30, 17))]
    marac_referral(at(2022, 7, 1, 9))  # the next quarter
    coordinator = UserFactory(role=role("panel_coordinator"))
    found = records(coordinator, "marac-referrals")
    assert (found.behind, found.shown, found.not_shown) == (2, 2, 0)
    assert [row.reference for row in found.rows] == [counted[1].reference, counted[0].reference]
    assert found.rows[0].person == str(counted[1].subject)


def test_a_manager_sees_the_count_of_records_but_none_of_them():
    marac_referral(at(2022, 5, 1))
    found = records(UserFactory(role=role("manager")), "marac-referrals")
    assert (found.behind, found.shown, found.rows) == (1, 0, [])


def test_a_practitioner_sees_only_their_own_agencys_referrals():
    police = AgencyFactory(kind="police")
    mine = marac_referral(at(2022, 5, 1), referrer=police)
    marac_referral(at(2022, 5, 2))  # another force's
    officer = UserFactory(agency=police, role=role("practitioner"))
    found = records(officer, "marac-referrals")
    assert [row.id for row in found.rows] == [str(mine.pk)]
    assert found.not_shown == 1


def test_a_percentages_denominator_lists_every_referral_divided_by():
    marac_referral(at(2022, 5, 1), repeat=True)
    marac_referral(at(2022, 5, 2))
    coordinator = UserFactory(role=role("panel_coordinator"))
    assert records(coordinator, "marac-repeat-rate", NUMERATOR).behind == 1
    assert records(coordinator, "marac-repeat-rate", DENOMINATOR).behind == 2


def test_a_population_estimate_has_no_records_behind_it():
    indicator = registry()["marac-cases-per-10000-adult-women"]
    assert has_records(indicator, NUMERATOR)
    assert not has_records(indicator, DENOMINATOR)


def test_refuge_residents_are_listed_for_the_provider_and_never_for_a_coordinator():
    refuge = RefugeFactory()
    StayFactory(refuge=refuge, arrived_on=at(2022, 5, 1).date())
    provider_worker = UserFactory(agency=refuge.provider, role=role("practitioner"))
    coordinator = UserFactory(role=role("panel_coordinator"))
    assert records(provider_worker, "refuge-women-supported").shown == 1
    hidden = records(coordinator, "refuge-women-supported")
    assert (hidden.behind, hidden.shown) == (1, 0)
