"""The engine's figures stated in the report's publication: each figure a statement over the
true counts it is made of, so that the disclosure pass sees how every printed number relates
to every other.

A count is named by its measure (the indicator definition's numerator or denominator, so two
indicators sharing a measure share the count: MARAC referrals are the repeat rate's
denominator), its period and, in a breakdown, its category. A twelve-month count of rows dated
in the period is its four quarters added. The appendix's records of a figure are the rows its
numerator counts (for a reoffending rate, the cohort), so a records total is stated over the
same counts as the quarters printed beside it.
"""

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from casebridge.analytics.disclosure import (
    Base,
    Count,
    DisclosureError,
    Linear,
    NotYetKnown,
    Publication,
    Ratio,
)
from casebridge.analytics.disclosure.statements import Statement
from casebridge.analytics.figures import Figure
from casebridge.analytics.periods import Basis, Period, quarter_containing
from casebridge.analytics.registry import Indicator, registry
from casebridge.analytics.selectors import TREND_QUARTERS

if TYPE_CHECKING:
    from casebridge.analytics.engine import Engine

PERSON_MEASURES = ("reoffending", "around", "population", "people")


def measure_key(measure: dict[str, Any]) -> str:
    return json.dumps(measure, sort_keys=True, default=str)


def figure_key(indicator_id: str, period: Period) -> str:
    return f"{indicator_id} {period.label}"


def additive_over_periods(measure: dict[str, Any]) -> bool:
    """Rows dated in the period, counted or summed: a year's is its quarters' added."""
    return "date" in measure and not {"distinct", *PERSON_MEASURES} & set(measure)


def records_measure(measure: dict[str, Any]) -> dict[str, Any] | None:
    """What the records behind a figure count: the rows its numerator counts (for a count of
    distinct people or a sum, the rows themselves; for reoffenders, the whole cohort)."""
    if "population" in measure:
        return None
    if measure.get("reoffending", {}).get("count") == "reoffenders":
        return {**measure, "reoffending": {**measure["reoffending"], "count": "offenders"}}
    return {key: value for key, value in measure.items() if key not in ("distinct", "sum")}


