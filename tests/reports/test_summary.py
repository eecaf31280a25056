"""The board report's summary page: each headline measure beside the same period a year before,
the change and its direction, a RAG status by the rule printed, and the exceptions, all worked
out from the figures as printed; and the definitions that say which measures, with what
targets, checked on reading."""

from pathlib import Path

import pytest
import yaml

from casebridge.analytics.disclosure import NOT_YET_KNOWN, SUPPRESSED, Printed
from casebridge.analytics.periods import parse_period
from casebridge.analytics.registry import registry
from casebridge.core.errors import ApplicationError
from casebridge.reports.board import PUBLIC, RESTRICTED, build_report
from casebridge.reports.board.definitions import DEFINITIONS, read_definition
from casebridge.reports.board.model import period_heading
from casebridge.reports.board.summary import (
    AMBER,
    GREEN,
    NO_TARGET,
    NOT_RATED,
    RED,
    Headline,
    a_year_before,
    exceptions,
    headline_row,
)
from casebridge.reports.render import report_html
from tests.analytics.fixtures import at, engine_for, marac_referral

RULE = {"most": 3, "moved_by": 20, "points": 5}
Q4 = parse_period("Q4 22/23")


def _headline(indicator="marac-repeat-rate", better="higher", target=28.0, tolerance=3.0):
    return Headline(registry()[indicator], better, target, tolerance)


def _printed(text: str) -> Printed:
    value = None if text in (SUPPRESSED, NOT_YET_KNOWN, "-") else float(text.rstrip("%"))
    return Printed(text, value)


def _summary_row(indicator, this, last, **headline):
    earlier = a_year_before(Q4)
    return headline_row(
        _headline(indicator, **headline), Q4, earlier, *map(_printed, (this, last)), RULE
    )


def test_the_same_period_last_year_is_the_quarter_four_back_or_the_twelve_months_to_it():
    assert a_year_before(Q4).label == "Q4 21/22"
    assert a_year_before(parse_period("12m to 2021-06")).label == "12m to 2020-06"


def test_the_change_is_worked_out_from_the_printed_figures_and_says_its_sign():
    row = _summary_row("marac-referrals", "115", "120", better="higher", target=None)
    assert (row.change, row.direction) == ("-5", "Down, worse")
    row = _summary_row("marac-repeat-rate", "30.5%", "28.0%")
    assert (row.change, row.direction) == ("+2.5 pts", "Up, better")
    row = _summary_row("da-incidents-per-1000", "3.0", "3.0", better="neither", target=None)
    assert (row.change, row.direction) == ("0", "No change")


@pytest.mark.parametrize(
    ("this", "last", "change"),
    [
        (SUPPRESSED, "120", SUPPRESSED),
        ("120", SUPPRESSED, SUPPRESSED),
        ("120", NOT_YET_KNOWN, NOT_YET_KNOWN),
        ("-", "120", "-"),
    ],
)
def test_a_change_from_a_hidden_or_unknown_figure_is_hidden_or_unknown(this, last, change):
    row = _summary_row("marac-referrals", this, last, better="higher", target=None)
    assert (row.change, row.direction, row.move) == (change, "-", None)


@pytest.mark.parametrize(
    ("value", "status"),
    [("31.0%", GREEN), ("28.0%", GREEN), ("25.0%", AMBER), ("24.9%", RED)],
)
def test_the_rag_status_meets_the_target_or_misses_it_within_its_tolerance_or_beyond(value, status):
    assert _headline(target=28.0, tolerance=3.0).rag(_printed(value)) == (status, "")


def test_where_lower_is_better_the_target_is_a_ceiling():
    headline = _headline("yj-reoffending-binary-rate", better="lower", target=35.0, tolerance=5)
    assert headline.rag(_printed("35.0%"))[0] == GREEN
    assert headline.rag(_printed("40.0%"))[0] == AMBER
    assert headline.rag(_printed("40.1%"))[0] == RED
    assert headline.target_text() == "35.0% or less (tolerance 5.0 points)"


def test_a_hidden_figure_is_not_rated_and_says_why_and_no_target_is_said():
    assert _headline().rag(_printed(SUPPRESSED)) == (NOT_RATED, "the figure is hidden ([c])")
    assert _headline().rag(_printed(NOT_YET_KNOWN)) == (NOT_RATED, "the figure is not yet known")
    assert _headline(target=None).rag(_printed("20.0%")) == (NO_TARGET, "")


