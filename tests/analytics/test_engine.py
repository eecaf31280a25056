"""Indicators computed by the columnar engine from a snapshot of hand-built records."""

import pytest

from casebridge.analytics.engine import Engine
from casebridge.analytics.periods import parse_period
from casebridge.analytics.registry import registry
from casebridge.analytics.snapshot import take_snapshot
from tests.analytics.fixtures import at, engine_for, marac_referral, pathway_case
from tests.factories import PersonFactory
from tests.refuges.factories import RefugeFactory, StayFactory, add_child

pytestmark = pytest.mark.django_db

Q4, Q1 = parse_period("Q4 21/22"), parse_period("Q1 22/23")


def value(engine, indicator, period):
    return engine.figure(registry()[indicator], period).value


def test_a_referral_counts_in_the_quarter_of_its_london_date(tmp_path):
    marac_referral(at(2022, 3, 31, 23, 59))  # the last minute of Q4
    marac_referral(at(2022, 4, 1, 0, 30))  # 23:30 on 31 March in UTC, but 1 April in London
    engine = engine_for(tmp_path)
    assert value(engine, "marac-referrals", Q4) == 1
    assert value(engine, "marac-referrals", Q1) == 1


def test_repeat_rate_is_repeats_over_all_referrals_in_the_period(tmp_path):
    for repeat in (True, False, False, False):
        marac_referral(at(2022, 5, 10), repeat=repeat)
    marac_referral(at(2022, 3, 10), repeat=True)  # the quarter before
    engine = engine_for(tmp_path)
    figure = engine.figure(registry()["marac-repeat-rate"], Q1)
    assert (figure.numerator, figure.denominator, figure.value) == (1, 4, 25.0)


def test_an_empty_period_gives_nought_and_no_rate(tmp_path):
    marac_referral(at(2022, 5, 10))
    engine = engine_for(tmp_path)
    assert value(engine, "marac-referrals", Q4) == 0
    assert value(engine, "marac-repeat-rate", Q4) is None


def test_children_caring_share_and_children_counted(tmp_path):
    marac_referral(at(2022, 4, 2), children=2)
    marac_referral(at(2022, 4, 3), children=1)
    marac_referral(at(2022, 4, 4), children=0)
    marac_referral(at(2022, 4, 5), children=0)
    engine = engine_for(tmp_path)
    assert value(engine, "marac-victims-caring-for-children", Q1) == 50.0
    assert value(engine, "marac-children-in-households", Q1) == 3


def test_cases_per_10000_adult_women_use_that_years_population(tmp_path):
    marac_referral(at(2022, 4, 2))
    engine = engine_for(tmp_path)
    figure = engine.figure(registry()["marac-cases-per-10000-adult-women"], Q1)
    women = sum(
        band.people
        for band in engine.population
        if band.year == 2022 and band.sex == "female" and band.age_from >= 18
    )
    assert figure.denominator == women
    assert figure.value == pytest.approx(10_000 / women)


def test_sanctuary_due_counts_homes_surveyed_but_not_installed_at_the_end(tmp_path):
    pathway_case("sanctuary", at(2022, 5, 1), ("surveyed", at(2022, 5, 20)))  # due
    pathway_case(
        "sanctuary",
        at(2022, 5, 1),
        ("surveyed", at(2022, 5, 10)),
        ("installed", at(2022, 6, 30, 16)),  # installed on the last day: not due
    )
    pathway_case(
        "sanctuary",
        at(2022, 6, 1),
        ("surveyed", at(2022, 6, 10)),
        ("installed", at(2022, 7, 1, 9)),  # installed the day after: due at the end
    )
    engine = engine_for(tmp_path)
    assert value(engine, "sanctuary-referrals", Q1) == 3
    assert value(engine, "sanctuary-installations", Q1) == 1
    assert value(engine, "sanctuary-due", Q1) == 2


def test_engaged_at_the_start_counts_those_in_the_programme_as_the_first_day_begins(tmp_path):
    pathway_case(
        "pp-adult",
        at(2022, 1, 10),
        ("engaged", at(2022, 2, 1)),
        ("in_programme", at(2022, 3, 1)),
        ("completed", at(2022, 4, 1, 10)),  # leaves on the first day: engaged at its start
    )
    pathway_case("pp-adult", at(2022, 3, 1), ("engaged", at(2022, 4, 1, 11)))  # starts that day
    engine = engine_for(tmp_path)
    assert value(engine, "pp-adult-engaged-at-start", Q1) == 1
    assert value(engine, "pp-adult-planned-departures", Q1) == 1
    assert value(engine, "pp-adult-referrals", Q1) == 0


def test_refuge_figures_count_every_stay_touching_the_period(tmp_path):
    refuge = RefugeFactory()
    before = StayFactory(refuge=refuge, arrived_on=at(2022, 1, 5).date())
    before.departed_on, before.move_on = at(2022, 4, 1).date(), "social_housing"
    before.save()
    during = StayFactory(refuge=refuge, arrived_on=at(2022, 6, 30).date())
    add_child(during, PersonFactory())
    add_child(during, PersonFactory())
    StayFactory(refuge=refuge, arrived_on=at(2022, 7, 1).date())  # the next quarter
    engine = engine_for(tmp_path)
    assert value(engine, "refuge-women-supported", Q1) == 2
    assert value(engine, "refuge-children-supported", Q1) == 2


def test_a_rate_in_q4_divides_by_the_estimate_for_the_year_its_financial_year_started(tmp_path):
    """Q4 22/23 is January to March 2023, but every quarter of 22/23 uses mid-2022."""
    population = tmp_path / "population.csv"
    population.write_text(
        "year,sex,age_from,age_to,people\n"
        "2022,female,18,200,50000\n"
        "2023,female,18,200,40000\n"
        "2022,male,10,17,8000\n"
        "2023,male,10,17,10000\n",
        encoding="utf-8",
    )
    marac_referral(at(2022, 11, 2))
    marac_referral(at(2023, 2, 2))
    engine = Engine(snapshot=take_snapshot(directory=tmp_path / "snapshot"), population=population)
    rate = registry()["marac-cases-per-10000-adult-women"]
    q3, q4 = engine.figures([rate], [parse_period("Q3 22/23"), parse_period("Q4 22/23")])
    assert q3.denominator == q4.denominator == 50000
    assert q4.value == pytest.approx(10_000 / 50000)
    fte = registry()["yj-fte-per-100000"]
    (year,) = engine.figures([fte], [parse_period("12m to 2023-03")])
    assert year.denominator == 8000  # the twelve months of 22/23: mid-2022 too
