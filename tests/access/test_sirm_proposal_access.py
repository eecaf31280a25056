"""Who may see the people a SIRM proposal names: its coordinators, whoever recorded them."""

from datetime import UTC, datetime

import pytest

from casebridge.access.policy import Action, visible
from casebridge.agencies.models import Agency
from casebridge.incidents.models import Incident
from casebridge.people.models import Person
from casebridge.violence.models import SirmProposal
from tests.factories import AgencyFactory, PersonFactory, UserFactory, role

pytestmark = pytest.mark.django_db


@pytest.fixture
def police():
    return AgencyFactory(kind=Agency.Kind.POLICE)


def _proposed(police, victim, suspect) -> SirmProposal:
    incident = Incident.objects.create(
        reporting_agency=police,
        reference="CR-1",
        category=Incident.Category.VIOLENCE_WITH_INJURY,
        occurred_at=datetime(2022, 8, 3, 22, tzinfo=UTC),
        victim=victim,
        suspect=suspect,
        weapon=Incident.Weapon.KNIFE,
    )
    return SirmProposal.objects.create(
        incident=incident, proposed_at=incident.occurred_at, rule_version=1, criteria={}
    )


def _visible_people(user) -> set[Person]:
    return set(visible(user=user, action=Action.VIEW, queryset=Person.objects.all()))


def test_the_sirm_coordinator_sees_the_victim_and_suspect_of_a_proposal_and_no_one_else(police):
    victim, suspect, bystander = (PersonFactory(recorded_by_agency=police) for _ in range(3))
    _proposed(police, victim, suspect)
    coordinator = UserFactory(
        agency=AgencyFactory(kind=Agency.Kind.COUNCIL), role=role("vve_coordinator")
    )
    assert _visible_people(coordinator) == {victim, suspect}
    assert bystander not in _visible_people(coordinator)


def test_a_marac_coordinator_does_not_see_the_people_a_sirm_proposal_names(police):
    victim, suspect = (
        PersonFactory(recorded_by_agency=police),
        PersonFactory(recorded_by_agency=police),
    )
    _proposed(police, victim, suspect)
    marac_coordinator = UserFactory(
        agency=AgencyFactory(kind=Agency.Kind.COUNCIL), role=role("panel_coordinator")
    )
    assert _visible_people(marac_coordinator) == set()
    assert not visible(
        user=marac_coordinator, action=Action.VIEW, queryset=SirmProposal.objects.all()
    ).exists()
