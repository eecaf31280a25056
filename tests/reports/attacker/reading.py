"""What a reader of the public board report knows: the printed numbers, read as linear facts
about the true counts behind them.

The attacker has only what anyone holding the public edition has: its printed strings (every
table cell, chart point, breakdown cell and total, narrative sentence, comparison and appendix
count), the structure the partnership publishes with it (the report and indicator definitions
are open source: which counts add to which totals, which rate divides which counts, how a
twelve-month column is made of quarters), the ONS population estimates a rate per head divides
by, and the disclosure method the edition states (``Rules``). Nothing here reads a true value.

Every true count is a variable named by what it counts: (measure, period, breakdown column,
category as printed). A printed figure is a linear expression of them with the interval its
printed text allows.
"""

import json
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from casebridge.analytics.engine import PopulationBand
from casebridge.analytics.periods import Period, parse_period, quarter_containing
from casebridge.analytics.registry import Indicator, registry
from casebridge.reports.board import DEFINITIONS

Var = tuple[str, str, str, str]  # measure (JSON), period label, breakdown column, category
Expr = tuple[tuple[Var, int], ...]  # sorted terms: coefficient of each variable
SUPPRESSED, NOT_YET_KNOWN, UNDEFINED = "[c]", "Not yet known", "-"
PLACEHOLDER = re.compile(r"\{([a-z0-9-]+)\}")
PRINTED = r"\[c\]|Not yet known|-|[0-9][0-9,]*(?:\.[0-9])?%?"  # how a figure prints


@dataclass(frozen=True)
class Rules:
    """The disclosure method as the edition states it."""

    threshold: int  # counts from 1 to threshold - 1 are never printed
    rounding: int = 1  # printed counts are rounded to a multiple of this (1: exact)

    def interval(self, printed: int) -> tuple[int, int]:
        """The true counts that print as ``printed`` (rounded half up; a small one never
        prints, so a printed nought is nought)."""
        if printed == 0 or self.rounding == 1:
            return printed, printed
        low = printed - self.rounding // 2
        return max(low, self.threshold), printed + (self.rounding - 1) // 2


@dataclass(frozen=True)
class Fact:
    """lo <= expr <= hi."""

    expr: Expr
    lo: float
    hi: float
    where: str


@dataclass(frozen=True)
class RatioFact:
    """lo <= scale * numerator / denominator <= hi; the denominator an expression, or a
    published constant (a population)."""

    numerator: Expr
    denominator: Expr | float
    scale: float
    lo: float
    hi: float
    where: str
    counts: bool = True  # the numerator counts people or records (not a sum of days)


@dataclass(frozen=True)
class Target:
    """A suppressed value: a [c] count, or the numerator of a [c] percentage or rate."""

    expr: Expr
    where: str
    denominator: Expr | float | None = None  # a rate's: recovered only with it


@dataclass
class Grid:
    """A breakdown table as printed: cells (category by quarter) and totals, each an
    expression with its printed text."""

    title: str
    cells: list[list[tuple[Expr, str]]]
    row_totals: list[tuple[Expr, str]]
    column_totals: list[tuple[Expr, str]]
    grand_total: tuple[Expr, str]


@dataclass
class Reading:
    facts: list[Fact] = field(default_factory=list)
    ratios: list[RatioFact] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    grids: list[Grid] = field(default_factory=list)
    zero_or_all: list[RatioFact] = field(default_factory=list)  # printed 0.0% or 100.0%


def expr(terms: dict[Var, int]) -> Expr:
    return tuple(sorted((var, coef) for var, coef in terms.items() if coef))


def added(*exprs: Expr) -> Expr:
    total: dict[Var, int] = {}
    for one in exprs:
        for var, coef in one:
            total[var] = total.get(var, 0) + coef
    return expr(total)


def _number(text: str) -> float:
    return float(text.replace(",", "").rstrip("%"))


def _key(measure: dict[str, Any]) -> str:
    return json.dumps(measure, sort_keys=True)


def _additive_over_periods(measure: dict[str, Any]) -> bool:
    """A count of rows dated in the period: a year's is its quarters' added."""
    counts_rows = not {"distinct", "people", "reoffending", "around", "population"} & set(measure)
    return counts_rows and "date" in measure


def _records_measure(measure: dict[str, Any]) -> dict[str, Any] | None:
    """What the appendix's records count for a figure's numerator: the rows it counts (for a
    reoffending rate, the cohort)."""
    if "population" in measure:
        return None
    if measure.get("reoffending", {}).get("count") == "reoffenders":
        return {**measure, "reoffending": {**measure["reoffending"], "count": "offenders"}}
    return {key: value for key, value in measure.items() if key not in ("distinct", "sum")}


