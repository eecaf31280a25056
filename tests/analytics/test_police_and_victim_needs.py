"""Known answers for the police-recorded domestic abuse figures and the MARAC victims' needs."""

from datetime import date

import pytest

from casebridge.analytics.periods import parse_period
from casebridge.analytics.registry import registry
from casebridge.incidents.models import Incident
from casebridge.pathways.models import DisclosureRequest
from tests.analytics.fixtures import at, engine_for, marac_referral
from tests.factories import AgencyFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

Q4, Q1 = parse_period("Q4 21/22"), parse_period("Q1 22/23")
VWI = Incident.Category.VIOLENCE_WITH_INJURY


def figure(engine, indicator, period):
    found = engine.figure(registry()[indicator], period)
    return found.numerator, found.denominator, found.value


def offence(occurred_at, *, category=VWI, domestic=True, outcome="", kind="police"):
    reference = f"CRIS-{Incident.objects.count()}"
    return Incident.objects.create(
        reporting_agency=AgencyFactory(kind=kind),
        reference=reference,
        category=category,
        domestic_abuse=domestic or category == Incident.Category.DOMESTIC_ABUSE,
        occurred_at=occurred_at,
        victim=PersonFactory(),
        outcome=outcome,
        outcome_on=occurred_at.date() if outcome else None,
    )


def referral_with(referred_at, *, relationship="partner", **needs):
    case = marac_referral(referred_at, relationship=relationship)
    for name, value in needs.items():
        setattr(case.marac, name, value)
    case.marac.save()
    return case


def test_da_violence_with_injury_counts_flagged_offences_in_their_london_quarter(tmp_path):
    offence(at(2022, 3, 31, 23, 59))  # the last minute of Q4
    offence(at(2022, 4, 1, 0, 30))  # 23:30 on 31 March in UTC, but 1 April in London
    offence(at(2022, 4, 2), domestic=False)  # violence with injury, not domestic abuse
    offence(at(2022, 4, 3), category=Incident.Category.DOMESTIC_ABUSE)  # no injury offence
    offence(at(2022, 4, 4), kind="housing")  # not recorded by the police
    engine = engine_for(tmp_path)
    assert figure(engine, "da-vwi-offences", Q4)[2] == 1
    assert figure(engine, "da-vwi-offences", Q1)[2] == 1


def test_sanction_detection_rate_is_sanction_outcomes_over_offences_by_offence_date(tmp_path):
    for outcome in ("charge_summons", "caution", "taken_into_consideration", "penalty_notice"):
        offence(at(2022, 5, 1), outcome=outcome)
    for outcome in ("community_resolution", "evidential_difficulties", "under_investigation", ""):
        offence(at(2022, 5, 2), outcome=outcome)
    offence(at(2022, 3, 31, 23, 30), outcome="charge_summons")  # charged in Q1; offence in Q4
    engine = engine_for(tmp_path)
    assert figure(engine, "da-vwi-sanction-detection-rate", Q1) == (4, 8, 50.0)
    assert figure(engine, "da-vwi-sanction-detection-rate", Q4) == (1, 1, 100.0)


def test_da_incidents_per_1000_count_every_police_flagged_incident_or_offence(tmp_path):
    offence(at(2022, 4, 2), category=Incident.Category.DOMESTIC_ABUSE)
    offence(at(2022, 4, 3))  # a domestic violence-with-injury offence is an incident too
    offence(at(2022, 4, 4), domestic=False)
    engine = engine_for(tmp_path)
    numerator, residents, value = figure(engine, "da-incidents-per-1000", Q1)
    assert numerator == 2
    assert value == pytest.approx(2_000 / residents)


@pytest.mark.parametrize(
    ("indicator", "need"),
    [
        ("marac-mental-health-need", "mental_health_need"),
        ("marac-alcohol-need", "alcohol_need"),
        ("marac-drugs-need", "drugs_need"),
    ],
)
def test_a_need_share_is_referrals_recording_it_over_all_referrals(tmp_path, indicator, need):
    referral_with(at(2022, 3, 31, 23, 59), **{need: True})  # Q4
    referral_with(at(2022, 4, 1, 0, 30), **{need: True})  # Q1 in London
    referral_with(at(2022, 4, 5))
    referral_with(at(2022, 4, 6))
    referral_with(
        at(2022, 4, 7),
        **{n: True for n in ("mental_health_need", "alcohol_need", "drugs_need") if n != need},
    )
    engine = engine_for(tmp_path)
    assert figure(engine, indicator, Q1) == (1, 4, 25.0)
    assert figure(engine, indicator, Q4) == (1, 1, 100.0)


def test_child_to_parent_share_of_referrals(tmp_path):
    referral_with(at(2022, 4, 2), relationship="child_to_parent")
    referral_with(at(2022, 4, 3), relationship="family")
    referral_with(at(2022, 4, 4), relationship="partner")
    referral_with(at(2022, 4, 5), relationship="ex_partner")
    engine = engine_for(tmp_path)
    assert figure(engine, "marac-child-to-parent-share", Q1) == (1, 4, 25.0)
    assert figure(engine, "marac-family-abuse-share", Q1) == (2, 4, 50.0)  # as it always was


def test_clares_law_requests_as_a_percentage_of_marac_referrals(tmp_path):
    cases = [marac_referral(at(2022, 4, day)) for day in range(1, 6)]
    recorder = UserFactory()
    for requested_on in (date(2022, 3, 31), date(2022, 4, 1), date(2022, 6, 30)):
        DisclosureRequest.objects.create(
            case=cases[0], route="right_to_ask", requested_on=requested_on, recorded_by=recorder
        )
    engine = engine_for(tmp_path)
    assert figure(engine, "clares-law-requests-per-marac-referral", Q1) == (2, 5, 40.0)
    assert figure(engine, "clares-law-requests-per-marac-referral", Q4)[2] is None  # no referrals
