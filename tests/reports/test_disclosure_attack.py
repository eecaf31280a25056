"""The attack on the tiny demo borough's public board reports: given only what each prints, and
the structure the partnership publishes with it, no suppressed value is worked out.

The default (borough) demo takes minutes to load, so its reports are attacked by hand:

    DATABASE_URL=sqlite:///var/borough.sqlite3 CASEBRIDGE_SNAPSHOT_DIR=var/snapshots \\
        .venv/bin/python -m tests.reports.attack_report --period "Q1 22/23" --period "Q4 22/23"

(on a copy of a database ``make demo`` loaded, with a snapshot taken). Randomised small
publications are attacked in tests/analytics/disclosure/test_randomised_attack.py.
"""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction

from casebridge.analytics.periods import parse_period
from casebridge.reports.board import PUBLIC, RESTRICTED, build_report
from tests.analytics.fixtures import engine_for
from tests.reports.attacker import Truth, attack, judge
from tests.reports.attacker.reading import SUPPRESSED, Rules

pytestmark = pytest.mark.django_db  # the borough is loaded once, by the module's fixture
QUARTERS = ("Q1 22/23", "Q2 22/23", "Q3 22/23", "Q4 22/23")


@pytest.fixture(scope="module")
def tiny_engine(django_db_setup, django_db_blocker, tmp_path_factory):
    """The tiny borough, loaded once for the module in a transaction rolled back at its end,
    and an engine on a snapshot of it."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("demo_data", "--size", "tiny", "--seed", "2022", stdout=StringIO())
        yield engine_for(tmp_path_factory.mktemp("snapshot"))
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def reports(tiny_engine, django_db_blocker):
    """Each quarter's public edition, built once."""
    with django_db_blocker.unblock():
        return {
            quarter: build_report(engine=tiny_engine, period=parse_period(quarter), edition=PUBLIC)
            for quarter in QUARTERS
        }


@pytest.mark.parametrize("quarter", QUARTERS)
def test_no_suppressed_value_of_the_tiny_boroughs_public_report_is_recovered(
    reports, tiny_engine, quarter
):
    report = reports[quarter]
    rules = Rules(threshold=report.disclosure.threshold, rounding=report.disclosure.rounding)
    outcome = attack(report, rules, population=tiny_engine.population)
    verdict = judge(outcome, Truth(tiny_engine))
    assert verdict.violated == [] and verdict.wrong == []  # the attacker reads it right
    assert len(outcome.reading.targets) > 100  # the tiny borough has many small counts
    assert [f"{c.where} = {c.value} ({c.attack})" for c in verdict.recovered] == []
    assert [f.where for f in outcome.zero_or_all] == []


def test_every_small_count_of_the_restricted_edition_is_hidden_in_the_public_one(
    reports, tiny_engine
):
    restricted = build_report(
        engine=tiny_engine, period=parse_period("Q4 22/23"), edition=RESTRICTED
    )
    public = reports["Q4 22/23"]
    small = range(1, public.disclosure.threshold)
    for mine, theirs in zip(restricted.sections, public.sections, strict=True):
        for table, printed in zip(mine.tables, theirs.tables, strict=True):
            for row, shown in zip(table.rows, printed.rows, strict=True):
                for exact, cell in zip(row.cells, shown.cells, strict=True):
                    if row.indicator.unit == "count" and exact.isdigit() and int(exact) in small:
                        assert cell == SUPPRESSED, (row.indicator.id, exact, cell)
