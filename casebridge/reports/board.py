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

from casebridge.analytics.disclosure import SUPPRESSED, protect_count
from casebridge.analytics.engine import Engine, Figure
from casebridge.analytics.periods import Period
from casebridge.analytics.registry import Indicator, registry

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
    charts: list[Chart]
    sources: list[Source]
    threshold: int

    @property
    def period(self) -> Period:
        return self.quarters[-1]


def _format(indicator: Indicator, value: float | None) -> str:
    if value is None:
        return "-"
    if indicator.unit == "percent":
        return f"{value:.1f}%"
    if indicator.unit == "rate":
        return f"{value:,.1f}"
    return f"{round(value):,}"


def _published(
    figure: Figure, indicator: Indicator, *, edition: str, threshold: int
) -> float | None:
    """The figure's value, or None where the public edition must not show it: a small count,
    or a percentage or rate built on one."""
    if edition == PUBLIC and protect_count(int(figure.numerator), threshold=threshold) is None:
        return None
    return figure.value


def _row(engine: Engine, indicator: Indicator, quarters: list[Period], **publish: Any) -> Row:
    values, cells, records = [], [], 0
    for quarter in quarters:
        figure = engine.figure(indicator, quarter)
        records += figure.records
        value = _published(figure, indicator, **publish)
        suppressed = value is None and figure.value is not None
        values.append(value)
        cells.append(SUPPRESSED if suppressed else _format(indicator, value))
    return Row(indicator, cells, values, records)


def build_report(
    *, engine: Engine, period: Period, edition: str = PUBLIC, threshold: int = 5
) -> BoardReport:
    definition = yaml.safe_load(DEFINITION.read_text(encoding="utf-8"))
    known = registry()
    quarters = period.previous_quarters(4)
    publish = {"edition": edition, "threshold": threshold}
    rows: dict[str, Row] = {}

    def row(indicator_id: str) -> Row:
        if indicator_id not in rows:
            rows[indicator_id] = _row(engine, known[indicator_id], quarters, **publish)
        return rows[indicator_id]

    tables = [
        ReportTable(table["title"], [row(i) for i in table["indicators"]])
        for table in definition["tables"]
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
        charts=charts,
        sources=sources,
        threshold=threshold,
    )
