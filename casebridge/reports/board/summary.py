"""The summary page: each headline measure (board.yaml ``summary: headline``) for its latest
period, beside the same period a year before, the change, its direction of travel, its target
and a RAG status by the rule printed on the page; then the exceptions (what moved most), by a
rule printed too.

Only the two figures are stated in the publication (the same keys as the tables', so the same
printed text), and so seen by the disclosure pass. The change, the direction, the RAG status and
the exceptions are worked out from the figures *as printed*: they tell a reader nothing the two
printed figures do not, and where either is hidden or not yet known, so are they.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from casebridge.analytics.disclosure import NOT_YET_KNOWN, SUPPRESSED, UNDEFINED, Printed
from casebridge.analytics.periods import Period, quarter_containing, twelve_months_to
from casebridge.analytics.presentation import format_value
from casebridge.analytics.registry import Indicator, registry
from casebridge.reports.board.figures import Figures
from casebridge.reports.board.model import HeadlineRow, Summary, period_heading
from casebridge.reports.board.sections import latest_known

GREEN, AMBER, RED, NOT_RATED, NO_TARGET = "Green", "Amber", "Red", "Not rated", "No target"
HIGHER, LOWER = "higher", "lower"


def a_year_before(period: Period) -> Period:
    """The same period a year earlier: the quarter four back, or the twelve months to it."""
    quarter = quarter_containing(period.end).previous_quarters(5)[0]
    return quarter if period.label.startswith("Q") else twelve_months_to(quarter)


@dataclass(frozen=True)
class Headline:
    """One headline measure as the definition gives it."""

    indicator: Indicator
    better: str  # "higher", "lower" or "neither"
    target: float | None
    tolerance: float

    @classmethod
    def of(cls, spec: dict[str, Any]) -> "Headline":
        return cls(
            registry()[spec["indicator"]],
            spec.get("better", "neither"),
            spec.get("target"),
            float(spec.get("tolerance", 0)),
        )

    def shortfall(self, value: float) -> float:
        """How far the value falls short of the target (nought or less: it meets it)."""
        assert self.target is not None
        return self.target - value if self.better == HIGHER else value - self.target

    def rag(self, printed: Printed) -> tuple[str, str]:
        """The status and, where it is not rated, why."""
        if self.target is None:
            return NO_TARGET, ""
        if printed.value is None:
            return NOT_RATED, _why_not_shown(printed.text)
        shortfall = self.shortfall(printed.value)
        if shortfall <= 0:
            return GREEN, ""
        return (AMBER if shortfall <= self.tolerance else RED), ""

    def target_text(self) -> str:
        if self.target is None:
            return "None set"
        value = format_value(self.indicator, self.target)
        tolerance = format_value(self.indicator, self.tolerance).rstrip("%")
        points = " points" if self.indicator.unit == "percent" else ""
        way = "more" if self.better == HIGHER else "less"
        return f"{value} or {way} (tolerance {tolerance}{points})"


def _why_not_shown(text: str) -> str:
    return {
        SUPPRESSED: f"the figure is hidden ({SUPPRESSED})",
        NOT_YET_KNOWN: "the figure is not yet known",
    }.get(text, "there is no figure (nothing to divide by)")


def change_text(indicator: Indicator, change: float | None, this: str, last: str) -> str:
    """The change as printed: hidden where either figure is, never worked out from it."""
    if change is None:
        for text in (SUPPRESSED, NOT_YET_KNOWN):
            if text in (this, last):
                return text
        return UNDEFINED
    if change == 0:
        return "0"
    if indicator.unit == "count":
        return f"{round(change):+,}"
    points = " pts" if indicator.unit == "percent" else ""
    return f"{change:+,.1f}{points}"


def direction(headline: Headline, change: float | None) -> str:
    """Up or down since the same period last year, and whether that is better."""
    if change is None:
        return UNDEFINED
    if change == 0:
        return "No change"
    way = "Up" if change > 0 else "Down"
    if headline.better not in (HIGHER, LOWER):
        return way
    better = (change > 0) == (headline.better == HIGHER)
    return f"{way}, {'better' if better else 'worse'}"


def rag_rule(edition_public: bool) -> str:
    rounded = " (rounded, in the public edition)" if edition_public else ""
    return (
        f"{GREEN}: the figure meets its target. {AMBER}: it misses its target by no more than "
        f"the tolerance. {RED}: it misses by more. Each is rated on the figure as printed"
        f"{rounded}; a figure hidden or not yet known is not rated, nor one without a target."
    )


def exceptions_rule(rule: dict[str, Any]) -> str:
    return (
        f"Headline measures rated {RED}, then those that moved from the same period last year "
        f"by {rule['moved_by']}% of last year's figure or more (a percentage: by "
        f"{rule['points']} points or more), each ordered by how many times that threshold it "
        f"moved, largest first; at most {rule['most']}. Worked out from the figures as printed."
    )


def _move(indicator: Indicator, change: float, last: float, rule: dict[str, Any]) -> float:
    """The move as a multiple of its threshold (at least one: an exception)."""
    if indicator.unit == "percent":
        return abs(change) / rule["points"]
    return abs(change) / last * 100 / rule["moved_by"] if last else float("inf")


def draft_summary(
    spec: dict[str, Any], figures: Figures, quarter: Period, *, public: bool
) -> Callable[[], Summary]:
    """State each headline figure and its last year's; returns what builds the summary once
    the publication is settled."""
    drafted = []
    for item in spec["headline"]:
        headline = Headline.of(item)
        indicator = headline.indicator
        columns = indicator.basis.columns(quarter, 4)
        figures.compute(indicator.id, columns)
        period = columns[latest_known(figures, indicator.id, columns)]
        figures.note_shown(indicator.id)
        earlier = a_year_before(period)
        keys = figures.cell(indicator.id, period), figures.cell(indicator.id, earlier)
        drafted.append((headline, period, earlier, keys))

    def build() -> Summary:
        shown = figures.publication.shown
        rows = [
            headline_row(headline, period, earlier, shown(this), shown(last), spec["exceptions"])
            for headline, period, earlier, (this, last) in drafted
        ]
        return Summary(
            rows=rows,
            rag_rule=rag_rule(public),
            exceptions=exceptions(rows, spec["exceptions"]),
            exceptions_rule=exceptions_rule(spec["exceptions"]),
        )

    return build


def headline_row(
    headline: Headline,
    period: Period,
    earlier: Period,
    this: Printed,
    last: Printed,
    rule: dict[str, Any],
) -> HeadlineRow:
    indicator = headline.indicator
    change = move = None
    if this.value is not None and last.value is not None:
        change = this.value - last.value
        move = _move(indicator, change, last.value, rule)
    status, why = headline.rag(this)
    return HeadlineRow(
        indicator=indicator,
        period=period,
        heading=period_heading(period, cohort=indicator.basis.lag_quarters > 0),
        this=this.text,
        last_period=earlier,
        last=last.text,
        change=change_text(indicator, change, this.text, last.text),
        direction=direction(headline, change),
        target=headline.target_text(),
        rag=status,
        rag_reason=why,
        move=move,
    )


def exceptions(rows: list[HeadlineRow], rule: dict[str, Any]) -> list[HeadlineRow]:
    """The rows the rule lists, in its order: red first, then the movers, most moved first."""
    red = [row for row in rows if row.rag == RED]
    moved = [row for row in rows if row.move is not None and row.move >= 1 and row not in red]

    def most_moved(row: HeadlineRow) -> float:
        return -(row.move or 0.0)

    return [*sorted(red, key=most_moved), *sorted(moved, key=most_moved)][: rule["most"]]
