from dataclasses import dataclass

import pytest

from casebridge.accounts.models import User
from casebridge.agencies.models import Agency
from casebridge.panels.models import Meeting
from casebridge.pathways.models import Case, CasePerson, Pathway
from casebridge.people.models import Person
from tests.factories import AgencyFactory, CaseFactory, PersonFactory, UserFactory, role
from tests.panels.factories import AgendaItemFactory, MeetingAttendeeFactory, MeetingFactory


@dataclass
class Sirm:
    """A SIRM held about a stabbing: the victim's case is on its agenda, with his brother."""

    service: Agency  # the council's Victim Coordinator service
    victim_coordinator: User
    vve_coordinator: User  # chairs the SIRM
    police: Agency  # attends
    officer: User
    meeting: Meeting
    case: Case
    victim: Person
    brother: Person


@pytest.fixture
def sirm(db) -> Sirm:
    service = AgencyFactory(kind=Agency.Kind.COUNCIL, name="Victim Coordinator service")
    vve_coordinator = UserFactory(
        agency=AgencyFactory(kind=Agency.Kind.COUNCIL), role=role("vve_coordinator")
    )
    police = AgencyFactory(kind=Agency.Kind.POLICE, name="Met Police")
    meeting = MeetingFactory(
        pathway=Pathway.objects.get(code="sirm"),
        title="SIRM - High Street stabbing",
        chair=vve_coordinator,
        status=Meeting.Status.HELD,
    )
    MeetingAttendeeFactory(meeting=meeting, agency=police)
    victim = PersonFactory(recorded_by_agency=police, name=("Dami", "Okafor"))
    brother = PersonFactory(recorded_by_agency=police, name=("Tunde", "Okafor"))
    case = CaseFactory(
        reference="SIRM-T00001",
        pathway=Pathway.objects.get(code="sirm"),
        subject=victim,
        owner_agency=vve_coordinator.agency,
        state="open",
    )
    CasePerson.objects.create(case=case, person=brother, role=CasePerson.Role.OTHER)
    AgendaItemFactory(meeting=meeting, case=case)
    return Sirm(
        service=service,
        victim_coordinator=UserFactory(agency=service, role=role("victim_coordinator")),
        vve_coordinator=vve_coordinator,
        police=police,
        officer=UserFactory(agency=police),
        meeting=meeting,
        case=case,
        victim=victim,
        brother=brother,
    )
