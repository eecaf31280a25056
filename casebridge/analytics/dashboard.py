"""The figures dashboard's tables: every indicator for the four quarters to the one chosen, each
for the periods it is reported for (its basis, as the board report shows it: a reoffending rate
for the twelve-month cohorts whose follow-up has ended), with an eight-period trend.

A section's indicators that share a basis share a table, whose columns are those periods, so
each figure is printed under the period it is for."""

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from casebridge.analytics.disclosure import DEFAULT_THRESHOLD, Printed
from casebridge.analytics.figures import Figure
from casebridge.analytics.periods import Basis, Period
from casebridge.analytics.presentation import published_value, shown_value
from casebridge.analytics.registry import Indicator, registry
from casebridge.analytics.selectors import TABLE_QUARTERS, figures_by_indicator
from casebridge.analytics.snapshot import Snapshot


@dataclass(frozen=True)
class DashboardRow:
    indicator: Indicator
    figures: list[Figure]  # one per column of its table, oldest first
    cells: list[str]  # those figures as printed
    trend: list[float | None]  # eight periods, None where not shown
    trend_labels: list[str]  # the eight periods' labels


@dataclass(frozen=True)
class DashboardTable:
    columns: list[Period]
    note: str  # what each column is, where it is not the quarter itself
    rows: list[DashboardRow]


@dataclass(frozen=True)
class DashboardSection:
    title: str
    tables: list[DashboardTable]


def dashboard(
    *,
    snapshot: Snapshot,
    period: Period,
    released: Mapping[tuple[str, str], Printed] | None = None,
) -> list[DashboardSection]:
    """Every indicator for the four quarters to ``period``, by section. ``released``: the
    public edition's figures for the quarter (reports.selectors.released_figures), printed as
    the public edition of the board report prints them, by the one disclosure pass over the
    whole release; without it every figure is printed exactly (the restricted view)."""
    computed = figures_by_indicator(snapshot=snapshot, quarter=period)
    sections: dict[str, dict[Basis, list[DashboardRow]]] = defaultdict(dict)
    for indicator in registry().values():
        trend = computed[indicator.id]
        shown = trend[-TABLE_QUARTERS:]
        printed = [_printed(indicator, figure, released) for figure in trend]
        row = DashboardRow(
            indicator=indicator,
            figures=shown,
            cells=[each.text for each in printed[-TABLE_QUARTERS:]],
            trend=[each.value for each in printed],
            trend_labels=[figure.period for figure in trend],
        )
        sections[indicator.section].setdefault(indicator.basis, []).append(row)
    return [
        DashboardSection(
            title,
            [
                DashboardTable(basis.columns(period, TABLE_QUARTERS), basis.describe(), rows)
                for basis, rows in tables.items()
            ],
        )
        for title, tables in sections.items()
    ]


def _printed(
    indicator: Indicator, figure: Figure, released: Mapping[tuple[str, str], Printed] | None
) -> Printed:
    if released is not None:
        return released[(indicator.id, figure.period)]
    return Printed(
        shown_value(indicator, figure, public=False),
        published_value(figure, public=False, threshold=DEFAULT_THRESHOLD),
    )
