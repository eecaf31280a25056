"""The quarterly board report, computed from hand-built records."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from casebridge.analytics.disclosure import SUPPRESSED
from casebridge.analytics.engine import stored_engine
from casebridge.analytics.periods import parse_period
from casebridge.reports.board import PUBLIC, RESTRICTED, build_report
from casebridge.reports.render import report_html
from tests.analytics.fixtures import at, engine_for, marac_referral, snapshot_of
from tests.factories import AgencyFactory
from tests.reports.attacker import attack
from tests.reports.attacker.reading import Rules
from tests.reports.pdf import read_pdf

pytestmark = pytest.mark.django_db
Q2 = parse_period("Q2 22/23")


def _records():
    for day in range(1, 8):  # seven referrals in Q2, two of them repeats
        marac_referral(at(2022, 8, day), repeat=day <= 2, children=1 if day <= 3 else 0)


@pytest.fixture(scope="module")
def seven_referrals(django_db_setup, django_db_blocker, tmp_path_factory):
    """An engine over a snapshot of ``_records``, the module's tests sharing its measures."""
    with django_db_blocker.unblock():
        snapshot = snapshot_of(_records, tmp_path_factory.mktemp("seven-referrals"))
    return stored_engine(snapshot)


def _row(report, indicator_id):
    return next(
        row
        for section in report.sections
        for table in section.tables
        for row in table.rows
        if row.indicator.id == indicator_id
    )


def _narrative(report):
    (domestic_abuse, *_) = report.sections
    return domestic_abuse.narrative


@pytest.mark.same_on_either_database
def test_four_quarters_side_by_side_with_the_latest_last(seven_referrals):
    report = build_report(engine=seven_referrals, period=Q2, edition=RESTRICTED)
    assert [q.label for q in report.quarters] == ["Q3 21/22", "Q4 21/22", "Q1 22/23", "Q2 22/23"]
    assert _row(report, "marac-referrals").cells == ["0", "0", "0", "7"]
    assert _row(report, "marac-repeat-rate").cells[-1] == "28.6%"


@pytest.mark.same_on_either_database
def test_the_public_edition_hides_small_counts_and_figures_built_on_them(seven_referrals):
    report = build_report(engine=seven_referrals, period=Q2, edition=PUBLIC)
    assert _row(report, "marac-referrals").cells[-1] == SUPPRESSED  # 7: from 1 to 7
    assert _row(report, "marac-repeat-rate").cells[-1] == SUPPRESSED  # 2 repeats
    assert _row(report, "marac-children-in-households").cells[-1] == SUPPRESSED  # 3 children
    assert (
        "there were [c] referrals to the domestic abuse MARAC, and [c] of them"
        in (_narrative(report)[0])
    )


@pytest.mark.same_on_either_database
def test_the_public_edition_rounds_counts_and_works_rates_out_unrounded(tmp_path):
    for day in range(1, 13):  # twelve referrals, nine of them repeats
        marac_referral(at(2022, 8, day), repeat=day <= 9)
    report = build_report(engine=engine_for(tmp_path), period=Q2, edition=PUBLIC)
    assert _row(report, "marac-referrals").cells[-1] == "10"
    assert _row(report, "marac-repeat-rate").cells[-1] == "75.0%"  # 9 of 12, not of 10
    assert report.disclosure.rounding == 5 and "nearest 5" in report.edition_note


@pytest.mark.same_on_either_database
def test_the_narrative_takes_its_numbers_from_the_indicators(seven_referrals):
    report = build_report(engine=seven_referrals, period=Q2, edition=RESTRICTED)
    assert _narrative(report)[0].startswith(
        "In Q2 22/23 there were 7 referrals to the domestic abuse MARAC, and 28.6% of them"
    )
    paragraphs = [text for section in report.sections for text in section.narrative]
    assert not re.search(r"\{[a-z0-9-]+\}", " ".join(paragraphs))


@pytest.mark.same_on_either_database
def test_the_appendix_gives_each_definition_and_the_records_behind_it(seven_referrals):
    report = build_report(engine=seven_referrals, period=Q2, edition=RESTRICTED)
    sources = {source.indicator.id: source for source in report.sources}
    assert sources["marac-referrals"].records == "7"
    assert sources["marac-repeat-rate"].records == "2"
    assert "by referral date" in sources["marac-referrals"].indicator.definition


@pytest.mark.same_on_either_database
def test_the_html_has_the_tables_charts_and_appendix(seven_referrals):
    report = build_report(engine=seven_referrals, period=Q2)
    html = report_html(report)
    tables = sum(len(section.tables) for section in report.sections)
    comparisons = sum(len(section.comparisons) for section in report.sections)
    charts = sum(len(section.charts) for section in report.sections)
    assert html.count('<table class="figures">') == tables
    assert html.count('<table class="figures comparison">') == comparisons
    # Every chart has a known value (noughts, and the 7 referrals), so every one is drawn,
    # with the table of its figures under it.
    assert html.count("<svg") == charts and "<polyline" in html
    assert html.count('<table class="figures chart-figures">') == charts
    assert '">Domestic abuse and violence against women and girls</h2>' in html
    assert '">Reducing reoffending</h2>' in html
    assert '">Appendix: where each figure comes from</h2>' in html
    assert "Public edition" in html


