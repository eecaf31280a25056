"""The board report as a document: its parts, what a chart with values not shown says, and an
HTML edition that is safe to publish (nothing fetched, nothing run)."""

import dataclasses
from html import unescape

import pytest
from weasyprint.urls import FatalURLFetchingError

from casebridge.analytics.disclosure import SUPPRESSED
from casebridge.analytics.periods import parse_period
from casebridge.analytics.registry import registry
from casebridge.reports import render
from casebridge.reports.board import PUBLIC, RESTRICTED, Chart, Row, build_report
from casebridge.reports.render import report_html, report_parts, report_pdf
from tests.analytics.fixtures import at, engine_for, marac_referral
from tests.reports.pdf import read_pdf

pytestmark = [pytest.mark.django_db, pytest.mark.same_on_either_database]
Q2 = parse_period("Q2 22/23")


def _with_chart(report, chart):
    """The report with ``chart`` its only chart, in the first section."""
    first, *others = report.sections
    sections = [
        dataclasses.replace(first, charts=[chart]),
        *(dataclasses.replace(section, charts=[]) for section in others),
    ]
    return dataclasses.replace(report, sections=sections)


def _hidden_row(indicator_id, shown):
    return Row(registry()[indicator_id], shown, [None] * len(shown))


def test_the_parts_are_the_summary_the_sections_then_the_appendix_each_in_the_contents(
    no_records,
):
    report = build_report(engine=no_records, period=Q2, edition=RESTRICTED)
    parts = report_parts(report)
    assert [part.title for part in parts] == [
        "Summary",
        *(section.title for section in report.sections),
        "Appendix: where each figure comes from",
    ]
    html = report_html(report)
    contents = html[html.index('<nav class="contents"') : html.index("</nav>")]
    assert [line for line in contents.splitlines() if "<li>" in line] == [
        f'<li><a href="#{part.anchor}">{part.title}</a></li>' for part in parts
    ]
    assert html.count('<p class="marking marking-top">OFFICIAL-SENSITIVE</p>') == 1


def test_a_chart_with_every_value_hidden_says_so_instead_of_drawing_a_frame(no_records):
    report = build_report(engine=no_records, period=Q2, edition=PUBLIC)
    chart = Chart(
        "Referrals by quarter",
        "line",
        [
            _hidden_row("marac-referrals", [SUPPRESSED] * 4),
            _hidden_row("advocacy-referrals", [SUPPRESSED, SUPPRESSED, "Not yet known", "-"]),
        ],
        Q2.previous_quarters(4),
    )
    report = _with_chart(report, chart)
    html = unescape(report_html(report))
    assert "<svg" not in html
    assert "Nothing to chart: no value of this chart is shown for these quarters." in html
    assert "MARAC referrals: Q3 21/22 to Q2 22/23 hidden ([c]: fewer than 8, or would" in html
    assert (
        "Advocacy service referrals received: Q3 21/22 and Q4 21/22 hidden ([c]: fewer than 8, "
        "or would give such a count away); Q1 22/23 not yet known (its follow-up is not "
        "complete in the records); Q2 22/23 not charted (no figure: nothing to divide by)."
    ) in html
    assert "<caption>The figures in the chart</caption>" in html
    pdf = read_pdf(report_pdf(report))  # and it prints, with no figure to describe
    assert pdf.figures == [] and "Nothing to chart" in " ".join(pdf.pages)


def test_a_chart_partly_hidden_draws_what_is_known_and_says_what_is_not(no_records):
    report = build_report(engine=no_records, period=Q2, edition=PUBLIC)
    known = Row(registry()["marac-referrals"], ["12", SUPPRESSED, "9", "14"], [12, None, 9, 14])
    report = _with_chart(
        report, Chart("Referrals by quarter", "bar", [known], Q2.previous_quarters(4))
    )
    html = unescape(report_html(report))
    assert html.count("<svg") == 1 and html.count("<rect") == 3
    assert "MARAC referrals: Q4 21/22 hidden ([c]" in html
    (figure,) = read_pdf(report_pdf(report)).figures
    assert figure[1].startswith("Referrals by quarter. Bar chart of MARAC referrals, Q3 21/22")


def test_a_chart_of_eight_quarters_is_labelled_with_the_eight(no_records):
    report = build_report(engine=no_records, period=Q2, edition=RESTRICTED)
    values = [3.0, 5.0, None, 8.0, 13.0, 21.0, 34.0, 55.0]
    shown = [SUPPRESSED if v is None else f"{v:.0f}" for v in values]
    row = Row(registry()["marac-referrals"], shown, values)
    report = _with_chart(
        report, Chart("Referrals by quarter", "line", [row], Q2.previous_quarters(8))
    )
    (view,) = report_parts(report)[1].context["charts"]  # the first section's, after the summary
    assert view.periods == [quarter.label for quarter in Q2.previous_quarters(8)]
    assert [label.text for label in view.drawing.x_labels] == view.periods


def test_the_html_edition_fetches_nothing_and_runs_nothing(tmp_path):
    _ = [marac_referral(at(2022, 8, day)) for day in range(1, 8)]
    html = report_html(build_report(engine=engine_for(tmp_path), period=Q2))
    assert "default-src 'none'; style-src 'unsafe-inline'" in html
    for reference in ("<script", " src=", "<link", "@import", "url(", "<img", "<iframe"):
        assert reference not in html, reference
    # The only links are the contents', within the document.
    assert all(href.startswith("#") for href in html.split('href="')[1:])


def test_the_pdf_is_never_printed_with_anything_fetched(no_records, monkeypatch):
    report = build_report(engine=no_records, period=Q2, edition=RESTRICTED)
    monkeypatch.setattr(
        render,
        "report_html",
        lambda _: '<html lang="en-GB"><img src="https://example.org/pixel.png" alt=""></html>',
    )
    with pytest.raises(FatalURLFetchingError):
        report_pdf(report)
