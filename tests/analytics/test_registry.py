"""The indicator registry: definitions as data, checked before they are used."""

import copy

import pytest
import yaml
from django.core.exceptions import ValidationError

from casebridge.analytics.registry import INDICATORS_DIR, read_indicators, validate_file

SHIPPED = yaml.safe_load((INDICATORS_DIR / "domestic-abuse.yaml").read_text())


def with_first(**changes):
    definition = copy.deepcopy(SHIPPED)
    definition["indicators"][0] |= changes
    return definition


def test_the_shipped_indicators_are_valid_and_each_declared_once():
    ids = [indicator.id for indicator in read_indicators()]
    assert "marac-repeat-rate" in ids and len(ids) == len(set(ids))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"unit": "count"}, "a count has no denominator"),
        ({"per": None}, "per"),
        ({"numerator": {"table": "nowhere", "date": "day"}}, "no snapshot table 'nowhere'"),
        ({"numerator": {"table": "cases"}}, "numerator"),
        ({"unit": "average"}, "unit"),
    ],
)
def test_a_broken_definition_is_refused_saying_what_is_wrong(changes, message):
    definition = with_first(**changes)
    if changes.get("per", 0) is None:
        del definition["indicators"][0]["per"]
    with pytest.raises(ValidationError, match=message):
        validate_file(definition, source="test.yaml")


def _reoffending_definition(**more):
    return {
        "section": "Tests",
        "indicators": [
            {
                "id": "reoffending-rate",
                "title": "Proven reoffending rate",
                "definition": "Of the period's cohort, the percentage who reoffended.",
                "unit": "percent",
                "numerator": {"reoffending": {"count": "reoffenders"}},
                "denominator": {"reoffending": {"count": "offenders"}},
                **more,
            }
        ],
    }


def test_a_cohort_reported_before_its_follow_up_ends_is_refused():
    with pytest.raises(ValidationError, match="lag_quarters must be at least 6"):
        validate_file(_reoffending_definition(), source="test.yaml")
    too_soon = {"periods": "rolling-12-months", "lag_quarters": 5}
    with pytest.raises(ValidationError, match="lag_quarters must be at least 6"):
        validate_file(_reoffending_definition(reporting=too_soon), source="test.yaml")
    validate_file(
        _reoffending_definition(reporting={"periods": "rolling-12-months", "lag_quarters": 6}),
        source="test.yaml",
    )


def test_every_shipped_reoffending_rate_is_reported_for_cohorts_whose_follow_up_has_ended():
    rates = [i for i in read_indicators() if "reoffending" in i.numerator]
    assert len(rates) >= 10
    assert {(i.basis.periods, i.basis.lag_quarters) for i in rates} == {("rolling-12-months", 6)}


def test_a_rate_per_population_states_its_mid_year_estimate_financial_year_start_by_default(
    tmp_path,
):
    definition = with_first()  # domestic abuse incidents per 1,000 residents
    del definition["indicators"][0]["denominator"]["population"]["mid_year_estimate"]
    (tmp_path / "rates.yaml").write_text(yaml.safe_dump(definition))
    unstated = read_indicators(tmp_path)[0]
    assert unstated.mid_year_estimate == "financial-year-start"
    rates = [i for i in read_indicators() if i.population is not None]
    assert {i.mid_year_estimate for i in rates} == {"financial-year-start"}
    assert all("mid-2022" in i.definition for i in rates)  # said in words, too
    unknown = with_first()
    unknown["indicators"][0]["denominator"]["population"]["mid_year_estimate"] = "latest"
    with pytest.raises(ValidationError, match="mid_year_estimate"):
        validate_file(unknown, source="test.yaml")


def test_a_stock_says_so_in_its_definition_and_nothing_else_does():
    as_at_end = {"table": "case_states", "as_at": "end", "where": {"pathway": "iom"}}
    unmarked = with_first(unit="count", numerator=as_at_end)
    del unmarked["indicators"][0]["denominator"], unmarked["indicators"][0]["per"]
    with pytest.raises(ValidationError, match="stock: true"):
        validate_file(unmarked, source="test.yaml")
    unmarked["indicators"][0]["stock"] = True
    validate_file(unmarked, source="test.yaml")
    with pytest.raises(ValidationError, match="stock: true"):
        validate_file(with_first(stock=True), source="test.yaml")  # incidents dated in it
    stocks = {indicator.id for indicator in read_indicators() if indicator.stock}
    assert {"iom-cohort", "sanctuary-due", "refuge-women-supported"} <= stocks
    assert "marac-referrals" not in stocks
