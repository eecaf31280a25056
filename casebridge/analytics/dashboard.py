"""The figures dashboard's tables: every indicator for the four quarters to the one chosen, each
for the periods it is reported for (its basis, as the board report shows it: a reoffending rate
for the twelve-month cohorts whose follow-up has ended), with an eight-period trend.

A section's indicators that share a basis share a table, whose columns are those periods, so
each figure is printed under the period it is for."""

from collections import defaultdict
from dataclasses import dataclass

from casebridge.analytics.disclosure import DEFAULT_THRESHOLD
from casebridge.analytics.engine import Figure
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
    *, snapshot: Snapshot, period: Period, public: bool, threshold: int = DEFAULT_THRESHOLD
) -> list[DashboardSection]:
    """Every indicator for the four quarters to ``period``, by section; ``public``: printed as
    the public edition prints them (small counts, and figures built on them, as [c])."""
    computed = figures_by_indicator(snapshot=snapshot, quarter=period)
    sections: dict[str, dict[Basis, list[DashboardRow]]] = defaultdict(dict)
    for indicator in registry().values():
        trend = computed[indicator.id]
        shown = trend[-TABLE_QUARTERS:]
        row = DashboardRow(
            indicator=indicator,
            figures=shown,
            cells=[shown_value(indicator, f, public=public, threshold=threshold) for f in shown],
            trend=[published_value(f, public=public, threshold=threshold) for f in trend],
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
