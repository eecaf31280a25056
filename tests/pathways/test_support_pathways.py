"""Support and perpetrator pathways configured as data: Sanctuary, housing approaches, the One
Stop Shop and perpetrator programmes, and the outcomes their transitions record."""

import pytest

from casebridge.access.policy import AccessDenied
from casebridge.agencies.models import Agency
from casebridge.audit.models import AuditEvent
from casebridge.core.errors import ApplicationError
from casebridge.pathways.models import Case, Pathway
from casebridge.pathways.services import case_transition, referral_create
from tests.factories import AgencyFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


def refer(code: str, service: Agency) -> Case:
    officer = UserFactory(agency=AgencyFactory(kind=Agency.Kind.POLICE))
    return referral_create(
        actor=officer,
        pathway=Pathway.objects.get(code=code),
        subject=PersonFactory(recorded_by_agency=officer.agency),
        referral_reason="Victim wants to stay at home safely",
        consent=Case.Consent.GIVEN,
        lawful_basis=Case.LawfulBasis.CONSENT,
        owner_agency=service,
    )


@pytest.fixture
def housing():
    return AgencyFactory(kind=Agency.Kind.HOUSING)


@pytest.fixture
def charity():
    return AgencyFactory(kind=Agency.Kind.CHARITY)


def test_sanctuary_runs_from_referral_to_survey_to_installation(housing):
    case = refer("sanctuary", housing)
    officer = UserFactory(agency=housing)
    case = case_transition(actor=officer, case=case, transition="survey")
    assert case.state == "surveyed" and case.owner_user == officer  # the surveyor holds it
    case = case_transition(actor=officer, case=case, transition="install")
    assert case.state == "installed" and case.is_closed


def test_a_withdrawal_needs_one_of_the_listed_outcomes(housing):
    case = refer("sanctuary", housing)
    officer = UserFactory(agency=housing)
    with pytest.raises(ApplicationError) as error:
        case_transition(actor=officer, case=case, transition="withdraw", reason="Moving away")
    assert error.value.field == "outcome"
    with pytest.raises(ApplicationError):
        case_transition(
            actor=officer, case=case, transition="withdraw", reason="r", outcome="invented"
        )
    assert Case.objects.get(pk=case.pk).state == "referred"


def test_the_outcome_is_kept_on_the_case_its_timeline_and_the_audit(housing):
    case = refer("sanctuary", housing)
    officer = UserFactory(agency=housing)
    case = case_transition(
        actor=officer, case=case, transition="withdraw", reason="Moving", outcome="victim_moved"
    )
    assert (case.state, case.outcome) == ("withdrawn", "victim_moved")
    event = case.timeline.get(to_state="withdrawn")
    assert event.outcome == "victim_moved"
    assert "Victim moved or is moving" in event.text
    entry = AuditEvent.objects.filter(object_id=str(case.pk), action="change").latest("sequence")
    assert entry.changes["outcome"] == "victim_moved"


def test_only_the_receiving_housing_service_works_a_sanctuary_case(housing, charity):
    case = refer("sanctuary", housing)
    for outsider in (
        UserFactory(agency=charity),
        UserFactory(agency=AgencyFactory(kind="housing")),
    ):
        with pytest.raises(AccessDenied):
            case_transition(actor=outsider, case=case, transition="survey")
    with pytest.raises(AccessDenied):  # the referrer cannot survey their own referral
        case_transition(actor=case.referred_by, case=case, transition="survey")


def test_a_housing_approach_records_temporary_accommodation_then_the_option_taken(housing):
    case = refer("da-housing", housing)
    officer = UserFactory(agency=housing)
    case = case_transition(actor=officer, case=case, transition="place_in_ta")
    case = case_transition(actor=officer, case=case, transition="house", outcome="refuge")
    assert (case.state, case.outcome) == ("housed", "refuge")
    assert list(case.timeline.values_list("to_state", flat=True).order_by("id")) == [
        "approached",
        "in_temporary_accommodation",
        "housed",
    ]


def test_an_unplanned_departure_from_a_programme_records_why(charity):
    case = refer("pp-adult", charity)
    facilitator = UserFactory(agency=charity)
    for step in ("engage", "enter"):
        case = case_transition(actor=facilitator, case=case, transition=step)
    assert case.state == "in_programme"
    case = case_transition(
        actor=facilitator,
        case=case,
        transition="leave",
        reason="Missed four sessions",
        outcome="disengaged",
    )
    assert (case.state, case.outcome) == ("left", "disengaged")


@pytest.mark.parametrize("code", ["pp-adult", "pp-young-person", "pp-family"])
def test_every_programme_can_be_completed_as_a_planned_departure(charity, code):
    case = refer(code, charity)
    facilitator = UserFactory(agency=charity)
    for step in ("engage", "enter", "complete"):
        case = case_transition(actor=facilitator, case=case, transition=step)
    assert case.state == "completed" and case.is_closed


def test_one_stop_shop_attendance_records_where_the_victim_was_sent(housing):
    case = refer("one-stop-shop", housing)
    worker = UserFactory(agency=housing)
    case = case_transition(actor=worker, case=case, transition="attend", outcome="referred_housing")
    assert (case.state, case.outcome) == ("attended", "referred_housing")
