"""The attack on the tiny demo borough's public board reports: given only what each prints, and
the structure the partnership publishes with it, no suppressed value is worked out.

The default (borough) demo takes minutes to load, so its reports are attacked by hand:

    DATABASE_URL=sqlite:///var/borough.sqlite3 CASEBRIDGE_SNAPSHOT_DIR=var/snapshots \\
        .venv/bin/python -m tests.reports.attack_report --period "Q1 22/23" --period "Q4 22/23"

(on a copy of a database ``make demo`` loaded, with a snapshot taken). Randomised small
publications are attacked in tests/analytics/disclosure/test_randomised_attack.py.
"""

import pytest
from django.db import connection

from casebridge.reports.board import PUBLIC, RESTRICTED
from tests.reports.attacker import Truth, attack, judge
from tests.reports.attacker.reading import SUPPRESSED, Rules

pytestmark = [
    pytest.mark.django_db,  # the borough is loaded once, for the run
    # The attack reads the reports and the engine, both built from the borough's Parquet
    # snapshot (DuckDB), not from the database: once (in the SQLite run) is enough.
    pytest.mark.skipif(
        connection.vendor != "sqlite", reason="the reports are attacked in the SQLite run"
    ),
]
QUARTERS = ("Q1 22/23", "Q2 22/23", "Q3 22/23", "Q4 22/23")


@pytest.fixture
def tiny_engine(tiny_borough):
    """An engine on the tiny borough's snapshot (loaded once for the session)."""
    return tiny_borough.engine


@pytest.fixture
def reports(tiny_borough):
    """Each quarter's public edition, built once for the session."""
    return {quarter: tiny_borough.report(quarter, PUBLIC) for quarter in QUARTERS}


@pytest.mark.parametrize("quarter", QUARTERS)
def test_no_suppressed_value_of_the_tiny_boroughs_public_report_is_recovered(
    reports, tiny_engine, quarter
):
    report = reports[quarter]
    rules = Rules(threshold=report.disclosure.threshold, rounding=report.disclosure.rounding)
    outcome = attack(report, rules, population=tiny_engine.population)
    reading = outcome.reading
    read = {one.where.split(" ")[0] for one in [*reading.facts, *reading.ratios, *reading.targets]}
    assert {"summary", "dashboard"} <= read  # it reads the summary's and the dashboard's too
    verdict = judge(outcome, Truth(tiny_engine))
    assert verdict.violated == [] and verdict.wrong == []  # the attacker reads it right
    assert len(outcome.reading.targets) > 100  # the tiny borough has many small counts
    assert [f"{c.where} = {c.value} ({c.attack})" for c in verdict.recovered] == []
    assert [f.where for f in outcome.zero_or_all] == []


def test_every_small_count_of_the_restricted_edition_is_hidden_in_the_public_one(
    reports, tiny_borough
):
    restricted = tiny_borough.report("Q4 22/23", RESTRICTED)
    public = reports["Q4 22/23"]
    small = range(1, public.disclosure.threshold)
    for mine, theirs in zip(restricted.sections, public.sections, strict=True):
        for table, printed in zip(mine.tables, theirs.tables, strict=True):
            for row, shown in zip(table.rows, printed.rows, strict=True):
                for exact, cell in zip(row.cells, shown.cells, strict=True):
                    if row.indicator.unit == "count" and exact.isdigit() and int(exact) in small:
                        assert cell == SUPPRESSED, (row.indicator.id, exact, cell)