def _quarters_of(period: Period) -> list[Period]:
    return quarter_containing(period.end).previous_quarters(4)


class Reader:
    """Reads one public report into facts."""

    def __init__(self, report: Any, rules: Rules, population: list[PopulationBand]) -> None:
        self.report, self.rules, self.population = report, rules, population
        self.reading = Reading()
        self.indicators = registry()
        self.definitions = {
            name: yaml.safe_load((DEFINITIONS / f"{name}.yaml").read_text(encoding="utf-8"))
            for name in yaml.safe_load((DEFINITIONS / "board.yaml").read_text())["sections"]
        }

    # --- expressions -------------------------------------------------------------------------

    def measure(
        self, measure: dict[str, Any], period: Period, by: str = "", category: str = ""
    ) -> Expr:
        if period.label.startswith("12m") and not by and _additive_over_periods(measure):
            return added(*(self.measure(measure, q) for q in _quarters_of(period)))
        return ((((_key(measure)), period.label, by, category), 1),)

    def population_of(self, wanted: dict[str, Any], period: Period) -> float:
        low, high = wanted.get("min_age", 0), wanted.get("max_age", 200)
        return float(
            sum(
                band.people
                for band in self.population
                if band.year == period.start.year
                and wanted.get("sex", band.sex) == band.sex
                and band.age_from >= low
                and band.age_to <= high
            )
        )

    def denominator(self, indicator: Indicator, period: Period) -> Expr | float:
        measure = indicator.denominator or {}
        if "population" in measure:
            return self.population_of(measure["population"], period)
        return self.measure(measure, period)

    def records(self, indicator: Indicator, period: Period) -> Expr:
        measure = _records_measure(indicator.numerator)
        return self.measure(measure, period) if measure is not None else ()

    # --- facts -------------------------------------------------------------------------------

    def count_text(self, expression: Expr, text: str, where: str) -> None:
        if text == SUPPRESSED:
            self.reading.targets.append(Target(expression, where))
        elif text not in (NOT_YET_KNOWN, UNDEFINED, "") and expression:
            lo, hi = self.rules.interval(int(_number(text)))
            self.reading.facts.append(Fact(expression, lo, hi, where))

    def cell(self, indicator: Indicator, period: Period, text: str, where: str) -> None:
        numerator = self.measure(indicator.numerator, period)
        if indicator.unit == "count":
            self.count_text(numerator, text, where)
            return
        denominator = self.denominator(indicator, period)
        if text == SUPPRESSED:
            if "sum" not in indicator.numerator:
                self.reading.targets.append(Target(numerator, where, denominator))
            return
        if text == UNDEFINED and not isinstance(denominator, float):
            self.reading.facts.append(Fact(denominator, 0, 0, where))
        if text in (NOT_YET_KNOWN, UNDEFINED):
            return
        scale = 100.0 if indicator.unit == "percent" else float(indicator.per or 1)
        value = _number(text)
        counts = "sum" not in indicator.numerator
        fact = RatioFact(numerator, denominator, scale, value - 0.05, value + 0.05, where, counts)
        self.reading.ratios.append(fact)
        if indicator.unit == "percent" and value in (0.0, 100.0):
            self.reading.zero_or_all.append(fact)

    # --- the report --------------------------------------------------------------------------

    def read(self) -> Reading:
        for section, definition in zip(
            self.report.sections, self.definitions.values(), strict=True
        ):
            self.read_tables(section)
            self.read_charts(section)
            self.read_narrative(section, definition)
            self.read_comparisons(section)
            for table in section.breakdowns:
                self.read_breakdown(table, definition)
        self.read_summary()
        self.read_sources()
        self.read_released()
        return self.reading

    def read_released(self) -> None:
        """The dashboard and its CSV export for the quarter: every indicator over the eight
        periods of its trend, published with the report."""
        for (indicator_id, label), printed in self.report.released.items():
            where = f"dashboard {indicator_id} / {label}"
            self.cell(self.indicators[indicator_id], parse_period(label), printed.text, where)

    def read_summary(self) -> None:
        """The summary's figures and a year before, and the change between them: the change
        is this less last, so it adds that relation between the two (within the rounding of
        each, where the counts are rounded)."""
        if self.report.summary is None:
            return
        for row in self.report.summary.rows:
            indicator = row.indicator
            for period, text in ((row.period, row.this), (row.last_period, row.last)):
                self.cell(indicator, period, text, f"summary {indicator.id} / {period.label}")
            printed = row.change not in (SUPPRESSED, NOT_YET_KNOWN, UNDEFINED)
            if indicator.unit == "count" and printed:
                change = int(row.change.replace(",", ""))
                slack = 2 * (self.rules.rounding // 2)  # each side rounded
                difference = added(
                    self.measure(indicator.numerator, row.period),
                    _negated(self.measure(indicator.numerator, row.last_period)),
                )
                where = f"summary change {indicator.id}"
                self.reading.facts.append(Fact(difference, change - slack, change + slack, where))

    def read_tables(self, section: Any) -> None:
        for table in section.tables:
            for row in table.rows:
                for period, text in zip(table.columns, row.cells, strict=True):
                    where = f"{table.title} / {row.indicator.id} / {period.label}"
                    self.cell(row.indicator, period, text, where)

    def read_charts(self, section: Any) -> None:
        for chart in section.charts:
            periods = getattr(chart, "periods", None) or self.report.quarters
            for row in chart.series:
                for period, text in zip(periods, row.cells, strict=True):
                    where = f"chart {chart.title} / {row.indicator.id} / {period.label}"
                    self.cell(row.indicator, period, text, where)

    def placeholder_column(self, section: Any, indicator_id: str) -> Period:
        """The column a placeholder takes, by the report's stated rule: the latest known
        column of the section's first table showing the indicator, else the latest quarter."""
        for table in section.tables:
            for row in table.rows:
                if row.indicator.id == indicator_id:
                    known = [
                        period
                        for period, text in zip(table.columns, row.cells, strict=True)
                        if text != NOT_YET_KNOWN
                    ]
                    return known[-1] if known else table.columns[-1]
        return self.report.quarters[-1]

    def read_narrative(self, section: Any, definition: dict[str, Any]) -> None:
        for template, printed in zip(definition["narrative"], section.narrative, strict=True):
            template = " ".join(template.split())
            template = template.replace("{period}", self.report.period.label)
            names = PLACEHOLDER.findall(template)
            parts = PLACEHOLDER.split(template)[::2]
            pattern = f"({PRINTED})".join(re.escape(part) for part in parts)
            match = re.fullmatch(pattern, printed)
            assert match, f"the narrative does not read as its template: {printed!r}"
            for name, text in zip(names, match.groups(), strict=True):
                period = self.placeholder_column(section, name)
                where = f"narrative {name} / {period.label}"
                self.cell(self.indicators[name], period, text, where)

    def read_comparisons(self, section: Any) -> None:
        for comparison in section.comparisons:
            where = f"comparison {comparison.indicator.id} / {comparison.period.label}"
            self.cell(comparison.indicator, comparison.period, comparison.ours, where)

    def read_breakdown(self, table: Any, definition: dict[str, Any]) -> None:
        (spec,) = [s for s in definition.get("breakdowns", []) if s["title"] == table.title]
        measure, by, quarters = table.indicator.numerator, spec["by"], self.report.quarters
        cells = [
            [self.measure(measure, q, by, category) for q in quarters]
            for category in table.categories
        ]
        row_totals = [added(*row) for row in cells]
        column_totals = [added(*(row[n] for row in cells)) for n in range(len(quarters))]
        grid = Grid(
            table.title,
            [
                list(zip(row, texts, strict=True))
                for row, texts in zip(cells, table.cells, strict=True)
            ],
            list(zip(row_totals, table.row_totals, strict=False)),  # none for a stock
            list(zip(column_totals, table.column_totals, strict=True)),
            (added(*column_totals), table.grand_total),
        )
        self.reading.grids.append(grid)
        for category, row in zip(table.categories, grid.cells, strict=True):
            for period, (expression, text) in zip(quarters, row, strict=True):
                self.count_text(expression, text, f"{table.title} / {category} / {period.label}")
        for category, (expression, text) in zip(table.categories, grid.row_totals, strict=False):
            self.count_text(expression, text, f"{table.title} / {category} / four quarters")
        for period, (expression, text) in zip(quarters, grid.column_totals, strict=True):
            self.count_text(expression, text, f"{table.title} / total / {period.label}")
        self.count_text(*grid.grand_total, f"{table.title} / grand total")  # "" for a stock
        if "distinct" not in measure:  # the categories share out the indicator's count
            for period, total in zip(quarters, column_totals, strict=True):
                whole = self.measure(measure, period)
                where = f"{table.title}: categories add to the figure"
                self.reading.facts.append(Fact(added(whole, _negated(total)), 0, 0, where))

    def read_sources(self) -> None:
        """Each appendix count is the records behind the figure over the periods it says."""
        for source in self.report.sources:
            records = added(*(self.records(source.indicator, period) for period in source.periods))
            self.count_text(records, str(source.records), f"appendix {source.indicator.id}")


def _negated(expression: Expr) -> Expr:
    return tuple((var, -coef) for var, coef in expression)


def read_report(report: Any, rules: Rules, population: list[PopulationBand]) -> Reading:
    return Reader(report, rules, population).read()


def period_of(label: str) -> Period:
    return parse_period(label)
