"""The quarterly board report's content, computed from a snapshot: tables of four quarters side
by side, charts, a narrative whose numbers come from the indicators, and an appendix saying
where each figure comes from. The public edition applies disclosure control; the restricted
edition does not. Rendering (HTML, PDF) is separate (``render.py``)."""

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

from casebridge.access.redaction import public_redactor
from casebridge.analytics.comparators import PublishedFigure, comparators_file, read_comparators
from casebridge.analytics.disclosure import SUPPRESSED, protect_with_totals
from casebridge.analytics.engine import Engine
from casebridge.analytics.periods import Period, parse_period
from casebridge.analytics.presentation import (
    NOT_YET_KNOWN,
    breakdown_headings,
    category_label,
    format_value,
    ordered_categories,
    published_value,
    shown_value,
)
from casebridge.analytics.registry import Indicator, registry
from casebridge.core.errors import ApplicationError
from casebridge.plans.models import ActionPlan
from casebridge.plans.selectors import CommitmentStanding, plan_standing

DEFINITIONS = Path(__file__).parent / "definitions"
PLACEHOLDER = re.compile(r"\{([a-z0-9-]+)\}")
PUBLIC, RESTRICTED = "public", "restricted"
QUARTERS, ROLLING = "quarters", "rolling-12-months"


@dataclass(frozen=True)
class Row:
    indicator: Indicator
    cells: list[str]  # one per column, as printed
    values: list[float | None]  # one per column; None where suppressed or undefined
    records: int  # snapshot rows behind the figures, over the columns


@dataclass(frozen=True)
class ReportTable:
    title: str
    columns: list[Period]  # the report's four quarters, or twelve-month periods
    rows: list[Row]
    note: str = ""  # what the columns are, where they are not the four quarters


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
    records: int  # rows of the snapshot behind the figure, over the columns it is shown in


@dataclass(frozen=True)
class Comparison:
    """Our figure for a period beside other areas' published figures for theirs."""

    title: str
    indicator: Indicator
    period: Period
    ours: str  # as printed (suppressed or "not yet known" like any other cell)
    others: list[tuple[PublishedFigure, str]]  # each with its value as printed, lowest first


@dataclass(frozen=True)
class PlanTable:
    """An action plan's commitments as they stood at the end of the report's quarter."""

    title: str
    code: str
    standings: list[CommitmentStanding]  # empty: no such plan recorded, or nothing in it yet

    @property
    def summary(self) -> str:
        if not self.standings:
            return (
                f'No commitments of the action plan "{self.code}" were recorded by the end of '
                "the quarter."
            )
        counts = Counter(standing.status_label.lower() for standing in self.standings)
        overdue = sum(standing.overdue for standing in self.standings)
        parts = ", ".join(f"{count} {label}" for label, count in counts.items())
        return f"{len(self.standings)} commitments: {parts}; {overdue} overdue."


@dataclass(frozen=True)
class Section:
    title: str
    narrative: list[str]
    tables: list[ReportTable]
    breakdowns: list[BreakdownTable]
    charts: list[Chart]
    comparisons: list[Comparison]
    plans: list[PlanTable]


@dataclass(frozen=True)
class BoardReport:
    title: str
    area: str  # whose figures these are, as the comparisons name us
    edition: str
    quarters: list[Period]
    snapshot_taken_at: datetime
    sections: list[Section]
    sources: list[Source]
    threshold: int

    @property
    def period(self) -> Period:
        return self.quarters[-1]


def _row(
    engine: Engine, indicator: Indicator, columns: list[Period], *, public: bool, threshold: int
) -> Row:
    figures = engine.figures([indicator], columns)
    values = [published_value(f, public=public, threshold=threshold) for f in figures]
    cells = [shown_value(indicator, f, public=public, threshold=threshold) for f in figures]
    records = sum(figure.records for figure in figures)
    return Row(indicator, cells, values, records)


def _rolling(quarter: Period) -> Period:
    """The twelve months ending with this quarter."""
    return parse_period(f"12m to {quarter.end:%Y-%m}")


def _columns(spec: dict[str, Any], quarters: list[Period]) -> tuple[list[Period], str]:
    """A table's columns: the report's four quarters, or the twelve months ending with each of
    them, moved back ``lag_quarters`` (a reoffending cohort is known only 18 months on)."""
    if spec.get("periods", QUARTERS) == QUARTERS:
        return quarters, ""
    lag = spec.get("lag_quarters", 0)
    ends = quarters[-1].previous_quarters(len(quarters) + lag)[: len(quarters)]
    return [_rolling(quarter) for quarter in ends], " ".join(spec.get("note", "").split())


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


