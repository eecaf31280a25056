"""IDVA casework: referral to the service, allocation, casework, closure, caseloads."""

import pytest

from casebridge.access.policy import AccessDenied
from casebridge.agencies.models import Agency
from casebridge.core.errors import ApplicationError
from casebridge.pathways.models import Case, CaseEvent, Pathway
from casebridge.pathways.selectors import case_list, caseload
from casebridge.pathways.services import case_activity_record, case_transition, referral_create
from tests.factories import AgencyFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def idva():
    return Pathway.objects.get(code="idva")


@pytest.fixture
def service():
    return AgencyFactory(kind=Agency.Kind.CHARITY, name="Advocacy service")


@pytest.fixture
def advocate(service):
    return UserFactory(agency=service)


@pytest.fixture
def referral(idva, service):
    officer = UserFactory(agency=AgencyFactory(kind=Agency.Kind.POLICE))
    victim = PersonFactory(recorded_by_agency=officer.agency)
    return referral_create(
        actor=officer,
        pathway=idva,
        subject=victim,
        referral_reason="High risk after MARAC",
        consent=Case.Consent.GIVEN,
        lawful_basis=Case.LawfulBasis.CONSENT,
        owner_agency=service,
    )


def test_a_referral_must_name_the_service_it_goes_to(idva):
    officer = UserFactory()
    with pytest.raises(ApplicationError) as error:
        referral_create(
            actor=officer,
            pathway=idva,
            subject=PersonFactory(recorded_by_agency=officer.agency),
            referral_reason="r",
            consent=Case.Consent.GIVEN,
            lawful_basis=Case.LawfulBasis.CONSENT,
        )
    assert error.value.field == "owner_agency"


def test_the_service_sees_the_referral_unallocated(referral, advocate):
    assert referral.owner_user is None
    assert list(case_list(user=advocate)) == [referral]


def test_accepting_allocates_the_case_to_the_advocate(referral, advocate):
    case = case_transition(actor=advocate, case=referral, transition="accept")
    assert (case.state, case.owner_user) == ("active", advocate)


def test_declined_support_is_recorded_with_its_reason(referral, advocate):
    case = case_transition(
        actor=advocate, case=referral, transition="decline", reason="Declined support"
    )
    assert case.state == "declined" and case.closed_reason == "Declined support"


def test_casework_goes_on_the_timeline(referral, advocate):
    case = case_transition(actor=advocate, case=referral, transition="accept")
    case_activity_record(actor=advocate, case=case, activity="safety_plan", text="Plan agreed")
    event = case.timeline.get(kind=CaseEvent.Kind.ACTIVITY)
    assert (event.activity, event.text) == ("safety_plan", "Safety planning: Plan agreed")


def test_unknown_casework_and_closed_cases_are_refused(referral, advocate):
    case = case_transition(actor=advocate, case=referral, transition="accept")
    with pytest.raises(ApplicationError):
        case_activity_record(actor=advocate, case=case, activity="haircut", text="x")
    case = case_transition(actor=advocate, case=case, transition="close", reason="Safe")
    with pytest.raises(ApplicationError):
        case_activity_record(actor=advocate, case=case, activity="contact", text="Called")


def test_another_charity_cannot_work_the_case(referral):
    stranger = UserFactory(agency=AgencyFactory(kind=Agency.Kind.CHARITY))
    with pytest.raises(AccessDenied):
        case_transition(actor=stranger, case=referral, transition="accept")


def test_the_referrer_cannot_allocate_the_referral_to_themselves(referral):
    with pytest.raises(AccessDenied):
        case_transition(actor=referral.referred_by, case=referral, transition="accept")


def test_caseload_groups_open_cases_by_advocate(referral, advocate, idva):
    colleague = UserFactory(agency=advocate.agency, first_name="Bea", last_name="Zed")
    case_transition(actor=colleague, case=referral, transition="accept")
    loads = caseload(user=advocate, pathway=idva)
    assert loads == {colleague.display_name: [referral]}


def test_the_advocate_records_casework_through_the_case_page(referral, advocate, signed_in_client):
    from django.urls import reverse

    case = case_transition(actor=advocate, case=referral, transition="accept")
    client = signed_in_client(advocate)
    page = client.get(reverse("pathways:case_detail", args=[case.pk])).content.decode()
    assert reverse("pathways:activity", args=[case.pk]) in page
    url = reverse("pathways:activity", args=[case.pk])
    missing = client.post(url, {"activity": "contact", "text": ""})
    assert "Describe what happened" in missing.content.decode()
    response = client.post(url, {"activity": "risk_review", "text": "Risk now medium"})
    assert response.status_code == 302
    assert case.timeline.filter(activity="risk_review").exists()


def test_someone_who_cannot_change_the_case_cannot_reach_the_casework_form(
    referral, signed_in_client
):
    from django.urls import reverse

    stranger = UserFactory(agency=AgencyFactory(kind=Agency.Kind.CHARITY))
    response = signed_in_client(stranger).get(reverse("pathways:activity", args=[referral.pk]))
    assert response.status_code == 404
