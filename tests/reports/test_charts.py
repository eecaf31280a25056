"""The board report's charts: eight quarters where the records reach back that far, each
quarter as the edition prints it."""

import pytest

from casebridge.analytics.periods import parse_period
from casebridge.reports.board import PUBLIC, RESTRICTED, build_report
from tests.analytics.fixtures import at, engine_for, marac_referral

pytestmark = [pytest.mark.django_db, pytest.mark.same_on_either_database]
Q2 = parse_period("Q2 22/23")


def _chart(report, title="Referrals by quarter"):
    return next(chart for s in report.sections for chart in s.charts if chart.title == title)


def _referrals(chart):
    return next(row for row in chart.series if row.indicator.id == "marac-referrals")


def test_a_chart_reaches_back_eight_quarters_where_the_records_do(tmp_path):
    for quarter in Q2.previous_quarters(8):
        for day in range(1, 11):  # ten referrals a quarter
            marac_referral(at(quarter.start.year, quarter.start.month, day))
    report = build_report(engine=engine_for(tmp_path), period=Q2, edition=RESTRICTED)
    chart = _chart(report)
    assert [p.label for p in chart.periods] == [p.label for p in Q2.previous_quarters(8)]
    assert _referrals(chart).cells == ["10"] * 8
    assert all(len(row.values) == 8 for row in chart.series)


def test_quarters_before_the_records_begin_are_left_off_but_never_the_tables_four(tmp_path):
    for day in range(1, 13):
        marac_referral(at(2022, 2, day))  # Q4 21/22, the third quarter of the tables' four
    report = build_report(engine=engine_for(tmp_path), period=Q2, edition=PUBLIC)
    chart = _chart(report)
    assert [p.label for p in chart.periods] == [q.label for q in report.quarters]
    assert _referrals(chart).cells == ["0", "10", "0", "0"]
    assert _referrals(chart).values == [0.0, 10.0, 0.0, 0.0]


def test_a_chart_point_prints_as_its_table_cell(tmp_path):
    for day in range(1, 4):
        marac_referral(at(2022, 8, day))
    report = build_report(engine=engine_for(tmp_path), period=Q2, edition=PUBLIC)
    table = next(t for s in report.sections for t in s.tables if t.title == "MARAC")
    row = next(r for r in table.rows if r.indicator.id == "marac-referrals")
    point = _referrals(_chart(report))
    assert point.cells[-4:] == row.cells == ["0", "0", "0", "[c]"]
    assert point.values[-1] is None
