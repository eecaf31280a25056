"""The demo's police-recorded domestic abuse and the MARAC victims' needs, shaped like the
source report's figures."""

import random
from collections import Counter
from datetime import date

import pytest

from casebridge.demo.calendar import AS_OF, financial_years
from casebridge.demo.plan import build_plan
from casebridge.demo.police import plan_police_incidents, residents_per_year
from casebridge.demo.sizes import SIZES
from casebridge.incidents.models import Incident

SANCTIONS = {"charge_summons", "caution", "taken_into_consideration", "penalty_notice"}


@pytest.fixture(scope="module")
def borough_incidents():
    return plan_police_incidents(
        random.Random("2022:police"),
        females=range(2_000),
        males=range(2_000, 4_000),
        scale=1.0,
        already={},
    )


def test_the_stream_is_12_point_5_incidents_a_year_per_1000_residents(borough_incidents):
    population = residents_per_year()
    for start, end in financial_years():
        count = sum(start <= i.occurred_at.date() <= end for i in borough_incidents)
        assert count == round(12.5 * population[start.year] / 1000)


def test_incidents_marac_already_brings_are_left_out():
    first_year = financial_years()[0][0]
    fewer = plan_police_incidents(
        random.Random(1), females=[0], males=[1], scale=0.1, already={first_year: 30}
    )
    in_first = sum(i.occurred_at.date() < date(2022, 4, 1) for i in fewer)
    assert in_first == round(12.5 * residents_per_year()[2021] / 1000 * 0.1) - 30


def test_about_15_percent_are_violence_with_injury_with_9_5_percent_sanctioned(
    borough_incidents,
):
    vwi = [i for i in borough_incidents if i.category == Incident.Category.VIOLENCE_WITH_INJURY]
    assert 0.135 <= len(vwi) / len(borough_incidents) <= 0.165
    sanctioned = sum(i.outcome in SANCTIONS for i in vwi)
    assert 0.08 <= sanctioned / len(vwi) <= 0.11


def test_outcomes_come_after_the_offence_and_by_the_demos_today(borough_incidents):
    dated = [i for i in borough_incidents if i.outcome_at is not None]
    assert dated and all(i.occurred_at.date() < i.outcome_at.date() for i in dated)
    assert all(i.outcome_at <= AS_OF for i in dated)
    assert all(i.outcome == "" for i in borough_incidents if i.outcome_at is None)


def test_a_victim_keeps_her_suspect(borough_incidents):
    suspects: dict[int, set[int]] = {}
    for incident in borough_incidents:
        suspects.setdefault(incident.victim, set()).add(incident.suspect)
    assert all(len(named) == 1 for named in suspects.values())


def test_marac_victims_needs_and_child_to_parent_shares_match_the_report():
    referrals = build_plan(SIZES["borough"], 2022).referrals
    needs = Counter(need for referral in referrals for need in referral.needs)
    assert 0.32 <= needs["mental_health"] / len(referrals) <= 0.40  # 36.2%
    assert 0.08 <= needs["alcohol"] / len(referrals) <= 0.13  # 10.5%
    assert 0.05 <= needs["drugs"] / len(referrals) <= 0.09  # 7.1%
    child_to_parent = sum(r.relationship == "child_to_parent" for r in referrals)
    assert 0.03 <= child_to_parent / len(referrals) <= 0.07  # 5.2%
