"""The quarterly board report, computed from hand-built records."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from casebridge.analytics.disclosure import SUPPRESSED
from casebridge.analytics.periods import parse_period
from casebridge.reports.board import PUBLIC, RESTRICTED, build_report
from casebridge.reports.render import report_html, report_pdf
from tests.analytics.fixtures import at, engine_for, marac_referral

pytestmark = pytest.mark.django_db
Q2 = parse_period("Q2 22/23")


def _records():
    for day in range(1, 8):  # seven referrals in Q2, two of them repeats
        marac_referral(at(2022, 8, day), repeat=day <= 2, children=1 if day <= 3 else 0)


def _row(report, indicator_id):
    return next(
        row for table in report.tables for row in table.rows if row.indicator.id == indicator_id
    )


def test_four_quarters_side_by_side_with_the_latest_last(tmp_path):
    _records()
    report = build_report(engine=engine_for(tmp_path), period=Q2, edition=RESTRICTED)
    assert [q.label for q in report.quarters] == ["Q3 21/22", "Q4 21/22", "Q1 22/23", "Q2 22/23"]
    assert _row(report, "marac-referrals").cells == ["0", "0", "0", "7"]
    assert _row(report, "marac-repeat-rate").cells[-1] == "28.6%"


def test_the_public_edition_hides_small_counts_and_figures_built_on_them(tmp_path):
    _records()
    report = build_report(engine=engine_for(tmp_path), period=Q2, edition=PUBLIC)
    assert _row(report, "marac-referrals").cells[-1] == "7"
    assert _row(report, "marac-repeat-rate").cells[-1] == SUPPRESSED  # 2 repeats
    assert _row(report, "marac-children-in-households").cells[-1] == SUPPRESSED  # 3 children
    assert "and [c] of them were repeat referrals" in report.narrative[0]


def test_the_narrative_takes_its_numbers_from_the_indicators(tmp_path):
    _records()
    report = build_report(engine=engine_for(tmp_path), period=Q2, edition=RESTRICTED)
    assert report.narrative[0].startswith(
        "In Q2 22/23 there were 7 referrals to the domestic abuse MARAC, and 28.6% of them"
    )
    assert not re.search(r"\{[a-z-]+\}", " ".join(report.narrative))


def test_the_appendix_gives_each_definition_and_the_records_behind_it(tmp_path):
    _records()
    report = build_report(engine=engine_for(tmp_path), period=Q2, edition=RESTRICTED)
    sources = {source.indicator.id: source for source in report.sources}
    assert sources["marac-referrals"].records == 7
    assert sources["marac-repeat-rate"].records == 2
    assert "by referral date" in sources["marac-referrals"].indicator.definition


def test_the_html_has_the_tables_charts_and_appendix(tmp_path):
    _records()
    html = report_html(build_report(engine=engine_for(tmp_path), period=Q2))
    assert html.count("<table>") == 4
    assert html.count("<svg") == 2 and "<polyline" in html and "<rect" in html
    assert "Appendix: where each figure comes from" in html
    assert "Public edition" in html


def test_the_pdf_renders_with_several_pages(tmp_path):
    _records()
    pdf = report_pdf(build_report(engine=engine_for(tmp_path), period=Q2))
    assert pdf.startswith(b"%PDF")
    assert len(re.findall(rb"/Type /Page\b", pdf)) >= 3


def test_the_command_writes_either_format_and_refuses_other_periods(tmp_path):
    _records()
    out = StringIO()
    call_command("report", "--period", "Q2 22/23", "--out", str(tmp_path / "r.pdf"), stdout=out)
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")
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
