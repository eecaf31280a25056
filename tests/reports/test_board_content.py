"""What a board expects of the report, on the tiny demo borough (loaded once for the session):
stocks never added over quarters, each column headed by its period, comparators set beside our
figure for the same period, and the summary's figures the ones printed everywhere else."""

import pytest

from casebridge.analytics.comparators import comparable, comparators_file, read_comparators
from casebridge.analytics.registry import registry
from casebridge.reports.board import PUBLIC, RESTRICTED
from casebridge.reports.render import report_html

pytestmark = pytest.mark.django_db
Q4 = "Q4 22/23"


def _breakdown(report, title):
    return next(t for s in report.sections for t in s.breakdowns if t.title == title)


def test_a_stock_is_never_added_over_quarters(tiny_borough):
    report = tiny_borough.report(Q4, RESTRICTED)
    sources = {source.indicator.id: source for source in report.sources}
    assert registry()["iom-cohort"].stock
    assert [p.label for p in sources["iom-cohort"].periods] == [Q4]  # its latest quarter only
    assert sources["iom-cohort"].over == f"{Q4} (at its end: not added over quarters)"
    assert len(sources["marac-referrals"].periods) == 4  # a flow: its four quarters' records
    cohort = _breakdown(report, "IOM cohort by management")
    assert (cohort.row_totals, cohort.grand_total) == ([], "")
    html = report_html(report)
    table = html[html.index("IOM cohort by management") :].split("</table>")[0]
    assert "Four quarters" not in table and "not added up" in html


def test_each_column_is_headed_by_the_period_it_is_for(tiny_borough):
    html = report_html(tiny_borough.report(Q4, PUBLIC))
    assert 'Q4 22/23<br><span class="period-span">Jan to Mar 2023</span>' in html
    assert 'Cohort: 12 months<br><span class="period-span">to Jun 2021</span>' in html
    assert '12 months<br><span class="period-span">to Mar 2023</span>' in html  # FTEs


def test_a_comparator_is_set_beside_our_figure_for_the_same_period(tiny_borough):
    report = tiny_borough.report(Q4, PUBLIC)
    published = read_comparators(comparators_file(), known_indicators=set(registry()))
    comparisons = [c for section in report.sections for c in section.comparisons]
    assert comparisons
    for comparison in comparisons:
        others = [other for other, _ in comparison.others]
        family = others[0].family
        ours = [comparison.period]
        like = comparable(published, indicator=comparison.indicator.id, family=family, ours=ours)
        assert (like.period, like.others, like.note) == (comparison.period, others, comparison.note)
    reoffending = next(c for c in comparisons if c.indicator.id == "yj-reoffending-binary-rate")
    assert reoffending.period.label == "12m to 2021-03"  # the cohort the family published
    assert all(other.covers(reoffending.period) for other, _ in reoffending.others)
    assert "Apr 2021 to Mar 2021" not in report_html(report)


@pytest.mark.parametrize("edition", [PUBLIC, RESTRICTED])
def test_the_summary_prints_each_figure_as_everything_else_published_does(tiny_borough, edition):
    report = tiny_borough.report(Q4, edition)
    assert report.summary.rows
    for row in report.summary.rows:
        assert row.this == report.released[(row.indicator.id, row.period.label)].text
        assert row.last == report.released[(row.indicator.id, row.last_period.label)].text
    html = report_html(report)
    assert html.index('id="summary"') < html.index('id="section-1"')  # first, after contents
