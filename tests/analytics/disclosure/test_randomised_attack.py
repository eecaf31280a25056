"""The attack on small publications of random counts (hypothesis): whatever the counts, once the
one pass has settled them, no suppressed value can be worked out from what is printed."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casebridge.analytics.disclosure import method_from
from tests.analytics.disclosure.minireport import (
    QUARTERS,
    MiniReport,
    publish,
    read,
    truth,
)
from tests.reports.attacker.attacks import completions, differencing, programme
from tests.reports.attacker.reading import Rules

# About a minute of CPU and no database: run in the PostgreSQL run, the shorter of the two.
pytestmark = pytest.mark.in_the_postgresql_run

# Mostly small counts, where disclosure happens; now and then a larger one beside them.
COUNTS = st.one_of(st.integers(0, 9), st.integers(0, 9), st.integers(10, 40))


@st.composite
def mini_reports(draw: st.DrawFn) -> MiniReport:
    rows = draw(st.integers(1, 4))
    first = [[draw(COUNTS) for _ in QUARTERS] for _ in range(rows)]
    totals = [sum(row[q] for row in first) for q in range(len(QUARTERS))]
    shares = draw(st.integers(1, 3))
    second = [[0] * len(QUARTERS) for _ in range(shares)]
    for q, total in enumerate(totals):  # the same totals, shared out another way
        for _ in range(total):
            second[draw(st.integers(0, shares - 1))][q] += 1
    numerators = [draw(st.integers(0, total)) for total in totals]
    return MiniReport(first, second, numerators)


def _recovered(report: MiniReport, method_name: str) -> list[str]:
    method = method_from({"method": method_name})
    rules = Rules(threshold=method.threshold, rounding=method.rounding)
    reading = read(report, publish(report, method), rules)
    claims = differencing(reading) + programme(reading, rules) + completions(reading, rules)
    for claim in claims:  # the attacker reasons soundly: a claim is the truth
        assert claim.value == sum(c * truth(report, var) for var, c in claim.expr), claim
    return [f"{claim.where} = {claim.value} ({claim.attack})" for claim in claims]


@pytest.mark.parametrize("method_name", ["rounding", "suppression"])
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(report=mini_reports())
def test_no_suppressed_value_of_random_small_counts_is_recovered(report, method_name):
    assert _recovered(report, method_name) == []
