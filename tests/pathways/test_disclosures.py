from datetime import date, timedelta

import pytest
from django.utils import timezone

from casebridge.access.policy import AccessDenied
from casebridge.agencies.models import Agency
from casebridge.audit.models import AuditEvent
from casebridge.core.errors import ApplicationError
from casebridge.pathways.disclosures import disclosure_decide, disclosure_request_record
from casebridge.pathways.models import DisclosureRequest, Pathway
from tests.factories import AgencyFactory, CaseFactory, UserFactory, role

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


def test_a_request_is_only_for_a_marac_case():
    service = AgencyFactory(kind=Agency.Kind.CHARITY)
    idva_case = CaseFactory(pathway=Pathway.objects.get(code="idva"), owner_agency=service)
    advocate = UserFactory(agency=service)  # may change the IDVA case
    with pytest.raises(ApplicationError, match="MARAC cases"):
        disclosure_request_record(
            actor=advocate, case=idva_case, route="right_to_ask", requested_on=date(2022, 9, 1)
        )
    assert not DisclosureRequest.objects.exists()


def test_the_route_must_be_one_of_the_schemes_routes(coordinator):
    with pytest.raises(ApplicationError) as error:
        disclosure_request_record(
            actor=coordinator, case=CaseFactory(), route="gossip", requested_on=date(2022, 9, 1)
        )
    assert error.value.field == "route"


def test_neither_date_may_be_in_the_future(coordinator):
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ApplicationError) as error:
        disclosure_request_record(
            actor=coordinator, case=CaseFactory(), route="right_to_ask", requested_on=tomorrow
        )
    assert error.value.field == "requested_on"
    request = disclosure_request_record(
        actor=coordinator, case=CaseFactory(), route="right_to_ask", requested_on=date(2022, 9, 1)
    )
    with pytest.raises(ApplicationError) as error:
        disclosure_decide(
            actor=coordinator, request=request, decision="disclosed", decided_on=tomorrow
        )
    assert error.value.field == "decided_on"


@pytest.mark.parametrize("decision", ["pending", "maybe", ""])
def test_the_decision_must_be_disclosed_or_not(coordinator, decision):
    request = disclosure_request_record(
        actor=coordinator, case=CaseFactory(), route="right_to_ask", requested_on=date(2022, 9, 1)
    )
    with pytest.raises(ApplicationError) as error:
        disclosure_decide(
            actor=coordinator, request=request, decision=decision, decided_on=date(2022, 9, 2)
        )
    assert error.value.field == "decision"


def test_someone_who_may_only_read_the_case_cannot_decide(coordinator):
    case = CaseFactory()
    request = disclosure_request_record(
        actor=coordinator, case=case, route="right_to_know", requested_on=date(2022, 9, 1)
    )
    reader = UserFactory(agency=case.owner_agency)  # same agency: sees the case, does not own it
    with pytest.raises(AccessDenied):
        disclosure_decide(
            actor=reader, request=request, decision="disclosed", decided_on=date(2022, 9, 2)
        )
    request.refresh_from_db()
    assert request.decision == DisclosureRequest.Decision.PENDING


def test_a_stale_copy_cannot_decide_a_request_twice(coordinator):
    request = disclosure_request_record(
        actor=coordinator, case=CaseFactory(), route="right_to_ask", requested_on=date(2022, 9, 1)
    )
    stale = DisclosureRequest.objects.get(pk=request.pk)
    disclosure_decide(
        actor=coordinator, request=request, decision="disclosed", decided_on=date(2022, 9, 2)
    )
    with pytest.raises(ApplicationError, match="already been decided"):
        disclosure_decide(
            actor=coordinator, request=stale, decision="not_disclosed", decided_on=date(2022, 9, 3)
        )


def test_recording_and_deciding_are_audited(coordinator):
    case = CaseFactory()
    request = disclosure_request_record(
        actor=coordinator, case=case, route="right_to_ask", requested_on=date(2022, 9, 1)
    )
    disclosure_decide(
        actor=coordinator, request=request, decision="not_disclosed", decided_on=date(2022, 9, 5)
    )
    entries = AuditEvent.objects.filter(object_type="disclosure_request", actor=coordinator)
    created, changed = entries.get(action="create"), entries.get(action="change")
    assert created.object_id == changed.object_id == str(request.pk)
    assert created.changes["case"] == str(case.pk)
    assert changed.changes["decision"] == ["pending", "not_disclosed"]
