from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone

from casebridge.accounts.models import User
from casebridge.agencies.models import Agency
from casebridge.panels.models import Meeting
from casebridge.panels.services import meeting_schedule
from tests.factories import AgencyFactory, UserFactory, marac, role


@dataclass
class Panel:
    coordinator: User
    police: Agency
    council: Agency
    outsider_agency: Agency
    officer: User  # police practitioner, attending
    social_worker: User  # council practitioner, attending
    outsider: User  # practitioner of an agency not at the meeting
    meeting: Meeting


@pytest.fixture
def panel(db) -> Panel:
    """A planned MARAC chaired by the coordinator; police and council attend, a third doesn't."""
    coordinator = UserFactory(
        agency=AgencyFactory(kind=Agency.Kind.CHARITY), role=role("panel_coordinator")
    )
    police = AgencyFactory(kind=Agency.Kind.POLICE, name="Met Police")
    council = AgencyFactory(kind=Agency.Kind.COUNCIL, name="Borough Council")
    outsider_agency = AgencyFactory(kind=Agency.Kind.HOUSING, name="Housing Trust")
    meeting = meeting_schedule(
        actor=coordinator,
        pathway=marac(),
        scheduled_for=timezone.now() + timedelta(days=7),
        title="MARAC - next week",
        location="Civic Centre",
        attending_agencies=[police, council],
    )
    return Panel(
        coordinator=coordinator,
        police=police,
        council=council,
        outsider_agency=outsider_agency,
        officer=UserFactory(agency=police),
        social_worker=UserFactory(agency=council),
        outsider=UserFactory(agency=outsider_agency),
        meeting=meeting,
    )
