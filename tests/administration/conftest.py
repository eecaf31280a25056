from dataclasses import dataclass

import pytest

from casebridge.accounts.models import User
from casebridge.agencies.models import Agency
from tests.factories import AgencyFactory, UserFactory, role


@dataclass
class Office:
    """Two councils: each with a lead (who also practises) and a practitioner; the system
    administrator works in the first."""

    agency_a: Agency
    agency_b: Agency
    sysadmin: User
    lead_a: User
    lead_b: User
    staff_a: User
    staff_b: User


@pytest.fixture
def office() -> Office:
    agency_a = AgencyFactory(kind=Agency.Kind.COUNCIL, name="Agency A")
    agency_b = AgencyFactory(kind=Agency.Kind.COUNCIL, name="Agency B")
    lead = [role("practitioner"), role("agency_lead")]
    return Office(
        agency_a=agency_a,
        agency_b=agency_b,
        sysadmin=UserFactory(agency=agency_a, role=role("sysadmin")),
        lead_a=UserFactory(agency=agency_a, roles=lead),
        lead_b=UserFactory(agency=agency_b, roles=lead),
        staff_a=UserFactory(agency=agency_a),
        staff_b=UserFactory(agency=agency_b),
    )
