"""The board report as the renderer reads it: every figure already printed (a string, as the
edition prints it), and the value a chart draws."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from casebridge.analytics.comparators import PublishedFigure, span
from casebridge.analytics.disclosure import Method, Printed
from casebridge.analytics.periods import Period
from casebridge.analytics.registry import Indicator
from casebridge.plans.selectors import CommitmentStanding


@dataclass(frozen=True)
class Row:
    indicator: Indicator
    cells: list[str]  # one per column, as printed
    values: list[float | None]  # one per column, as printed; None where suppressed or undefined


def period_heading(period: Period, *, cohort: bool = False) -> tuple[str, str]:
    """A column's heading in two lines, saying the period it is for: a quarter and its months,
    or twelve months (a cohort's, where its people are followed up after them) and their end."""
    if period.label.startswith("Q"):
        return period.label, f"{period.start:%b} to {period.end:%b %Y}"
    return ("Cohort: 12 months" if cohort else "12 months"), f"to {period.end:%b %Y}"


def period_words(period: Period) -> str:
    """A period as a sentence names it: "Q4 22/23", "the 12 months to Jun 2021"."""
    return period.label if period.label.startswith("Q") else f"the 12 months to {period.end:%b %Y}"


@dataclass(frozen=True)
class ReportTable:
    title: str
    columns: list[Period]  # the report's four quarters, or twelve-month periods
    rows: list[Row]
    note: str = ""  # what the columns are, where they are not the four quarters
    cohort: bool = False  # each column a cohort, followed up after its twelve months

    @property
    def headings(self) -> list[tuple[str, str]]:
        return [period_heading(period, cohort=self.cohort) for period in self.columns]


@dataclass(frozen=True)
class BreakdownTable:
    """One indicator by category: a row per category, a column per quarter, with each row's
    total over the four quarters and each quarter's total over the categories."""

    title: str
    indicator: Indicator
    heading: str  # what the rows are, e.g. "Referring agency"
    categories: list[str]  # one per row, as printed
    cells: list[list[str]]  # per category, one per quarter, as printed
    row_totals: list[str]  # per category: the four quarters (none for a stock)
    column_totals: list[str]  # per quarter: every category
    grand_total: str  # "" for a stock
    total_label: str  # the row of quarterly totals, e.g. "All agencies"
    suppressed: int  # cells and totals shown as [c]

    @property
    def rows(self) -> list[tuple[str, list[str], str]]:
        """Each category with its cells and its total ("" for a stock, never added up)."""
        totals = self.row_totals or [""] * len(self.categories)
        return list(zip(self.categories, self.cells, totals, strict=True))

    @property
    def totals_over_quarters(self) -> bool:
        return not self.indicator.stock


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
    periods: list[Period]  # those columns (a stock's: its latest only, never added up)

    @property
    def over(self) -> str:
        """The periods the records are for, as the appendix heads them."""
        if not self.periods:
            return "None yet (not yet known)"
        first, last = self.periods[0].label, self.periods[-1].label
        at = " (at its end: not added over quarters)" if self.indicator.stock else ""
        return f"{last}{at}" if first == last else f"{first} to {last}"


@dataclass(frozen=True)
class Comparison:
    """Our figure for a period beside other areas' published figures for theirs."""

    title: str
    indicator: Indicator
    period: Period
    ours: str  # as printed (suppressed or "not yet known" like any other cell)
    others: list[tuple[PublishedFigure, str]]  # each with its value as printed, lowest first
    note: str = ""  # which periods are compared, where not all are ours (comparable())

    @property
    def period_words(self) -> str:
        return span(self.period)


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
class HeadlineRow:
    """A headline measure on the summary page: its figure for its latest period beside the same
    period a year before, each as the tables print it, and what is worked out from the two."""

    indicator: Indicator
    period: Period
    heading: tuple[str, str]  # the period, as a column heading says it
    this: str
    last_period: Period
    last: str
    change: str  # this less last, as printed ("[c]" where either is hidden)
    direction: str  # "Up, better", "Down", "No change", "-"
    target: str  # the target as printed, or "None set"
    rag: str  # "Green", "Amber", "Red" or "Not rated"
    rag_reason: str  # why not rated ("" where rated)
    move: float | None  # the move as a multiple of the exceptions' threshold

    @property
    def exception(self) -> str:
        """The row as one sentence of the exceptions list."""
        rated = f", rated {self.rag}" if self.rag == "Red" else ""
        return (
            f"{self.indicator.title}: {self.this} in {period_words(self.period)}, against "
            f"{self.last} in {period_words(self.last_period)} (change {self.change}{rated})."
        )

    @property
    def last_heading(self) -> str:
        return period_words(self.last_period).removeprefix("the ")


@dataclass(frozen=True)
class Summary:
    rows: list[HeadlineRow]
    rag_rule: str  # printed on the page
    exceptions: list[HeadlineRow]  # by the rule printed below them
    exceptions_rule: str


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
    summary: Summary | None = None  # the headline measures, where the definition names any
    # Every figure published for the quarter (the dashboard's and its export's too), as
    # printed, by indicator id and period label: one figure, one value, wherever it is shown.
    released: dict[tuple[str, str], Printed] = field(default_factory=dict)

    @property
    def period(self) -> Period:
        return self.quarters[-1]

    @property
    def quarter_headings(self) -> list[tuple[str, str]]:
        return [period_heading(quarter) for quarter in self.quarters]

    @property
    def edition_note(self) -> str:
        """How the edition's figures were protected, in words, for the report to print."""
        return self.disclosure.describe()
