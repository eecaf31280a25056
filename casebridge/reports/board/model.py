"""The board report as the renderer reads it: every figure already printed (a string, as the
edition prints it), and the value a chart draws."""

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from casebridge.analytics.comparators import PublishedFigure
from casebridge.analytics.disclosure import Method
from casebridge.analytics.periods import Period
from casebridge.analytics.registry import Indicator
from casebridge.plans.selectors import CommitmentStanding


@dataclass(frozen=True)
class Row:
    indicator: Indicator
    cells: list[str]  # one per column, as printed
    values: list[float | None]  # one per column, as printed; None where suppressed or undefined


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
    """Series over the quarters ending with the report's: eight where the records reach back
    that far (never fewer than the tables' four), each quarter as the tables print it."""

    title: str
    kind: str  # "line" or "bar"
    series: list[Row]
    periods: list[Period]  # oldest first, one per value of each series


class PrintedCount(str):
    """A count as the edition prints it ("1,240", "[c]"). It formats as itself whatever format
    is asked for, so a renderer that formatted the whole number it once was ("{:,}") prints
    what the disclosure pass decided, never the number."""

    def __format__(self, spec: str) -> str:
        return str(self)


@dataclass(frozen=True)
class Source:
    indicator: Indicator
    records: PrintedCount  # rows of the snapshot behind the figure over the columns shown


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
    threshold: int  # counts from 1 to threshold - 1 are suppressed (public edition)
    disclosure: Method  # how the edition's figures were protected

    @property
    def period(self) -> Period:
        return self.quarters[-1]

    @property
    def edition_note(self) -> str:
        """How the edition's figures were protected, in words, for the report to print."""
        return self.disclosure.describe()
