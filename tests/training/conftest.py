from dataclasses import dataclass

import pytest

from casebridge.accounts.models import User
from casebridge.agencies.models import Agency
from tests.factories import AgencyFactory, UserFactory, role


@dataclass
class Team:
    analyst: User
    coordinator: User
    manager: User
    practitioner: User
    auditor: User
    health: Agency
    police: Agency
    council: Agency


@pytest.fixture
def team(db) -> Team:
    """The community safety team who record the programme, and those who may not."""
    council = AgencyFactory(kind=Agency.Kind.COUNCIL, name="Borough Council")
    return Team(
        analyst=UserFactory(agency=council, role=role("analyst")),
        coordinator=UserFactory(agency=council, role=role("panel_coordinator")),
        manager=UserFactory(agency=council, role=role("manager")),
        practitioner=UserFactory(agency=council, role=role("practitioner")),
        auditor=UserFactory(agency=council, role=role("auditor")),
        health=AgencyFactory(kind=Agency.Kind.HEALTH, name="North Primary Care Network"),
        police=AgencyFactory(kind=Agency.Kind.POLICE, name="Met Police"),
        council=council,
    )
