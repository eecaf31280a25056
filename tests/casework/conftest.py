import pytest

from casebridge.agencies.models import Agency
from tests.casework.factories import IomCaseFactory, WomensCaseFactory
from tests.factories import AgencyFactory, UserFactory, role


@pytest.fixture
def officer():
    """A police IOM officer: sees and works every IOM case."""
    return UserFactory(agency=AgencyFactory(kind=Agency.Kind.POLICE))


@pytest.fixture
def probation_officer():
    return UserFactory(agency=AgencyFactory(kind=Agency.Kind.PROBATION))


@pytest.fixture
def iom_case():
    return IomCaseFactory(owner_agency=AgencyFactory(kind=Agency.Kind.PROBATION))


@pytest.fixture
def centre():
    return AgencyFactory(kind=Agency.Kind.CHARITY, name="Women's centre")


@pytest.fixture
def key_worker(centre):
    return UserFactory(agency=centre)


@pytest.fixture
def womens_case(centre):
    return WomensCaseFactory(owner_agency=centre)


@pytest.fixture
def analyst():
    """The wrong role: an analyst of a police force sees figures, not cases."""
    return UserFactory(agency=AgencyFactory(kind=Agency.Kind.POLICE), role=role("analyst"))