def _by_agency():
    """MARAC referrals: police 10 and 3 in the last two quarters, a charity 12 and 15, housing 2
    in the last one; nothing in the two before."""
    police, housing, charity = (AgencyFactory(kind=k) for k in ("police", "housing", "charity"))
    for referrer, q1, q2 in ((police, 10, 3), (housing, 0, 2), (charity, 12, 15)):
        for n in range(q1):
            marac_referral(at(2022, 5, n + 1), referrer=referrer)
        for n in range(q2):
            marac_referral(at(2022, 8, n + 1), referrer=referrer)


@pytest.fixture(scope="module")
def by_agency(django_db_setup, django_db_blocker, tmp_path_factory):
    """An engine over a snapshot of ``_by_agency``, the module's tests sharing its measures."""
    with django_db_blocker.unblock():
        snapshot = snapshot_of(_by_agency, tmp_path_factory.mktemp("by-agency"))
    return stored_engine(snapshot)


def _breakdown(report, title="MARAC referrals by referring agency"):
    return next(
        table for section in report.sections for table in section.breakdowns if table.title == title
    )


@pytest.mark.same_on_either_database
def test_a_breakdown_table_has_a_row_per_agency_and_totals_both_ways(by_agency):
    report = build_report(engine=by_agency, period=Q2, edition=RESTRICTED)
    table = _breakdown(report)
    assert table.categories == ["Police", "Housing", "Charity or voluntary sector"]
    assert table.rows == [
        ("Police", ["0", "0", "10", "3"], "13"),
        ("Housing", ["0", "0", "0", "2"], "2"),  # restricted: everything shown
        ("Charity or voluntary sector", ["0", "0", "12", "15"], "27"),
    ]
    assert table.column_totals == ["0", "0", "22", "20"] == _row(report, "marac-referrals").cells
    assert (table.grand_total, table.total_label, table.suppressed) == ("42", "All agencies", 0)


@pytest.mark.same_on_either_database
def test_the_public_breakdown_hides_small_counts_and_rounds_the_rest_and_its_totals(by_agency):
    report = build_report(engine=by_agency, period=Q2, edition=PUBLIC)
    table = _breakdown(report)
    c = SUPPRESSED
    assert table.rows == [
        # police's 3 is small; the 10 beside it and the total of 13, each rounded on its own
        # (to 8-12 and 13-17), leave it anywhere from 1 to 7 ...
        ("Police", ["0", "0", "10", c], "15"),
        # ... housing's 2 is small, and so is its total, which is nothing but the 2
        ("Housing", ["0", "0", "0", c], c),
        ("Charity or voluntary sector", ["0", "0", "10", "15"], "25"),
    ]
    # Each quarter's total is the MARAC referrals figure printed in the MARAC table.
    assert table.column_totals == ["0", "0", "20", "20"] == _row(report, "marac-referrals").cells
    assert table.grand_total == "40"
    assert table.suppressed == 3
    outcome = attack(report, Rules(threshold=8, rounding=5), population=by_agency.population)
    assert not outcome.claims


@pytest.mark.same_on_either_database
def test_a_breakdown_with_no_records_has_no_rows_and_nought_totals(no_records):
    report = build_report(engine=no_records, period=Q2, edition=PUBLIC)
    table = _breakdown(report, "Advocacy referrals by referring agency")
    assert (table.rows, table.column_totals, table.grand_total) == ([], ["0"] * 4, "0")


@pytest.mark.same_on_either_database
def test_the_breakdowns_print_with_the_symbol_and_a_footnote(by_agency):
    report = build_report(engine=by_agency, period=Q2, edition=PUBLIC)
    html = report_html(report)
    breakdowns = sum(len(section.breakdowns) for section in report.sections)
    assert html.count('<table class="figures breakdown">') == breakdowns
    assert '<th scope="row">Charity or voluntary sector</th>' in html
    assert '<th scope="row">All agencies</th>' in html
    assert f"{SUPPRESSED}: confidential. Counts from 1 to 7" in html
    restricted = report_html(build_report(engine=by_agency, period=Q2, edition=RESTRICTED))
    assert "every count is shown" in restricted and f">{SUPPRESSED}<" not in restricted


# From the records in the run's database to the file: in both runs, unlike the tests above.
# The public edition of ``_records`` for Q2 is also the one PDF this module prints (each print
# costs seconds of CPU): the command's.
def test_the_command_writes_either_format_and_refuses_other_periods(tmp_path):
    _records()
    out = StringIO()
    call_command("report", "--period", "Q2 22/23", "--out", str(tmp_path / "r.pdf"), stdout=out)
    pdf = (tmp_path / "r.pdf").read_bytes()
    assert pdf.startswith(b"%PDF")
    assert len(read_pdf(pdf).pages) >= 3
    call_command(
        "report",
        "--period",
        "Q2 22/23",
        "--out",
        str(tmp_path / "r.html"),
        "--edition",
        "restricted",
        stdout=out,
    )
    assert "Restricted edition" in (tmp_path / "r.html").read_text()
    with pytest.raises(CommandError):
        call_command("report", "--period", "22/23", "--out", str(tmp_path / "r.pdf"))
    with pytest.raises(CommandError):
        call_command("report", "--period", "Q2 22/23", "--out", str(tmp_path / "r.docx"))