class _Figures:
    """The rows computed so far, each once, for tables, charts and narratives alike."""

    def __init__(self, engine: Engine, *, public: bool, threshold: int) -> None:
        self.engine, self.public, self.threshold = engine, public, threshold
        self.rows: dict[tuple[str, tuple[str, ...]], Row] = {}

    def row(self, indicator_id: str, columns: list[Period]) -> Row:
        key = (indicator_id, tuple(period.label for period in columns))
        if key not in self.rows:
            self.rows[key] = _row(
                self.engine,
                registry()[indicator_id],
                columns,
                public=self.public,
                threshold=self.threshold,
            )
        return self.rows[key]


def _section(
    definition: dict[str, Any],
    figures: _Figures,
    quarters: list[Period],
    comparators: list[PublishedFigure],
) -> Section:
    tables = []
    for spec in definition.get("tables", []):
        columns, note = _columns(spec, quarters)
        rows = [figures.row(i, columns) for i in spec["indicators"]]
        tables.append(ReportTable(spec["title"], columns, rows, note))
    breakdowns = [
        _breakdown(
            figures.engine, spec, quarters, public=figures.public, threshold=figures.threshold
        )
        for spec in definition.get("breakdowns", [])
    ]
    charts = [
        Chart(
            chart["title"], chart["kind"], [figures.row(i, quarters) for i in chart["indicators"]]
        )
        for chart in definition.get("charts", [])
    ]
    comparisons = [
        _comparison(spec, figures, quarters, comparators)
        for spec in definition.get("comparisons", [])
    ]

    def fill(match: re.Match[str]) -> str:
        """A placeholder takes the latest known column of the section's first table showing
        the indicator (a reoffending rate: the latest cohort whose follow-up is complete), else
        the latest quarter."""
        name = match.group(1)
        if name == "period":
            return quarters[-1].label
        shown = next((r for t in tables for r in t.rows if r.indicator.id == name), None)
        cells = (shown or figures.row(name, quarters)).cells
        return cells[_latest_known(cells)]

    narrative = [PLACEHOLDER.sub(fill, " ".join(text.split())) for text in definition["narrative"]]
    plans = [_plan(spec, on=quarters[-1].end) for spec in definition.get("action_plans", [])]
    return Section(definition["title"], narrative, tables, breakdowns, charts, comparisons, plans)


def _plan(spec: dict[str, Any], *, on: date) -> PlanTable:
    plan = ActionPlan.objects.filter(code=spec["plan"]).first()
    standings = plan_standing(plan=plan, on=on) if plan else []
    # A board report is read by people with no right to any restricted value, whichever edition.
    redact = public_redactor().redact
    for standing in standings:
        standing.commitment.commitment = redact(standing.commitment.commitment)
        standing.commitment.owner = redact(standing.commitment.owner)
    return PlanTable(spec["title"], spec["plan"], standings)


def _comparison(
    spec: dict[str, Any],
    figures: _Figures,
    quarters: list[Period],
    comparators: list[PublishedFigure],
) -> Comparison:
    columns, _ = _columns(spec, quarters)
    indicator = registry()[spec["indicator"]]
    others = sorted(
        (c for c in comparators if c.indicator == indicator.id and c.family == spec["family"]),
        key=lambda c: (c.value, c.area),
    )
    cells = figures.row(indicator.id, columns).cells
    latest = _latest_known(cells)
    printed = [(other, format_value(indicator, other.value)) for other in others]
    return Comparison(spec["title"], indicator, columns[latest], cells[latest], printed)


def _latest_known(cells: list[str]) -> int:
    """The last column whose figure is known (a cohort past its follow-up), else the last."""
    known = [index for index, cell in enumerate(cells) if cell != NOT_YET_KNOWN]
    return known[-1] if known else len(cells) - 1


def build_report(
    *, engine: Engine, period: Period, edition: str = PUBLIC, threshold: int = 5
) -> BoardReport:
    report = _definition("board.yaml")
    quarters = period.previous_quarters(4)
    figures = _Figures(engine, public=edition == PUBLIC, threshold=threshold)
    comparators = read_comparators(comparators_file(), known_indicators=set(registry()))
    sections = [
        _section(_definition(f"{name}.yaml"), figures, quarters, comparators)
        for name in report["sections"]
    ]
    sources: dict[str, Source] = {}
    for row in figures.rows.values():  # where an indicator is shown twice, its first showing
        sources.setdefault(row.indicator.id, Source(row.indicator, row.records))
    return BoardReport(
        title=report["title"],
        area=report["area"],
        edition=edition,
        quarters=quarters,
        snapshot_taken_at=engine.snapshot.taken_at,
        sections=sections,
        sources=list(sources.values()),
        threshold=threshold,
    )


def _definition(name: str) -> dict[str, Any]:
    return yaml.safe_load((DEFINITIONS / name).read_text(encoding="utf-8"))
