from datetime import date

import pytest

from casebridge.access.policy import AccessDenied
from casebridge.core.errors import ApplicationError
from casebridge.pathways.disclosures import disclosure_decide, disclosure_request_record
from casebridge.pathways.models import DisclosureRequest
from tests.factories import CaseFactory, UserFactory, role

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator():
    return UserFactory(role=role("panel_coordinator"))


def test_a_request_is_recorded_against_the_case_and_decided(coordinator):
    case = CaseFactory(state="open")
    request = disclosure_request_record(
        actor=coordinator, case=case, route="right_to_ask", requested_on=date(2022, 9, 1)
    )
    decided = disclosure_decide(
        actor=coordinator, request=request, decision="disclosed", decided_on=date(2022, 9, 20)
    )
    assert case.disclosure_requests.get().decision == DisclosureRequest.Decision.DISCLOSED
    assert decided.decided_on == date(2022, 9, 20)


def test_a_decision_cannot_precede_the_request_or_be_made_twice(coordinator):
    request = disclosure_request_record(
        actor=coordinator, case=CaseFactory(), route="right_to_know", requested_on=date(2022, 9, 1)
    )
    with pytest.raises(ApplicationError):
        disclosure_decide(
            actor=coordinator, request=request, decision="disclosed", decided_on=date(2022, 8, 1)
        )
    disclosure_decide(
        actor=coordinator, request=request, decision="not_disclosed", decided_on=date(2022, 9, 2)
    )
    with pytest.raises(ApplicationError):
        disclosure_decide(
            actor=coordinator, request=request, decision="disclosed", decided_on=date(2022, 9, 3)
        )


def test_another_agency_cannot_record_a_request_on_a_case_it_cannot_see():
    with pytest.raises(AccessDenied):
        disclosure_request_record(
            actor=UserFactory(),
            case=CaseFactory(),
            route="right_to_ask",
            requested_on=date(2022, 9, 1),
        )
