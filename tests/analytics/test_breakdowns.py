"""Indicators broken down by a declared category, one grouped query per measure."""

from dataclasses import replace

import pytest

from casebridge.analytics.periods import parse_period
from casebridge.analytics.registry import registry
from casebridge.core.errors import ApplicationError
from tests.analytics.fixtures import at, engine_for, marac_referral, pathway_case
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db

Q1 = parse_period("Q1 22/23")
BY = "referring_agency_kind"


def _referrals():
    police, council, charity = (
        AgencyFactory(kind=kind) for kind in ("police", "council", "charity")
    )
    for referrer, days, repeats in ((police, 5, 2), (council, 3, 0), (charity, 1, 1)):
        for n in range(days):
            marac_referral(at(2022, 5, n + 1), repeat=n < repeats, referrer=referrer)
    marac_referral(at(2022, 3, 1), referrer=council)  # the quarter before
    return police, council, charity


def test_a_count_broken_down_adds_up_to_the_whole(tmp_path):
    _referrals()
    engine = engine_for(tmp_path)
    indicator = registry()["marac-referrals"]
    figures = engine.breakdown(indicator, Q1, BY)
    assert [(f.category, f.value, f.records) for f in figures] == [
        ("charity", 1, 1),
        ("council", 3, 3),
        ("police", 5, 5),
    ]
    assert sum(f.value for f in figures) == engine.figure(indicator, Q1).value == 9
    assert {(f.indicator, f.period, f.denominator) for f in figures} == {
        ("marac-referrals", "Q1 22/23", None)
    }


def test_a_percentage_takes_its_denominator_by_the_same_category(tmp_path):
    _referrals()
    repeat_rate = replace(registry()["marac-repeat-rate"], breakdowns=(BY,))
    figures = engine_for(tmp_path).breakdown(repeat_rate, Q1, BY)
    assert [(f.category, f.numerator, f.denominator, f.value) for f in figures] == [
        ("charity", 1, 1, 100.0),
        ("council", 0, 3, 0.0),  # no repeats: a category of the denominator still shows
        ("police", 2, 5, 40.0),
    ]


def test_an_empty_period_has_no_categories(tmp_path):
    _referrals()
    engine = engine_for(tmp_path)
    assert engine.breakdown(registry()["marac-referrals"], parse_period("Q3 22/23"), BY) == []


def test_each_measure_is_one_grouped_query(tmp_path, monkeypatch):
    _referrals()
    engine = engine_for(tmp_path)
    queries = []
    execute = engine.connection.execute
    monkeypatch.setattr(engine.connection, "execute", lambda q: queries.append(q) or execute(q))
    engine.breakdown(replace(registry()["marac-repeat-rate"], breakdowns=(BY,)), Q1, BY)
    assert len(queries) == 2  # numerator and denominator, whatever the number of categories


def test_a_sum_counts_its_records_in_the_same_query(tmp_path):
    police = AgencyFactory(kind="police")
    marac_referral(at(2022, 4, 2), children=3, referrer=police)
    marac_referral(at(2022, 4, 3), children=2, referrer=police)
    children = replace(registry()["marac-children-in-households"], breakdowns=(BY,))
    (figure,) = engine_for(tmp_path).breakdown(children, Q1, BY)
    assert (figure.category, figure.value, figure.records) == ("police", 5, 2)


def test_a_case_pathway_breaks_down_by_referring_agency(tmp_path):
    housing = AgencyFactory(kind="housing")
    pathway_case("idva", at(2022, 4, 2), referrer=housing)
    pathway_case("idva", at(2022, 4, 3), referrer=housing)
    pathway_case("sanctuary", at(2022, 4, 3), referrer=housing)  # another pathway
    figures = engine_for(tmp_path).breakdown(registry()["advocacy-referrals"], Q1, BY)
    assert [(f.category, f.value) for f in figures] == [("housing", 2)]


def test_an_undeclared_breakdown_is_refused(tmp_path):
    engine = engine_for(tmp_path)
    with pytest.raises(ApplicationError, match=r"marac-repeat-rate is not broken down by 'route'"):
        engine.breakdown(registry()["marac-repeat-rate"], Q1, "route")
    with pytest.raises(ApplicationError, match="declared breakdowns: referring_agency_kind"):
        engine.breakdown(registry()["marac-referrals"], Q1, "relationship")
