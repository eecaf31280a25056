"""SIRM: the pathway, its coordinator, and incidents that meet (or miss) its criteria."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.utils import timezone

from casebridge.accounts.models import User
from casebridge.agencies.models import Agency
from casebridge.incidents.models import Incident
from casebridge.incidents.services import incident_record
from casebridge.panels.models import AgendaItem, Meeting
from casebridge.pathways.models import Case, Pathway
from casebridge.people.models import Person
from casebridge.violence.services import sirm_convene
from tests.factories import AgencyFactory, PersonFactory, UserFactory, role

OCCURRED_AT = datetime(2022, 8, 3, 21, 30, tzinfo=UTC)
SEVENTEEN = date(2005, 1, 1)  # 17 on the day


def sirm() -> Pathway:
    return Pathway.objects.get(code="sirm")


def vve_coordinator() -> User:
    return UserFactory(agency=AgencyFactory(kind=Agency.Kind.COUNCIL), role=role("vve_coordinator"))


def officer() -> User:
    return UserFactory(agency=AgencyFactory(kind=Agency.Kind.POLICE))


def young_person(actor: User, **fields) -> Person:
    return PersonFactory(recorded_by_agency=actor.agency, date_of_birth=SEVENTEEN, **fields)


def serious_incident(actor: User, reference: str = "01/2345", **overrides) -> Incident:
    """A stabbing linked to a gang, of a 17-year-old: it meets the SIRM criteria."""
    arguments = {
        "actor": actor,
        "reference": reference,
        "category": Incident.Category.VIOLENCE_WITH_INJURY,
        "occurred_at": OCCURRED_AT,
        "victim": young_person(actor),
        "weapon": Incident.Weapon.KNIFE,
        "injury": Incident.Injury.SERIOUS,
        "gang_related": True,
    } | overrides
    return incident_record(**arguments)


@dataclass
class Sirm:
    """A SIRM convened for a proposed incident: police and the council attend, housing does
    not; a school is invited to nothing yet."""

    coordinator: User
    officer: User  # police, attending
    social_worker: User  # council, attending
    outsider: User  # housing, not attending
    teacher: User  # a school's practitioner
    incident: Incident
    meeting: Meeting
    case: Case
    item: AgendaItem


def convened_sirm() -> Sirm:
    coordinator = vve_coordinator()
    police = officer()
    council = AgencyFactory(kind=Agency.Kind.COUNCIL)
    incident = serious_incident(police, suspect=young_person(police))
    meeting = sirm_convene(
        actor=coordinator,
        proposal=incident.sirm_proposal,
        scheduled_for=timezone.now() + timedelta(days=1),
        attending_agencies=[police.agency, council],
        location="Civic Centre",
    )
    item = meeting.agenda.select_related("case").get()
    return Sirm(
        coordinator=coordinator,
        officer=police,
        social_worker=UserFactory(agency=council),
        outsider=UserFactory(agency=AgencyFactory(kind=Agency.Kind.HOUSING)),
        teacher=UserFactory(agency=AgencyFactory(kind=Agency.Kind.SCHOOL)),
        incident=incident,
        meeting=meeting,
        case=item.case,
        item=item,
    )


def matrix_sirm() -> dict:
    """URL keyword arguments for the authorisation matrix: a proposed incident (no matrix role
    runs SIRMs) and a risk area (which the matrix's MARAC meeting does not rate)."""
    incident = serious_incident(officer(), reference="MATRIX/1")
    return {"proposal_id": incident.sirm_proposal.pk, "area": "reprisal"}
