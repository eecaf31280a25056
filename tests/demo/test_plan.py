"""The demo borough plan: reproducible, and shaped like the partnership report's figures."""

import pytest

from casebridge.demo.identifiers import nhs_check_digit, nhs_number_is_valid
from casebridge.demo.plan import build_plan, fingerprint, total_figures
from casebridge.demo.sizes import SIZES
from casebridge.people.models import Identifier, Person


def test_same_seed_gives_the_same_borough():
    first = fingerprint(build_plan(SIZES["tiny"], 2022))
    again = fingerprint(build_plan(SIZES["tiny"], 2022))
    assert first == again
    assert len(first["people"]) == SIZES["tiny"].people
    assert first != fingerprint(build_plan(SIZES["tiny"], 2023))


def test_residents_can_be_generated_twice_alike():
    plan = build_plan(SIZES["tiny"], 7)
    assert list(plan.residents()) == list(plan.residents())


@pytest.mark.parametrize(("size", "low", "high"), [("tiny", 0.0, 0.35), ("borough", 0.10, 0.18)])
def test_repeat_rate_is_plausible(size, low, high):
    totals = total_figures(build_plan(SIZES[size], 2022))
    assert low <= totals.repeat_rate <= high


def test_borough_matches_the_report():
    plan = build_plan(SIZES["borough"], 2022)
    totals = total_figures(plan)
    assert 880 <= totals.referrals <= 1000  # ~470 a year for two years
    assert 0.38 <= totals.caring_rate <= 0.52  # 44% caring for children
    assert 1.2 <= totals.children / totals.with_children <= 1.5  # 282 children of 207 victims
    assert 0.85 <= totals.female_victims / totals.referrals <= 0.95
    states = [r.final_state for r in plan.referrals]
    assert 0.02 <= states.count("declined") / len(states) <= 0.07
    assert states.count("closed") / len(states) > 0.7
    assert any(r.restricted for r in plan.referrals)
    assert any(r.refuge and r.refuge.is_confidential for r in plan.referrals)


def test_repeats_are_the_same_victim_and_perpetrator_within_a_year():
    plan = build_plan(SIZES["borough"], 2022)
    last_heard = {}
    for referral in plan.referrals:
        previous = last_heard.get(referral.victim)
        if referral.is_repeat:
            assert previous is not None
            assert (referral.referred_at - previous.referred_at).days <= 365
            assert referral.perpetrator == previous.perpetrator
        elif previous is not None:  # referred again, but about a new perpetrator
            assert referral.perpetrator != previous.perpetrator
        if referral.final_state != "declined":
            last_heard[referral.victim] = referral


def test_tiny_is_about_150_people_with_a_few_dozen_referrals():
    plan = build_plan(SIZES["tiny"], 2022)
    assert len(plan.case_people) + plan.resident_count == 150
    assert 20 <= len(plan.referrals) <= 60


def test_identifiers_are_valid_and_unique():
    plan = build_plan(SIZES["tiny"], 2022)
    people = [p.details for p in plan.case_people]
    people += [details for _, batch in plan.residents() for details in batch]
    values = [value for p in people for _, value in p.identifiers]
    assert len(values) == len(set(values))
    nhs = [value for p in people for s, value in p.identifiers if s == Identifier.Scheme.NHS]
    assert nhs and all(nhs_number_is_valid(number) for number in nhs)
    assert all(number.startswith("999") for number in nhs)  # never issued to a real patient
    postcodes = [a.postcode for p in people for a in p.addresses]
    assert all(code.startswith("NB") and len(code.split()[1]) == 3 for code in postcodes)
    assert {p.sex for p in people} >= {Person.Sex.FEMALE, Person.Sex.MALE}


def test_nhs_check_digit():
    assert nhs_check_digit("943476591") == 9  # the NHS Data Dictionary's worked example
    assert nhs_number_is_valid("9434765919")
    assert not nhs_number_is_valid("9434765918")
