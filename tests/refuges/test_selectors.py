"""Occupancy over any period, and who sees which refuges and addresses."""

from datetime import date

import pytest

from casebridge.access.services import entitlement_grant
from casebridge.refuges.selectors import (
    has_visible_refuges,
    may_view_refuges,
    recent_half_years,
    refuge_addresses,
    refuge_list,
    refuge_occupancy,
)
from tests.factories import PersonFactory
from tests.refuges.factories import RefugeFactory, StayFactory, add_child, make_refuge_world

pytestmark = pytest.mark.django_db

H1 = (date(2024, 4, 1), date(2024, 9, 30))  # 183 days


def test_occupancy_counts_bed_nights_women_and_children_in_the_period():
    world = make_refuge_world(bed_spaces=2)
    refuge = world.refuge
    before = StayFactory(
        refuge=refuge, arrived_on=date(2024, 3, 1), departed_on=date(2024, 5, 1), move_on="unknown"
    )
    for child in world.children:
        add_child(before, child)
    StayFactory(refuge=refuge, arrived_on=date(2024, 9, 30))  # one night, still there
    # Left on the first morning of the period: supported that day, no night in it.
    StayFactory(
        refuge=refuge, arrived_on=date(2024, 2, 1), departed_on=date(2024, 4, 1), move_on="unknown"
    )
    StayFactory(refuge=refuge, arrived_on=date(2024, 10, 1))  # after the period
    StayFactory(arrived_on=date(2024, 5, 1))  # another refuge

    [figures] = refuge_occupancy(user=world.worker, start=H1[0], end=H1[1])

    assert figures.refuge == refuge
    assert figures.bed_nights_used == 30 + 1
    assert figures.bed_nights_available == 2 * 183
    assert (figures.women, figures.children) == (3, 2)
    assert figures.percent_used == 8


def test_a_woman_with_two_stays_in_a_period_is_one_woman_supported():
    world = make_refuge_world()
    StayFactory(
        refuge=world.refuge,
        person=world.woman,
        arrived_on=date(2024, 4, 1),
        departed_on=date(2024, 4, 11),
        move_on="perpetrator",
    )
    StayFactory(refuge=world.refuge, person=world.woman, arrived_on=date(2024, 6, 1))
    [figures] = refuge_occupancy(user=world.worker, start=H1[0], end=H1[1])
    assert (figures.women, figures.bed_nights_used) == (1, 10 + 122)


def test_coordinator_and_manager_get_figures_for_every_refuge():
    world = make_refuge_world()
    RefugeFactory()
    for user in (world.coordinator, world.manager):
        assert len(refuge_occupancy(user=user, start=H1[0], end=H1[1])) == 2
        assert may_view_refuges(user=user) and has_visible_refuges(user=user)
        assert refuge_addresses(user=user, refuges=refuge_list(user=user)) == {}


def test_a_provider_worker_sees_only_their_own_refuges_and_their_addresses():
    world = make_refuge_world()
    RefugeFactory()
    refuges = list(refuge_list(user=world.worker))
    assert refuges == [world.refuge]
    assert refuge_addresses(user=world.worker, refuges=refuges) == {
        world.refuge.pk: world.refuge.address
    }
    assert refuge_occupancy(user=world.worker, start=H1[0], end=H1[1])[0].refuge == world.refuge


@pytest.mark.parametrize("who", ["other_charity_worker", "council_worker", "auditor"])
def test_others_see_no_refuges(who):
    world = make_refuge_world()
    user = world.users()[who]
    assert not has_visible_refuges(user=user)
    assert not refuge_list(user=user).exists()
    assert refuge_occupancy(user=user, start=H1[0], end=H1[1]) == []


def test_an_entitled_user_sees_that_refuge_and_its_address():
    world = make_refuge_world()
    entitlement_grant(
        actor=world.worker, user=world.council_worker, refuge=world.refuge, reason="Social worker"
    )
    assert may_view_refuges(user=world.council_worker)
    assert has_visible_refuges(user=world.council_worker)
    refuges = list(refuge_list(user=world.council_worker))
    assert refuges == [world.refuge]
    assert world.refuge.pk in refuge_addresses(user=world.council_worker, refuges=refuges)


def test_recent_half_years_are_financial_halves_latest_first():
    periods = recent_half_years(today=date(2023, 1, 15), count=3)
    assert [(p.start, p.end) for p in periods] == [
        (date(2022, 10, 1), date(2023, 1, 15)),
        (date(2022, 4, 1), date(2022, 9, 30)),
        (date(2021, 10, 1), date(2022, 3, 31)),
    ]
    assert periods[1].label == "April to September 2022"


def test_a_child_is_counted_by_person_not_by_stay():
    world = make_refuge_world()
    child = PersonFactory(recorded_by_agency=world.provider)
    for arrived, departed in ((date(2024, 4, 1), date(2024, 4, 5)), (date(2024, 5, 1), None)):
        stay = StayFactory(
            refuge=world.refuge,
            person=world.woman,
            arrived_on=arrived,
            departed_on=departed,
            move_on="unknown" if departed else "",
        )
        add_child(stay, child)
    [figures] = refuge_occupancy(user=world.worker, start=H1[0], end=H1[1])
    assert figures.children == 1
