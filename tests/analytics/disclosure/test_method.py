"""The disclosure method, as the report definition configures it."""

import pytest

from casebridge.analytics.disclosure import EXACT_METHOD, method_from
from casebridge.core.errors import ApplicationError


def test_rounding_is_the_default_as_nhs_england_publishes_counts():
    method = method_from({})
    assert (method.name, method.threshold, method.rounding) == ("rounding", 8, 5)
    assert (method.group, method.protection) == (10, 3)


def test_counts_round_to_the_nearest_five_halves_up():
    method = method_from({"method": "rounding"})
    assert [method.rounded(n) for n in (0, 8, 12, 13, 17, 18, 1002)] == [
        0,
        10,
        10,
        15,
        15,
        20,
        1000,
    ]


def test_what_a_printed_count_says_of_the_true_one():
    rounding, suppression = method_from({}), method_from({"method": "suppression"})
    assert rounding.interval(10) == (8, 12)  # a count from 1 to 7 is never printed
    assert rounding.interval(15) == (13, 17)
    assert rounding.interval(0) == (0, 0)
    assert suppression.interval(9) == (9, 9)


def test_cell_suppression_prints_counts_exactly_from_five():
    method = method_from({"method": "suppression"})
    assert (method.threshold, method.rounding, method.rounded(13)) == (5, 1, 13)


def test_the_settings_and_the_command_line_threshold_override_the_defaults():
    method = method_from({"method": "suppression", "threshold": 10, "group": 20}, threshold=6)
    assert (method.threshold, method.group) == (6, 20)


@pytest.mark.parametrize(
    "spec",
    [
        {"method": "noise"},
        {"method": "rounding", "rounds": 5},
        {"method": "rounding", "protection": 8},  # more than the 7 small counts
        {"method": "suppression", "threshold": 1},
    ],
)
def test_a_method_that_cannot_protect_is_refused(spec):
    with pytest.raises(ApplicationError):
        method_from(spec)


def test_each_edition_says_how_its_figures_were_protected():
    assert "nearest 5" in method_from({}).describe()
    assert (
        "Counts from 1 to 4 are shown as [c]" in method_from({"method": "suppression"}).describe()
    )
    assert "nearest" not in method_from({"method": "suppression"}).describe()
    assert "Every figure is shown exactly" in EXACT_METHOD.describe()
