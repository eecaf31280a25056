"""The one disclosure pass: what it hides, what it prints, and that what it hides stays hidden."""

from itertools import permutations

import pytest

from casebridge.analytics.disclosure import (
    EXACT_METHOD,
    SUPPRESSED,
    Base,
    Count,
    Linear,
    Method,
    Publication,
    Ratio,
    method_from,
)
from tests.analytics.disclosure.minireport import MiniReport, publish, read
from tests.reports.attacker.attacks import Programme, completions, differencing, programme
from tests.reports.attacker.reading import Rules

ROUNDING, SUPPRESSION = method_from({}), method_from({"method": "suppression"})


def _counts(values: dict[str, int], method: Method, *, ratios=()):
    """Each count stated on its own, and ratios (numerator, denominator) of them."""
    publication = Publication()
    bases = {name: publication.base(Base(name, "Q1"), value) for name, value in values.items()}
    for name, count in bases.items():
        publication.state(name, Count(count))
    for numerator, denominator in ratios:
        ratio = Ratio(bases[numerator], bases[denominator], 100.0, "percent")
        publication.state(f"{numerator} of {denominator}", ratio)
    publication.settle(method)
    return {key: publication.shown(key).text for key in publication.statements}


def test_counts_from_one_to_seven_are_hidden_and_the_rest_rounded():
    printed = _counts({"none": 0, "one": 1, "seven": 7, "eight": 8, "twelve": 12}, ROUNDING)
    assert printed == {
        "none": "0",
        "one": SUPPRESSED,
        "seven": SUPPRESSED,
        "eight": "10",
        "twelve": "10",
    }


def test_cell_suppression_prints_counts_from_five_exactly():
    printed = _counts({"four": 4, "five": 5, "thousands": 1234}, SUPPRESSION)
    assert printed == {"four": SUPPRESSED, "five": "5", "thousands": "1,234"}


def test_a_percentage_built_on_a_small_count_is_hidden_either_way_up():
    printed = _counts(
        {"repeats": 3, "referrals": 40, "all": 6, "few": 6},
        ROUNDING,
        ratios=[("repeats", "referrals"), ("all", "few")],
    )
    assert printed["repeats of referrals"] == SUPPRESSED  # 3 repeats
    assert printed["all of few"] == SUPPRESSED  # of 6


def test_percentages_are_worked_out_from_the_counts_unrounded():
    printed = _counts({"repeats": 9, "referrals": 40}, ROUNDING, ratios=[("repeats", "referrals")])
    assert printed == {"repeats": "10", "referrals": "40", "repeats of referrals": "22.5%"}


def test_none_or_all_of_a_small_group_is_hidden_of_a_larger_one_printed():
    values = {"none": 0, "nine": 9, "all": 9, "none2": 0, "twelve": 12}
    ratios = [("none", "nine"), ("all", "nine"), ("none2", "twelve")]
    printed = _counts(values, SUPPRESSION, ratios=ratios)
    assert printed["none of nine"] == printed["all of nine"] == SUPPRESSED  # fewer than 10
    assert printed["none2 of twelve"] == "0.0%"
    assert printed["nine"] == "9"


def test_the_restricted_edition_prints_everything_exactly():
    printed = _counts({"one": 1, "twelve": 12}, EXACT_METHOD, ratios=[("one", "twelve")])
    assert printed == {"one": "1", "twelve": "12", "one of twelve": "8.3%"}


def _year(quarters: list[int], method: Method, *, places: int = 1):
    """Four quarters and their year, each printed in ``places`` places."""
    publication = Publication()
    bases = [publication.base(Base("m", f"Q{n}"), v) for n, v in enumerate(quarters, start=1)]
    for _ in range(places):
        for n, count in enumerate(bases, start=1):
            publication.state(f"Q{n}", Count(count))
        publication.state("year", Count(Linear.total(bases)))
    publication.settle(method)
    return [publication.shown(f"Q{n}").text for n in range(1, 5)], publication.shown("year").text


def test_a_year_printed_beside_its_quarters_never_gives_a_small_one_away():
    quarters, year = _year([3, 20, 25, 30], SUPPRESSION)
    assert quarters[0] == SUPPRESSED
    assert SUPPRESSED in (year, *quarters[1:])  # one more hidden, or the year less the rest is 3


def _shares(values: list[int], method: Method):
    """A quarter's count shared out by category: each category printed once, the total (as in
    a table, a chart and the breakdown) three times."""
    publication = Publication()
    total = publication.base(Base("m", "Q1"), sum(values))
    parts = [publication.base(Base("m", "Q1", "by", str(n)), v) for n, v in enumerate(values)]
    publication.relate(Linear.total(parts) - total, 0, 0)
    for _ in range(3):
        publication.state("total", Count(total))
    for n, part in enumerate(parts):
        publication.state(f"category {n}", Count(part))
    publication.settle(method)
    return [publication.shown(f"category {n}").text for n in range(len(values))]


def test_the_second_figure_hidden_is_never_chosen_by_its_value():
    # However the other categories' values are arranged, the same one is hidden beside the
    # small one: the choice follows the figures' names, not which is smallest.
    patterns = {
        tuple(n for n, text in enumerate(_shares([3, *others], SUPPRESSION)) if text == SUPPRESSED)
        for others in permutations([10, 30, 40])
    }
    assert len(patterns) == 1 and len(patterns.pop()) == 2


@pytest.mark.parametrize("method", [ROUNDING, SUPPRESSION], ids=["rounding", "suppression"])
@pytest.mark.parametrize(
    "report",
    [
        MiniReport(
            [[3, 10, 12, 9], [8, 12, 7, 11], [9, 7, 6, 11]], [[20, 29, 25, 31]], [2, 9, 25, 0]
        ),
        MiniReport([[3, 0, 0, 0], [10, 12, 8, 9]], [[6, 6, 4, 4], [7, 6, 4, 5]], [0, 0, 0, 9]),
        MiniReport([[1, 1, 0, 0], [0, 0, 0, 0]], [[1, 1, 0, 0]], [1, 1, 0, 0]),
    ],
)
def test_no_hidden_value_of_a_small_report_can_be_worked_out(report, method):
    rules = Rules(threshold=method.threshold, rounding=method.rounding)
    reading = read(report, publish(report, method), rules)
    assert differencing(reading) + programme(reading, rules) + completions(reading, rules) == []


def test_a_small_count_keeps_three_possible_values_however_the_figures_combine():
    report = MiniReport([[3, 10, 12, 9], [8, 12, 7, 11]], [[11, 22, 19, 20]], [0, 5, 9, 2])
    rules = Rules(threshold=SUPPRESSION.threshold)
    reading = read(report, publish(report, SUPPRESSION), rules)
    solved = Programme(reading, rules)
    small = next(t for t in reading.targets if t.where == "first 0 Q1")
    least, most = solved.interval(small.expr)
    assert most - least + 1 >= SUPPRESSION.protection
