"""A refuge world: a provider's refuge with a canary address, its staff, and everyone else."""

from dataclasses import dataclass
from datetime import date

import factory

from casebridge.accounts.models import User
from casebridge.agencies.models import Agency
from casebridge.people.models import Person, Relationship
from casebridge.refuges.models import Refuge, Stay, StayChild
from tests.factories import AgencyFactory, PersonFactory, UserFactory, role

REFUGE_LINE = "CANARY-SAFEHOUSE-42"
REFUGE_STREET = "Hidden Lane"
REFUGE_POSTCODE = "ZZ8 8QX"
REFUGE_SECRETS = (REFUGE_LINE, REFUGE_STREET, REFUGE_POSTCODE)


class RefugeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Refuge

    name = factory.Sequence(lambda n: f"Haven House {n}")
    provider = factory.SubFactory(AgencyFactory, kind=Agency.Kind.HOUSING)
    bed_spaces = 6
    line_1 = REFUGE_LINE
    line_2 = REFUGE_STREET
    town = "Barnet"
    postcode = REFUGE_POSTCODE
    created_by = factory.LazyAttribute(lambda o: UserFactory(agency=o.provider))


class StayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Stay

    refuge = factory.SubFactory(RefugeFactory)
    person = factory.LazyAttribute(lambda o: PersonFactory(recorded_by_agency=o.refuge.provider))
    arrived_on = date(2024, 1, 10)
    recorded_by = factory.SelfAttribute("refuge.created_by")


def add_child(stay: Stay, child: Person) -> StayChild:
    return StayChild.objects.create(stay=stay, person=child)


@dataclass
class RefugeWorld:
    provider: Agency
    refuge: Refuge
    worker: User  # a practitioner of the provider
    other_charity_worker: User  # a practitioner of another charity
    council_worker: User
    coordinator: User
    manager: User
    auditor: User
    woman: Person
    children: list[Person]

    def users(self) -> dict[str, User]:
        return {
            "worker": self.worker,
            "other_charity_worker": self.other_charity_worker,
            "council_worker": self.council_worker,
            "coordinator": self.coordinator,
            "manager": self.manager,
            "auditor": self.auditor,
        }


def make_refuge_world(bed_spaces: int = 6) -> RefugeWorld:
    provider = AgencyFactory(kind=Agency.Kind.HOUSING)
    worker = UserFactory(agency=provider, role=role("practitioner"))
    refuge = RefugeFactory(provider=provider, bed_spaces=bed_spaces, created_by=worker)
    woman = PersonFactory(recorded_by_agency=provider, name=("Mina", "Refugeson"))
    children = [
        PersonFactory(
            recorded_by_agency=provider, name=(given, "Refugeson"), date_of_birth=date(2016, 3, 1)
        )
        for given in ("Ada", "Ben")
    ]
    for child in children:
        Relationship.objects.create(
            person=woman, related_person=child, kind=Relationship.Kind.PARENT
        )
    council = AgencyFactory(kind=Agency.Kind.COUNCIL)
    return RefugeWorld(
        provider=provider,
        refuge=refuge,
        worker=worker,
        other_charity_worker=UserFactory(
            agency=AgencyFactory(kind=Agency.Kind.CHARITY), role=role("practitioner")
        ),
        council_worker=UserFactory(agency=council, role=role("practitioner")),
        coordinator=UserFactory(agency=council, role=role("panel_coordinator")),
        manager=UserFactory(agency=council, role=role("manager")),
        auditor=UserFactory(agency=council, role=role("auditor")),
        woman=woman,
        children=children,
    )


def matrix_refuge(world) -> dict:
    """For ``tests/web/test_matrix.py``: a refuge run by a housing provider none of the matrix
    users works for, with the matrix person staying there."""
    refuge = RefugeFactory()
    stay = StayFactory(refuge=refuge, person=world.person)
    return {"refuge_id": refuge.pk, "stay_id": stay.pk}
