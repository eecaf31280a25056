"""Known answers for the service indicators: referrals received, moves between states, Clare's
Law requests and the advocacy service's risk checklists, each on both sides of 31 March."""

import pytest

from casebridge.agencies.models import Agency
from casebridge.analytics.periods import parse_period
from casebridge.analytics.registry import registry
from casebridge.pathways.models import DisclosureRequest
from tests.analytics.fixtures import at, engine_for, marac_referral, pathway_case
from tests.assessments.factories import AssessmentFactory
from tests.factories import AgencyFactory, UserFactory

pytestmark = pytest.mark.django_db

Q4, Q1 = parse_period("Q4 21/22"), parse_period("Q1 22/23")
LAST_MINUTE_OF_Q4 = at(2022, 3, 31, 23, 59)
FIRST_MORNING_OF_Q1 = at(2022, 4, 1, 0, 30)  # still 31 March in UTC


def values(engine, indicator):
    return [engine.figure(registry()[indicator], quarter).value for quarter in (Q4, Q1)]


@pytest.mark.parametrize(
    ("indicator", "pathway"),
    [
        ("advocacy-referrals", "idva"),
        ("sanctuary-referrals", "sanctuary"),
        ("housing-approaches", "da-housing"),
        ("one-stop-shop-referrals", "one-stop-shop"),
        ("pp-adult-referrals", "pp-adult"),
        ("pp-partner-referrals", "pp-partner-support"),
        ("pp-young-person-referrals", "pp-young-person"),
    ],
)
def test_a_referral_counts_in_the_quarter_of_its_london_date(tmp_path, indicator, pathway):
    pathway_case(pathway, LAST_MINUTE_OF_Q4)
    pathway_case(pathway, FIRST_MORNING_OF_Q1)
    pathway_case(pathway, at(2022, 4, 20))
    pathway_case("pp-family", at(2022, 4, 20))  # another pathway's, counted by none of these
    assert values(engine_for(tmp_path), indicator) == [1, 2]


@pytest.mark.parametrize(
    ("indicator", "pathway", "states"),
    [
        ("advocacy-new-service-users", "idva", ["active"]),
        ("advocacy-declined", "idva", ["declined"]),
        ("advocacy-leaving", "idva", ["closed"]),
        ("housing-temporary-accommodation", "da-housing", ["in_temporary_accommodation"]),
        ("pp-adult-entering", "pp-adult", ["in_programme"]),
        ("pp-adult-leaving", "pp-adult", ["completed", "left"]),
        ("pp-partner-entering", "pp-partner-support", ["supported"]),
        ("pp-partner-leaving", "pp-partner-support", ["closed"]),
    ],
)
def test_a_move_counts_in_the_quarter_it_was_made(tmp_path, indicator, pathway, states):
    referred = at(2022, 2, 1)
    for state in states:
        pathway_case(pathway, referred, (state, LAST_MINUTE_OF_Q4))
        pathway_case(pathway, referred, (state, FIRST_MORNING_OF_Q1))
    pathway_case(pathway, referred)  # referred in Q4 and never moved
    assert values(engine_for(tmp_path), indicator) == [len(states), len(states)]


def test_clares_law_requests_count_by_the_day_received(tmp_path):
    case = marac_referral(at(2022, 1, 10))
    for day, route in [
        (LAST_MINUTE_OF_Q4.date(), DisclosureRequest.Route.RIGHT_TO_ASK),
        (FIRST_MORNING_OF_Q1.date(), DisclosureRequest.Route.RIGHT_TO_KNOW),
        (at(2022, 6, 30).date(), DisclosureRequest.Route.RIGHT_TO_ASK),
    ]:
        DisclosureRequest.objects.create(
            case=case, route=route, requested_on=day, recorded_by=UserFactory()
        )
    assert values(engine_for(tmp_path), "clares-law-requests") == [1, 2]


def test_the_advocacy_services_checklists_count_and_high_risk_ones_separately(tmp_path):
    advocate = UserFactory(agency=AgencyFactory(kind=Agency.Kind.CHARITY))
    officer = UserFactory(agency=AgencyFactory(kind=Agency.Kind.POLICE))
    AssessmentFactory(assessed_by=advocate, assessed_at=LAST_MINUTE_OF_Q4, yes=20)
    AssessmentFactory(assessed_by=advocate, assessed_at=FIRST_MORNING_OF_Q1, yes=20)
    AssessmentFactory(assessed_by=advocate, assessed_at=at(2022, 5, 1), yes=3)
    AssessmentFactory(assessed_by=officer, assessed_at=at(2022, 5, 1), yes=20)  # not a charity's
    engine = engine_for(tmp_path)
    assert values(engine, "advocacy-risk-assessments") == [1, 2]
    assert values(engine, "advocacy-high-risk") == [1, 1]
