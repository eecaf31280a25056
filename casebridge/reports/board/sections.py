"""A section of the board report in two steps: every figure it prints is stated in the
publication (``draft_section``), and once the disclosure pass has settled them all the section
is built from what each prints (the returned function). A new kind of printed figure follows
the same two steps; nothing prints a number the pass has not seen."""

import re
from collections.abc import Callable
from datetime import date
from typing import Any

from casebridge.access.redaction import public_redactor
from casebridge.analytics.comparators import PublishedFigure, comparable
from casebridge.analytics.disclosure import NOT_YET_KNOWN, UNDEFINED
from casebridge.analytics.periods import Period, parse_period
from casebridge.analytics.presentation import format_value
from casebridge.analytics.registry import registry
from casebridge.plans.models import ActionPlan
from casebridge.plans.selectors import plan_standing
from casebridge.reports.board.breakdowns import breakdown
from casebridge.reports.board.figures import Figures
from casebridge.reports.board.model import (
    Chart,
    Comparison,
    PlanTable,
    ReportTable,
    Row,
    Section,
)

PLACEHOLDER = re.compile(r"\{([a-z0-9-]+)\}")
QUARTERS, ROLLING = "quarters", "rolling-12-months"
CHART_QUARTERS = 8  # a chart reaches back this far where the records do
Build = Callable[[], Any]


def _rolling(quarter: Period) -> Period:
    """The twelve months ending with this quarter."""
    return parse_period(f"12m to {quarter.end:%Y-%m}")


def columns_of(spec: dict[str, Any], quarters: list[Period]) -> tuple[list[Period], str]:
    """A table's columns: the report's four quarters, or the twelve months ending with each of
    them, moved back ``lag_quarters`` (a reoffending cohort is known only 18 months on)."""
    if spec.get("periods", QUARTERS) == QUARTERS:
        return quarters, ""
    lag = spec.get("lag_quarters", 0)
    ends = quarters[-1].previous_quarters(len(quarters) + lag)[: len(quarters)]
    return [_rolling(quarter) for quarter in ends], " ".join(spec.get("note", "").split())


def row_of(figures: Figures, indicator_id: str, keys: list[str]) -> Row:
    shown = [figures.publication.shown(key) for key in keys]
    return Row(registry()[indicator_id], [s.text for s in shown], [s.value for s in shown])


def latest_known(figures: Figures, indicator_id: str, columns: list[Period]) -> int:
    """The last column whose figure is known (a cohort past its follow-up), else the last."""
    known = [n for n, period in enumerate(columns) if figures.known(indicator_id, period)]
    return known[-1] if known else len(columns) - 1


def draft_section(
    definition: dict[str, Any],
    figures: Figures,
    quarters: list[Period],
    comparators: list[PublishedFigure],
) -> Callable[[], Section]:
    tables = [_draft_table(spec, figures, quarters) for spec in definition.get("tables", [])]
    breakdowns = [breakdown(figures, spec, quarters) for spec in definition.get("breakdowns", [])]
    charts = [_draft_chart(spec, figures, quarters) for spec in definition.get("charts", [])]
    comparisons = [
        _draft_comparison(spec, figures, quarters, comparators)
        for spec in definition.get("comparisons", [])
    ]
    narrative = _draft_narrative(definition, figures, quarters)
    plans = [_plan(spec, on=quarters[-1].end) for spec in definition.get("action_plans", [])]

    def build() -> Section:
        return Section(
            definition["title"],
            narrative(),
            [table() for table in tables],
            [table() for table in breakdowns],
            [chart() for chart in charts],
            [comparison() for comparison in comparisons],
            plans,
        )

    return build


def _draft_table(
    spec: dict[str, Any], figures: Figures, quarters: list[Period]
) -> Callable[[], ReportTable]:
    columns, note = columns_of(spec, quarters)
    keys = {indicator_id: figures.row(indicator_id, columns) for indicator_id in spec["indicators"]}
    for indicator_id in keys:
        figures.note_shown(indicator_id, columns)

    def build() -> ReportTable:
        rows = [row_of(figures, indicator_id, row) for indicator_id, row in keys.items()]
        cohort = spec.get("periods", QUARTERS) != QUARTERS and spec.get("lag_quarters", 0) > 0
        return ReportTable(spec["title"], columns, rows, note, cohort)

    return build


