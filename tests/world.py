"""A small two-agency world for the view tests: who can see what is the point of each test."""

from dataclasses import dataclass
from datetime import date

from casebridge.access.models import Entitlement
from casebridge.accounts.models import User
from casebridge.agencies.models import Agency
from casebridge.pathways.models import Case
from casebridge.people.models import Address, Person
from tests.factories import (
    AddressFactory,
    AgencyFactory,
    CaseFactory,
    PersonFactory,
    UserFactory,
    role,
)

CANARY = "CANARY-REFUGE-7Q"
CANARY_POSTCODE = "ZZ9 9ZQ"
CANARY_TOWN = "Canarytown"


@dataclass
class World:
    agency_a: Agency
    agency_b: Agency
    practitioner_a: User
    practitioner_b: User
    coordinator: User
    auditor: User
    manager: User
    sysadmin: User
    person: Person
    refuge: Address
    case: Case

    def users(self) -> dict[str, User]:
        return {
            "practitioner_a": self.practitioner_a,
            "practitioner_b": self.practitioner_b,
            "panel_coordinator": self.coordinator,
            "auditor": self.auditor,
            "manager": self.manager,
            "sysadmin": self.sysadmin,
        }


def make_world() -> World:
    """Agency A (a council) records a person with a refuge address and refers them to MARAC.

    Agency B is another council; the coordinator works for a third agency and sees all MARAC
    cases. Nobody holds an entitlement to the refuge address.
    """
    agency_a = AgencyFactory(kind=Agency.Kind.COUNCIL)
    agency_b = AgencyFactory(kind=Agency.Kind.COUNCIL)
    practitioner_a = UserFactory(agency=agency_a, role=role("practitioner"))
    person = PersonFactory(recorded_by_agency=agency_a, name=("Jo", "Canarysdottir"))
    AddressFactory(person=person, line_1="1 Open Street", postcode="EN5 1AA")
    refuge = AddressFactory(
        person=person,
        line_1=CANARY,
        town=CANARY_TOWN,
        postcode=CANARY_POSTCODE,
        valid_from=date(2024, 2, 1),
        is_confidential=True,
    )
    case = CaseFactory(
        subject=person,
        owner_agency=agency_a,
        owner_user=practitioner_a,
        referred_by=practitioner_a,
    )
    return World(
        agency_a=agency_a,
        agency_b=agency_b,
        practitioner_a=practitioner_a,
        practitioner_b=UserFactory(agency=agency_b, role=role("practitioner")),
        coordinator=UserFactory(
            agency=AgencyFactory(kind=Agency.Kind.CHARITY), role=role("panel_coordinator")
        ),
        auditor=UserFactory(agency=agency_a, role=role("auditor")),
        manager=UserFactory(agency=agency_a, role=role("manager")),
        sysadmin=UserFactory(agency=agency_a, role=role("sysadmin")),
        person=person,
        refuge=refuge,
        case=case,
    )


def entitle(user: User, person: Person) -> Entitlement:
    return Entitlement.objects.create(
        user=user, person=person, reason="Named IDVA for this person", granted_by=user
    )
