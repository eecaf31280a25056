"""Reporting periods as a board report names them."""

from datetime import date

import pytest

from casebridge.analytics.periods import parse_period, quarter_containing
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
