"""Refuges and stays: each rule of the lifecycle, who may write, and what the audit log keeps."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from casebridge.access.policy import AccessDenied
from casebridge.access.services import entitlement_grant
from casebridge.agencies.models import Agency
from casebridge.audit.models import AuditEvent
from casebridge.core.errors import ApplicationError
from casebridge.refuges.models import Refuge, Stay
from casebridge.refuges.services import RefugeAddress, refuge_create, stay_begin, stay_end
from tests.factories import AgencyFactory, PersonFactory, UserFactory, role
from tests.refuges.factories import REFUGE_SECRETS, StayFactory, make_refuge_world

pytestmark = pytest.mark.django_db

ADDRESS = RefugeAddress(
    line_1="CANARY-SAFEHOUSE-42", line_2="Hidden Lane", town="Barnet", postcode="zz8 8qx"
)
MAY = date(2024, 5, 1)


def _audit_text() -> str:
    return " ".join(f"{e.summary} {e.changes}" for e in AuditEvent.objects.all())


def _woman(world):
    return PersonFactory(recorded_by_agency=world.provider)


# --- refuge_create --------------------------------------------------------------------------


def test_a_provider_worker_records_a_refuge_without_its_address_in_the_audit_log():
    world = make_refuge_world()
    refuge = refuge_create(
        actor=world.worker, name=" Minerva ", provider=world.provider, bed_spaces=6, address=ADDRESS
    )
    assert (refuge.name, refuge.postcode, refuge.bed_spaces) == ("Minerva", "ZZ8 8QX", 6)
    assert AuditEvent.objects.filter(object_type="refuge", object_id=str(refuge.pk)).exists()
    for secret in REFUGE_SECRETS:
        assert secret not in _audit_text()


def test_a_refuge_is_run_by_a_charity_or_housing_provider():
    police = AgencyFactory(kind=Agency.Kind.POLICE)
    world = make_refuge_world()
    with pytest.raises(ApplicationError) as error:
        refuge_create(actor=world.worker, name="X", provider=police, bed_spaces=6, address=ADDRESS)
    assert error.value.field == "provider"


def test_nobody_records_a_refuge_for_another_agency():
    world = make_refuge_world()
    other = AgencyFactory(kind=Agency.Kind.CHARITY)
    count = Refuge.objects.count()
    with pytest.raises(AccessDenied):
        refuge_create(actor=world.worker, name="X", provider=other, bed_spaces=6, address=ADDRESS)
    assert Refuge.objects.count() == count


@pytest.mark.parametrize("who", ["council_worker", "coordinator", "manager", "auditor"])
def test_other_roles_record_no_refuge(who):
    world = make_refuge_world()
    with pytest.raises(AccessDenied):
        refuge_create(
            actor=world.users()[who],
            name="X",
            provider=world.provider,
            bed_spaces=6,
            address=ADDRESS,
        )


@pytest.mark.parametrize("beds", [0, -1, 201])
def test_bed_spaces_must_be_sensible(beds):
    world = make_refuge_world()
    with pytest.raises(ApplicationError) as error:
        refuge_create(
            actor=world.worker, name="X", provider=world.provider, bed_spaces=beds, address=ADDRESS
        )
    assert error.value.field == "bed_spaces"


# --- stay_begin -----------------------------------------------------------------------------


def test_an_arrival_with_children_is_recorded_and_audited():
    world = make_refuge_world()
    stay = stay_begin(
        actor=world.worker,
        refuge=world.refuge,
        person=world.woman,
        arrived_on=MAY,
        children=world.children,
    )
    assert set(stay.children.all()) == set(world.children)
    assert stay.departed_on is None and stay.move_on == ""
    event = AuditEvent.objects.get(object_type="refuge_stay", object_id=str(stay.pk))
    assert event.action == "create"
    for secret in REFUGE_SECRETS:
        assert secret not in _audit_text()


def test_an_arrival_is_refused_when_the_refuge_is_full_that_night():
    world = make_refuge_world(bed_spaces=2)
    for _ in range(2):
        stay_begin(actor=world.worker, refuge=world.refuge, person=_woman(world), arrived_on=MAY)
    with pytest.raises(ApplicationError) as error:
        stay_begin(actor=world.worker, refuge=world.refuge, person=world.woman, arrived_on=MAY)
    assert error.value.field == "arrived_on"
    assert "no bed space free on 1 May 2024" in error.value.message


def test_a_bed_left_that_morning_is_free_that_night():
    world = make_refuge_world(bed_spaces=1)
    first = stay_begin(
        actor=world.worker, refuge=world.refuge, person=_woman(world), arrived_on=MAY
    )
    stay_end(
        actor=world.worker, stay=first, departed_on=MAY + timedelta(days=30), move_on="unknown"
    )
    stay = stay_begin(
        actor=world.worker,
        refuge=world.refuge,
        person=world.woman,
        arrived_on=MAY + timedelta(days=30),
    )
    assert stay.pk


def test_a_back_dated_arrival_is_refused_if_a_later_night_would_be_over_capacity():
    world = make_refuge_world(bed_spaces=1)
    # Someone arrived in June and is still there; a stay from May, still open, would overlap.
    stay_begin(
        actor=world.worker, refuge=world.refuge, person=_woman(world), arrived_on=date(2024, 6, 1)
    )
    with pytest.raises(ApplicationError) as error:
        stay_begin(actor=world.worker, refuge=world.refuge, person=world.woman, arrived_on=MAY)
    assert "1 June 2024" in error.value.message


def test_the_same_woman_cannot_have_overlapping_stays_even_at_another_refuge():
    world = make_refuge_world()
    stay_begin(actor=world.worker, refuge=world.refuge, person=world.woman, arrived_on=MAY)
    other = StayFactory(refuge__provider=world.provider).refuge
    with pytest.raises(ApplicationError) as error:
        stay_begin(
            actor=world.worker, refuge=other, person=world.woman, arrived_on=MAY + timedelta(5)
        )
    assert "already has a refuge stay" in error.value.message


def test_moving_to_another_refuge_on_the_day_she_leaves_is_not_an_overlap():
    world = make_refuge_world()
    first = stay_begin(actor=world.worker, refuge=world.refuge, person=world.woman, arrived_on=MAY)
    left = MAY + timedelta(days=40)
    stay_end(actor=world.worker, stay=first, departed_on=left, move_on="another_refuge")
    other = StayFactory(refuge__provider=world.provider).refuge
    assert stay_begin(actor=world.worker, refuge=other, person=world.woman, arrived_on=left)


def test_an_earlier_open_ended_stay_overlapping_a_later_recorded_one_is_refused():
    world = make_refuge_world()
    first = stay_begin(
        actor=world.worker, refuge=world.refuge, person=world.woman, arrived_on=date(2024, 7, 1)
    )
    stay_end(actor=world.worker, stay=first, departed_on=date(2024, 8, 1), move_on="unknown")
    with pytest.raises(ApplicationError):
        stay_begin(actor=world.worker, refuge=world.refuge, person=world.woman, arrived_on=MAY)


def test_a_child_cannot_be_in_two_stays_at_once():
    world = make_refuge_world()
    stay_begin(
        actor=world.worker,
        refuge=world.refuge,
        person=world.woman,
        arrived_on=MAY,
        children=world.children[:1],
    )
    with pytest.raises(ApplicationError) as error:
        stay_begin(
            actor=world.worker,
            refuge=world.refuge,
            person=_woman(world),
            arrived_on=MAY,
            children=world.children[:1],
        )
    assert error.value.field == "children"


def test_she_is_not_her_own_child_and_no_child_is_listed_twice():
    world = make_refuge_world()
    with pytest.raises(ApplicationError):
        stay_begin(
            actor=world.worker,
            refuge=world.refuge,
            person=world.woman,
            arrived_on=MAY,
            children=[world.woman],
        )
    with pytest.raises(ApplicationError):
        stay_begin(
            actor=world.worker,
            refuge=world.refuge,
            person=world.woman,
            arrived_on=MAY,
            children=[world.children[0], world.children[0]],
        )


def test_an_arrival_cannot_be_in_the_future():
    world = make_refuge_world()
    with pytest.raises(ApplicationError) as error:
        stay_begin(
            actor=world.worker,
            refuge=world.refuge,
            person=world.woman,
            arrived_on=timezone.localdate() + timedelta(days=1),
        )
    assert error.value.field == "arrived_on"


@pytest.mark.parametrize(
    "who", ["other_charity_worker", "council_worker", "coordinator", "manager", "auditor"]
)
def test_only_the_providers_staff_record_arrivals(who):
    world = make_refuge_world()
    with pytest.raises(AccessDenied):
        stay_begin(
            actor=world.users()[who], refuge=world.refuge, person=world.woman, arrived_on=MAY
        )
    assert not Stay.objects.exists()


def test_a_worker_cannot_place_someone_they_may_not_see():
    world = make_refuge_world()
    stranger = PersonFactory(recorded_by_agency=AgencyFactory())
    with pytest.raises(AccessDenied):
        stay_begin(actor=world.worker, refuge=world.refuge, person=stranger, arrived_on=MAY)


def test_a_manager_of_the_provider_records_no_stays():
    world = make_refuge_world()
    manager = UserFactory(agency=world.provider, role=role("manager"))
    with pytest.raises(AccessDenied):
        stay_begin(actor=manager, refuge=world.refuge, person=world.woman, arrived_on=MAY)


# --- stay_end -------------------------------------------------------------------------------


def test_a_departure_records_the_move_on_outcome():
    world = make_refuge_world()
    stay = stay_begin(actor=world.worker, refuge=world.refuge, person=world.woman, arrived_on=MAY)
    ended = stay_end(
        actor=world.worker,
        stay=stay,
        departed_on=date(2024, 9, 1),
        move_on=Stay.MoveOn.HOME_WITH_SANCTUARY,
    )
    assert (ended.departed_on, ended.move_on) == (date(2024, 9, 1), "home_sanctuary")
    assert AuditEvent.objects.filter(
        object_type="refuge_stay", object_id=str(stay.pk), action="change"
    ).exists()


def test_departure_not_before_arrival_but_on_the_same_day_is_fine():
    world = make_refuge_world()
    stay = stay_begin(actor=world.worker, refuge=world.refuge, person=world.woman, arrived_on=MAY)
    with pytest.raises(ApplicationError) as error:
        stay_end(
            actor=world.worker, stay=stay, departed_on=MAY - timedelta(days=1), move_on="unknown"
        )
    assert error.value.field == "departed_on"
    assert stay_end(actor=world.worker, stay=stay, departed_on=MAY, move_on="unknown")


@pytest.mark.parametrize("move_on", ["", "moon"])
def test_a_departure_needs_a_move_on_outcome(move_on):
    world = make_refuge_world()
    stay = stay_begin(actor=world.worker, refuge=world.refuge, person=world.woman, arrived_on=MAY)
    with pytest.raises(ApplicationError) as error:
        stay_end(actor=world.worker, stay=stay, departed_on=MAY, move_on=move_on)
    assert error.value.field == "move_on"
    stay.refresh_from_db()
    assert stay.departed_on is None


def test_departure_cannot_be_in_the_future_nor_recorded_twice():
    world = make_refuge_world()
    stay = stay_begin(actor=world.worker, refuge=world.refuge, person=world.woman, arrived_on=MAY)
    with pytest.raises(ApplicationError):
        stay_end(
            actor=world.worker,
            stay=stay,
            departed_on=timezone.localdate() + timedelta(days=1),
            move_on="unknown",
        )
    stay_end(actor=world.worker, stay=stay, departed_on=MAY, move_on="unknown")
    with pytest.raises(ApplicationError):
        stay_end(actor=world.worker, stay=stay, departed_on=MAY, move_on="unknown")


@pytest.mark.parametrize("who", ["other_charity_worker", "coordinator", "manager"])
def test_only_the_providers_staff_record_departures(who):
    world = make_refuge_world()
    stay = stay_begin(actor=world.worker, refuge=world.refuge, person=world.woman, arrived_on=MAY)
    with pytest.raises(AccessDenied):
        stay_end(actor=world.users()[who], stay=stay, departed_on=MAY, move_on="unknown")


# --- entitlement ----------------------------------------------------------------------------


def test_only_someone_who_sees_the_address_passes_it_on():
    world = make_refuge_world()
    with pytest.raises(AccessDenied):
        entitlement_grant(
            actor=world.coordinator,
            user=world.coordinator,
            refuge=world.refuge,
            reason="Arranging a move",
        )
    grant = entitlement_grant(
        actor=world.worker, user=world.coordinator, refuge=world.refuge, reason="Arranging a move"
    )
    assert grant.refuge == world.refuge
