"""SIRM: the pathway, its coordinator, and incidents that meet (or miss) its criteria."""

from datetime import UTC, date, datetime

from casebridge.accounts.models import User
from casebridge.agencies.models import Agency
from casebridge.incidents.models import Incident
from casebridge.incidents.services import incident_record
from casebridge.pathways.models import Pathway
from casebridge.people.models import Person
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