def test_the_exceptions_are_the_red_then_the_most_moved_past_the_threshold_at_most_three():
    rows = [
        _summary_row("marac-referrals", "130", "100", target=None),  # +30%: 1.5 thresholds
        _summary_row("knife-enabled-offences", "50", "100", better="lower", target=None),  # 2.5
        _summary_row("marac-repeat-rate", "20.0%", "21.0%"),  # Red, moved 0.2 thresholds
        _summary_row("iom-cohort", "110", "100", better="neither", target=None),  # +10%: 0.5
        _summary_row("missing-return-interview-rate", "90.0%", "70.0%", target=80.0),  # 4.0
    ]
    listed = [row.indicator.id for row in exceptions(rows, RULE)]
    assert listed == [
        "marac-repeat-rate",
        "missing-return-interview-rate",
        "knife-enabled-offences",
    ]
    assert "iom-cohort" not in [row.indicator.id for row in exceptions(rows, {**RULE, "most": 9})]


def test_each_column_heading_says_its_period():
    assert period_heading(Q4) == ("Q4 22/23", "Jan to Mar 2023")
    assert period_heading(parse_period("12m to 2023-03")) == ("12 months", "to Mar 2023")
    cohort = period_heading(parse_period("12m to 2021-06"), cohort=True)
    assert cohort == ("Cohort: 12 months", "to Jun 2021")


def _with_summary(tmp_path: Path, summary: dict) -> Path:
    board = yaml.safe_load((DEFINITIONS / "board.yaml").read_text(encoding="utf-8"))
    (tmp_path / "board.yaml").write_text(yaml.safe_dump({**board, "summary": summary}))
    return tmp_path


@pytest.mark.parametrize(
    ("headline", "problem"),
    [
        ({"indicator": "no-such-figure", "better": "higher"}, "there is no indicator"),
        ({"indicator": "marac-referrals", "better": "neither", "target": 9}, "which way"),
        ({"indicator": "marac-referrals", "better": "higher", "tolerance": 2}, "needs a target"),
        ({"indicator": "marac-repeat-rate", "better": "higher", "target": 120}, "between 0"),
        ({"indicator": "marac-referrals", "better": "up"}, "better"),
    ],
)
def test_a_headline_measure_defined_wrongly_stops_the_report(tmp_path, headline, problem):
    directory = _with_summary(tmp_path, {"exceptions": RULE, "headline": [headline]})
    with pytest.raises(ApplicationError, match=problem):
        read_definition("board.yaml", directory=directory)


def test_the_shipped_definitions_name_headline_measures_and_their_targets():
    summary = read_definition("board.yaml")["summary"]
    assert len(summary["headline"]) >= 6
    assert any("target" in item for item in summary["headline"])


@pytest.mark.django_db
@pytest.mark.same_on_either_database
def test_the_summary_prints_each_figure_as_the_tables_do_with_last_years_and_the_rule(tmp_path):
    for day in range(1, 20):  # nineteen referrals in Q4 22/23, twelve in Q4 21/22
        marac_referral(at(2023, 2, day), repeat=day <= 6)
        if day <= 12:
            marac_referral(at(2022, 2, day), repeat=day <= 2)
    engine = engine_for(tmp_path)
    restricted = build_report(engine=engine, period=Q4, edition=RESTRICTED)
    rows = {row.indicator.id: row for row in restricted.summary.rows}
    referrals = rows["marac-referrals"]
    assert (referrals.this, referrals.last, referrals.change) == ("19", "12", "+7")
    assert referrals.last_period.label == "Q4 21/22"
    assert rows["marac-repeat-rate"].rag == GREEN  # 6 of 19 is 31.6%: at least 28%
    html = report_html(restricted)
    assert "Red: it misses by more" in html and "Which are listed." in html

    public = build_report(engine=engine, period=Q4, edition=PUBLIC)
    rows = {row.indicator.id: row for row in public.summary.rows}
    assert (rows["marac-referrals"].this, rows["marac-referrals"].last) == ("20", "10")
    repeat = rows["marac-repeat-rate"]  # 6 and 2 repeats: small, so hidden, and so its change
    assert (repeat.this, repeat.last, repeat.change, repeat.rag) == (
        SUPPRESSED,
        SUPPRESSED,
        SUPPRESSED,
        NOT_RATED,
    )
    table_cell = next(
        row.cells[-1]
        for section in public.sections
        for table in section.tables
        for row in table.rows
        if row.indicator.id == "marac-referrals"
    )
    assert table_cell == rows["marac-referrals"].this