def _draft_chart(
    spec: dict[str, Any], figures: Figures, quarters: list[Period]
) -> Callable[[], Chart]:
    periods = quarters[-1].previous_quarters(max(CHART_QUARTERS, len(quarters)))
    keys = {indicator_id: figures.row(indicator_id, periods) for indicator_id in spec["indicators"]}
    for indicator_id in keys:
        figures.note_shown(indicator_id)

    def build() -> Chart:
        rows = [row_of(figures, indicator_id, row) for indicator_id, row in keys.items()]
        first = _first_with_data(rows, keep=len(quarters))
        trimmed = [Row(r.indicator, r.cells[first:], r.values[first:]) for r in rows]
        return Chart(spec["title"], spec["kind"], trimmed, periods[first:])

    return build


def _first_with_data(rows: list[Row], *, keep: int) -> int:
    """The first quarter the records reach: before it every series prints nought or nothing
    (the quarters before a service began, or before the records held start); never later than
    ``keep`` quarters from the end."""
    width = len(rows[0].cells) if rows else keep
    empty = ("0", UNDEFINED, NOT_YET_KNOWN)
    first = 0
    while first < width - keep and all(row.cells[first] in empty for row in rows):
        first += 1
    return first


def _draft_comparison(
    spec: dict[str, Any],
    figures: Figures,
    quarters: list[Period],
    comparators: list[PublishedFigure],
) -> Callable[[], Comparison]:
    """Our figure beside the family's for the same period (``comparable``): the latest of our
    known columns they published figures for, else our latest with a note of the periods."""
    columns, _ = columns_of(spec, quarters)
    indicator = registry()[spec["indicator"]]
    figures.compute(indicator.id, columns)
    known = columns[: latest_known(figures, indicator.id, columns) + 1]
    like = comparable(comparators, indicator=indicator.id, family=spec["family"], ours=known)
    figures.note_shown(indicator.id)
    key = figures.cell(indicator.id, like.period)
    printed = [(other, format_value(indicator, other.value)) for other in like.others]

    def build() -> Comparison:
        ours = figures.publication.shown(key).text
        return Comparison(spec["title"], indicator, like.period, ours, printed, like.note)

    return build


def _draft_narrative(
    definition: dict[str, Any], figures: Figures, quarters: list[Period]
) -> Callable[[], list[str]]:
    """A placeholder takes the same figure as the latest known column of the section's first
    table showing the indicator (a reoffending rate: the latest cohort whose follow-up is
    complete), else the latest known quarter: the same key, so the same printed text."""
    shown_in = {}
    for spec in reversed(definition.get("tables", [])):
        for indicator_id in spec["indicators"]:
            shown_in[indicator_id] = columns_of(spec, quarters)[0]
    keys: dict[str, str] = {}
    templates = [" ".join(text.split()) for text in definition["narrative"]]
    for name in {n for text in templates for n in PLACEHOLDER.findall(text)} - {"period"}:
        columns = shown_in.get(name, quarters)
        figures.compute(name, columns)
        figures.note_shown(name)
        keys[name] = figures.cell(name, columns[latest_known(figures, name, columns)])

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        return (
            quarters[-1].label if name == "period" else figures.publication.shown(keys[name]).text
        )

    return lambda: [PLACEHOLDER.sub(fill, text) for text in templates]


def _plan(spec: dict[str, Any], *, on: date) -> PlanTable:
    plan = ActionPlan.objects.filter(code=spec["plan"]).first()
    standings = plan_standing(plan=plan, on=on) if plan else []
    # A board report is read by people with no right to any restricted value, whichever edition.
    redact = public_redactor().redact
    for standing in standings:
        standing.commitment.commitment = redact(standing.commitment.commitment)
        standing.commitment.owner = redact(standing.commitment.owner)
    return PlanTable(spec["title"], spec["plan"], standings)