class Figures:
    """The report's figures: computed by the engine once each, stated in the publication."""

    def __init__(self, engine: "Engine", publication: Publication) -> None:
        self.engine, self.publication = engine, publication
        self.computed: dict[tuple[str, str], Figure] = {}
        # Each indicator printed, in the order first printed, with its first table's columns.
        self.shown: dict[str, list[Period] | None] = {}
        self.rows_behind: dict[tuple[str, str], Linear] = {}  # each known figure's records

    def figure(self, indicator_id: str, period: Period) -> Figure:
        self.compute(indicator_id, [period])
        return self.computed[(indicator_id, period.label)]

    def compute(self, indicator_id: str, periods: Iterable[Period]) -> None:
        """The indicator's figures for these periods, those not computed yet in one go."""
        missing = [p for p in periods if (indicator_id, p.label) not in self.computed]
        if missing:
            found = self.engine.figures([registry()[indicator_id]], missing)
            for period, figure in zip(missing, found, strict=True):
                self.computed[(indicator_id, period.label)] = figure

    def row(self, indicator_id: str, columns: list[Period]) -> list[str]:
        """The keys of the indicator's figures for these columns, each stated once more."""
        self.compute(indicator_id, columns)
        return [self.cell(indicator_id, period) for period in columns]

    def cell(self, indicator_id: str, period: Period) -> str:
        """The key of the indicator's figure for the period, stated once more."""
        indicator = registry()[indicator_id]
        statement = self.statement(indicator, period, self.figure(indicator_id, period))
        return self.publication.state(figure_key(indicator_id, period), statement)

    def note_shown(self, indicator_id: str, table_columns: list[Period] | None = None) -> None:
        """The indicator is printed; in a table with these columns, if ``table_columns``."""
        if self.shown.get(indicator_id) is None:
            self.shown[indicator_id] = table_columns

    def known(self, indicator_id: str, period: Period) -> bool:
        return self.figure(indicator_id, period).matures_on is None

    # --- statements ---------------------------------------------------------------------------

    def statement(self, indicator: Indicator, period: Period, figure: Figure) -> Statement:
        if figure.matures_on is not None:
            return NotYetKnown()
        counts = indicator.unit == "count" or "sum" not in indicator.numerator
        numerator = self.counted(indicator.numerator, period, figure.numerator, counts=counts)
        rows = self.records(indicator, period, figure, numerator)
        self.rows_behind[(indicator.id, period.label)] = rows if rows is not None else Linear()
        if indicator.unit == "count":
            return Count(numerator)
        scale = 100.0 if indicator.unit == "percent" else float(indicator.per or 1)
        denominator_measure = indicator.denominator or {}
        if "population" in denominator_measure:
            return Ratio(
                numerator,
                None,
                scale,
                indicator.unit,
                constant=float(figure.denominator or 0),
                numerator_counts=counts,
            )
        denominator = self.counted(
            denominator_measure,
            period,
            figure.denominator or 0,
            counts="sum" not in denominator_measure,
        )
        return Ratio(numerator, denominator, scale, indicator.unit, numerator_counts=counts)

    def counted(
        self, measure: dict[str, Any], period: Period, value: float, *, counts: bool = True
    ) -> Linear:
        """The true count of a measure in a period: a year of dated rows as its quarters."""
        if period.label.startswith("12m") and additive_over_periods(measure):
            quarters = quarter_containing(period.end).previous_quarters(4)
            measured = self.engine.across(measure, quarters)
            parts = [
                self.counted(measure, quarter, m.value, counts=counts)
                for quarter, m in zip(quarters, measured, strict=True)
            ]
            total = Linear.total(parts)
            if total.value(self.publication.values) != value:
                raise DisclosureError(f"{measure}: {period.label} is not its quarters added.")
            return total
        return self.publication.base(Base(measure_key(measure), period.label), value, counts=counts)

    def records(
        self, indicator: Indicator, period: Period, figure: Figure, numerator: Linear
    ) -> Linear | None:
        """The records behind the figure, as a true count (a count of people is no more than
        the rows it is counted from)."""
        measure = records_measure(indicator.numerator)
        if measure is None:
            return None
        rows = self.counted(measure, period, figure.records)
        if "distinct" in indicator.numerator:
            self.publication.relate(numerator - rows, upper=0)
        return rows

    def prefetch(self, quarter: Period) -> None:
        """Every indicator for the eight periods to the quarter it is reported for, one query
        per measure and basis (the tables, charts, summary and release ask for these): far
        fewer queries than computing each indicator as it is first printed."""
        by_basis: dict[Basis, list[Indicator]] = {}
        for indicator in registry().values():
            by_basis.setdefault(indicator.basis, []).append(indicator)
        for basis, indicators in by_basis.items():
            periods = basis.columns(quarter, TREND_QUARTERS)
            found = iter(self.engine.figures(indicators, periods))
            for indicator in indicators:  # figures come indicator by indicator, period by period
                for period in periods:
                    self.computed[(indicator.id, period.label)] = next(found)

    def release(self, quarter: Period) -> dict[tuple[str, str], str]:
        """Every figure published for the quarter, the dashboard's and its CSV export's as well
        as the report's: each indicator for the eight periods to the quarter it is reported
        for (the dashboard's table and trend), by indicator and period label. Stated here, they
        are protected together with the report's, as a reader holding both would read them."""
        keys = {}
        for indicator in registry().values():
            for period in indicator.basis.columns(quarter, TREND_QUARTERS):
                keys[(indicator.id, period.label)] = self.cell(indicator.id, period)
        return keys

    def sources(self, quarters: list[Period]) -> list[tuple[Indicator, str, list[Period]]]:
        """Each indicator printed, in the order first printed, with the key of its records over
        the known columns of the first table showing it, else the report's quarters, and those
        columns (a figure not yet known has none). A stock's records are its latest column's
        only: the same rows are in every quarter's, so they are never added up."""
        found = []
        for indicator_id, columns in self.shown.items():
            self.compute(indicator_id, columns or quarters)
            for period in columns or quarters:
                self.cell(indicator_id, period)
            indicator = registry()[indicator_id]
            over = [p for p in columns or quarters if (indicator_id, p.label) in self.rows_behind]
            over = over[-1:] if indicator.stock else over
            parts = [self.rows_behind[(indicator_id, period.label)] for period in over]
            key = self.publication.state(f"records {indicator_id}", Count(Linear.total(parts)))
            found.append((indicator, key, over))
        return found
