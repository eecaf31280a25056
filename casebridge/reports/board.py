"""The quarterly board report's content, computed from a snapshot: tables of four quarters side
by side, charts, a narrative whose numbers come from the indicators, and an appendix saying
where each figure comes from. The public edition applies disclosure control; the restricted
edition does not. Rendering (HTML, PDF) is separate (``render.py``)."""

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

from casebridge.analytics.disclosure import SUPPRESSED, protect_with_totals
from casebridge.analytics.engine import Engine
from casebridge.analytics.periods import Period
from casebridge.analytics.presentation import (
    breakdown_headings,
    category_label,
    ordered_categories,
    published_value,
    shown_value,
)
from casebridge.analytics.registry import Indicator, registry
from casebridge.core.errors import ApplicationError

DEFINITION = Path(__file__).parent / "definitions" / "board-domestic-abuse.yaml"
PLACEHOLDER = re.compile(r"\{([a-z0-9-]+)\}")
PUBLIC, RESTRICTED = "public", "restricted"


@dataclass(frozen=True)
class Row:
    indicator: Indicator
    cells: list[str]  # one per quarter, as printed
    values: list[float | None]  # one per quarter; None where suppressed or undefined
    records: int  # snapshot rows behind the figures, over the quarters


@dataclass(frozen=True)
class ReportTable:
    title: str
    rows: list[Row]


@dataclass(frozen=True)
class BreakdownTable:
    """One indicator by category: a row per category, a column per quarter, with each row's
    total over the four quarters and each quarter's total over the categories."""

    title: str
    indicator: Indicator
    heading: str  # what the rows are, e.g. "Referring agency"
    categories: list[str]  # one per row, as printed
    cells: list[list[str]]  # per category, one per quarter, as printed
    row_totals: list[str]  # per category: the four quarters
    column_totals: list[str]  # per quarter: every category
    grand_total: str
    total_label: str  # the row of quarterly totals, e.g. "All agencies"
    suppressed: int  # cells and totals shown as [c]

    @property
    def rows(self) -> list[tuple[str, list[str], str]]:
        """Each category with its cells and its total."""
        return list(zip(self.categories, self.cells, self.row_totals, strict=True))


@dataclass(frozen=True)
class Chart:
    title: str
    kind: str  # "line" or "bar"
    series: list[Row]


@dataclass(frozen=True)
class Source:
    indicator: Indicator
    records: int  # rows of the snapshot behind the figure, over the four quarters


@dataclass(frozen=True)
class BoardReport:
    title: str
    edition: str
    quarters: list[Period]
    snapshot_taken_at: datetime
    narrative: list[str]
    tables: list[ReportTable]
    breakdowns: list[BreakdownTable]
    charts: list[Chart]
    sources: list[Source]
    threshold: int

    @property
    def period(self) -> Period:
        return self.quarters[-1]


def _row(
    engine: Engine, indicator: Indicator, quarters: list[Period], *, public: bool, threshold: int
) -> Row:
    figures = engine.figures([indicator], quarters)
    values = [published_value(f, public=public, threshold=threshold) for f in figures]
    cells = [shown_value(indicator, f, public=public, threshold=threshold) for f in figures]
    records = sum(figure.records for figure in figures)
    return Row(indicator, cells, values, records)


def _breakdown(
    engine: Engine, spec: dict[str, Any], quarters: list[Period], *, public: bool, threshold: int
) -> BreakdownTable:
    indicator, by = registry()[spec["indicator"]], spec["by"]
    if indicator.unit != "count":
        raise ApplicationError(f"{indicator.id}: only a count is tabulated with totals.")
    counts = [
        {figure.category: int(figure.numerator) for figure in engine.breakdown(indicator, q, by)}
        for q in quarters
    ]
    categories = ordered_categories(by, {category for quarter in counts for category in quarter})
    grid = [[quarter.get(category, 0) for quarter in counts] for category in categories]
    # Each quarter's total is the indicator's own figure, which the report's tables print too
    # (hidden only when small): the protection must not rely on hiding it here.
    table = protect_with_totals(
        grid,
        threshold=threshold if public else 1,  # restricted: nothing is small
        column_totals_published=True,
    )

    def shown(value: int | None) -> str:
        return SUPPRESSED if value is None else f"{value:,}"

    hidden = [*table.row_totals, *table.column_totals, table.grand_total]
    heading, total_label = breakdown_headings(by)
    return BreakdownTable(
        title=spec["title"],
        indicator=indicator,
        heading=heading,
        categories=[category_label(by, category) for category in categories],
        cells=[[shown(value) for value in row] for row in table.cells],
        row_totals=[shown(value) for value in table.row_totals],
        # (with no categories there is no row to count the quarters from: each is nought)
        column_totals=[shown(value) for value in table.column_totals or [0] * len(quarters)],
        grand_total=shown(table.grand_total),
        total_label=total_label,
        suppressed=sum(v is None for row in table.cells for v in row) + hidden.count(None),
    )


def build_report(
    *, engine: Engine, period: Period, edition: str = PUBLIC, threshold: int = 5
) -> BoardReport:
    definition = yaml.safe_load(DEFINITION.read_text(encoding="utf-8"))
    known = registry()
    quarters = period.previous_quarters(4)
    public = edition == PUBLIC
    rows: dict[str, Row] = {}

    def row(indicator_id: str) -> Row:
        if indicator_id not in rows:
            indicator = known[indicator_id]
            rows[indicator_id] = _row(
                engine, indicator, quarters, public=public, threshold=threshold
            )
        return rows[indicator_id]

    tables = [
        ReportTable(table["title"], [row(i) for i in table["indicators"]])
        for table in definition["tables"]
    ]
    breakdowns = [
        _breakdown(engine, spec, quarters, public=public, threshold=threshold)
        for spec in definition.get("breakdowns", [])
    ]
    charts = [
        Chart(chart["title"], chart["kind"], [row(i) for i in chart["indicators"]])
        for chart in definition["charts"]
    ]

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        return quarters[-1].label if name == "period" else row(name).cells[-1]

    narrative = [PLACEHOLDER.sub(fill, " ".join(text.split())) for text in definition["narrative"]]
    sources = [Source(row.indicator, row.records) for row in rows.values()]
    return BoardReport(
        title=definition["title"],
        edition=edition,
        quarters=quarters,
        snapshot_taken_at=engine.snapshot.taken_at,
        narrative=narrative,
        tables=tables,
        breakdowns=breakdowns,
        charts=charts,
        sources=sources,
        threshold=threshold,
    )
