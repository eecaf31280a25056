"""Reporting periods as a board report names them."""

from datetime import date

import pytest

from casebridge.analytics.periods import (
    CALENDAR_YEAR_END,
    FINANCIAL_YEAR_START,
    TWELVE_MONTHS,
    Basis,
    mid_year_estimate_year,
    parse_period,
    quarter_containing,
)
from casebridge.core.errors import ApplicationError


@pytest.mark.parametrize(
    ("label", "start", "end"),
    [
        ("Q1 22/23", date(2022, 4, 1), date(2022, 6, 30)),
        ("Q3 21/22", date(2021, 10, 1), date(2021, 12, 31)),
        ("Q4 22/23", date(2023, 1, 1), date(2023, 3, 31)),
        ("22/23", date(2022, 4, 1), date(2023, 3, 31)),
        ("12m to 2022-09", date(2021, 10, 1), date(2022, 9, 30)),
        ("12m to 2024-02", date(2023, 3, 1), date(2024, 2, 29)),
    ],
)
def test_labels_give_whole_days_with_the_end_included(label, start, end):
    period = parse_period(label)
    assert (period.start, period.end, period.label) == (start, end, label)


def test_31_march_and_1_april_fall_in_different_financial_years():
    assert quarter_containing(date(2022, 3, 31)).label == "Q4 21/22"
    assert quarter_containing(date(2022, 4, 1)).label == "Q1 22/23"


def test_a_board_report_shows_four_quarters_oldest_first():
    quarters = parse_period("Q2 22/23").previous_quarters(4)
    assert [q.label for q in quarters] == ["Q3 21/22", "Q4 21/22", "Q1 22/23", "Q2 22/23"]


@pytest.mark.parametrize("label", ["Q5 22/23", "Q1 22/24", "2022", "12m to 2022-13", ""])
def test_a_period_that_is_not_one_is_refused_with_the_forms_it_may_take(label):
    with pytest.raises(ApplicationError):
        parse_period(label)


@pytest.mark.parametrize(
    ("label", "year"),
    [
        ("Q1 22/23", 2022),
        ("Q3 22/23", 2022),
        ("Q4 22/23", 2022),  # January to March 2023: still the financial year that began in 2022
        ("22/23", 2022),
        ("12m to 2023-03", 2022),
        ("12m to 2022-09", 2022),  # ends in 22/23, as the column for Q2 22/23 does
        ("12m to 2022-03", 2021),
    ],
)
def test_a_rate_divides_by_the_estimate_of_the_year_its_financial_year_starts(label, year):
    assert mid_year_estimate_year(parse_period(label)) == year
    assert mid_year_estimate_year(parse_period(label), FINANCIAL_YEAR_START) == year


@pytest.mark.parametrize(("label", "year"), [("12m to 2022-12", 2022), ("Q4 22/23", 2023)])
def test_a_rate_for_calendar_years_divides_by_the_estimate_of_the_year_it_ends(label, year):
    assert mid_year_estimate_year(parse_period(label), CALENDAR_YEAR_END) == year


def test_quarterly_figures_are_reported_for_the_quarters_themselves():
    columns = Basis().columns(parse_period("Q4 22/23"), 4)
    assert [c.label for c in columns] == ["Q1 22/23", "Q2 22/23", "Q3 22/23", "Q4 22/23"]
    assert Basis().describe() == ""


def test_a_cohort_is_reported_for_twelve_months_moved_back_past_its_follow_up():
    basis = Basis(periods=TWELVE_MONTHS, lag_quarters=6)
    columns = basis.columns(parse_period("Q4 22/23"), 4)
    labels = ["12m to 2020-12", "12m to 2021-03", "12m to 2021-06", "12m to 2021-09"]
    assert [c.label for c in columns] == labels
    assert "6 quarters before" in basis.describe()


def test_rolling_figures_without_a_lag_end_with_each_quarter():
    columns = Basis(periods=TWELVE_MONTHS).columns(parse_period("Q2 22/23"), 2)
    assert [c.label for c in columns] == ["12m to 2022-06", "12m to 2022-09"]
