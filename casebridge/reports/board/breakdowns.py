"""Breakdown tables: one count by category and quarter, with each row's total over the quarters,
each quarter's total over the categories, and the grand total, every one stated in the
publication with the categories' relation to the indicator's own figure."""

from collections.abc import Callable
from typing import Any

from casebridge.analytics.disclosure import Base, Count, Linear
from casebridge.analytics.periods import Period
from casebridge.analytics.presentation import (
    breakdown_headings,
    category_label,
    ordered_categories,
)
from casebridge.analytics.registry import Indicator, registry
from casebridge.core.errors import ApplicationError
from casebridge.reports.board.figures import PERSON_MEASURES, Figures, measure_key
from casebridge.reports.board.model import BreakdownTable


def breakdown(
    figures: Figures, spec: dict[str, Any], quarters: list[Period]
) -> Callable[[], BreakdownTable]:
    """State the table's figures; returns what builds it once the publication is settled."""
    indicator, by = registry()[spec["indicator"]], spec["by"]
    if indicator.unit != "count":
        raise ApplicationError(f"{indicator.id}: only a count is tabulated with totals.")
    figures.note_shown(indicator.id)
    counts = [
        {f.category: f.numerator for f in figures.engine.breakdown(indicator, q, by)}
        for q in quarters
    ]
    categories = ordered_categories(by, {category for quarter in counts for category in quarter})
    cells = [
        [
            figures.publication.base(
                Base(measure_key(indicator.numerator), q.label, by, category),
                counts[n].get(category, 0),
            )
            for n, q in enumerate(quarters)
        ]
        for category in categories
    ]
    columns = [Linear.total(row[n] for row in cells) for n in range(len(quarters))]
    wholes = [
        figures.counted(indicator.numerator, q, figures.figure(indicator.id, q).numerator)
        for q in quarters
    ]
    column_keys = [
        _column_total(figures, indicator, q, by, categories, whole)
        for q, categories, whole in zip(quarters, columns, wholes, strict=True)
    ]
    state = figures.publication.state
    name = f"{indicator.id} by {by}"
    cell_keys = [
        [
            state(f"{name} {label} {q.label}", Count(cell))
            for q, cell in zip(quarters, row, strict=True)
        ]
        for label, row in zip(_labels(by, categories), cells, strict=True)
    ]
    # A stock (the cohort at each quarter's end) is never added over quarters: no totals.
    row_keys = [
        state(f"{name} {label} four quarters", Count(Linear.total(row)))
        for label, row in zip(_labels(by, categories), cells, strict=True)
        if not indicator.stock
    ]
    grand_keys = []
    if not indicator.stock and shared_out(indicator.numerator):  # the quarters' figures added
        grand_keys = [state(f"{indicator.id} four quarters", Count(Linear.total(wholes)))]
    elif not indicator.stock:
        grand_keys = [state(f"{name} four quarters", Count(Linear.total(columns)))]

    def build() -> BreakdownTable:
        def shown(key: str) -> str:
            return figures.publication.shown(key).text

        printed = [
            *(shown(k) for row in cell_keys for k in row),
            *map(shown, row_keys),
            *map(shown, column_keys),
            *map(shown, grand_keys),
        ]
        heading, total_label = breakdown_headings(by)
        return BreakdownTable(
            title=spec["title"],
            indicator=indicator,
            heading=heading,
            categories=_labels(by, categories),
            cells=[[shown(k) for k in row] for row in cell_keys],
            row_totals=[shown(k) for k in row_keys],
            column_totals=[shown(k) for k in column_keys],
            grand_total="".join(map(shown, grand_keys)),
            total_label=total_label,
            suppressed=sum(text == "[c]" for text in printed),
        )

    return build


def _labels(by: str, categories: list[str | None]) -> list[str]:
    return [category_label(by, category) for category in categories]


def shared_out(measure: dict[str, Any]) -> bool:
    """Each row counted (or summed) falls in one category: the categories add up to the whole.
    Not so for distinct people, who may be in two."""
    return not {"distinct", *PERSON_MEASURES} & set(measure)


def _column_total(
    figures: Figures,
    indicator: Indicator,
    quarter: Period,
    by: str,
    categories: Linear,
    whole: Linear,
) -> str:
    """A quarter's total over the categories: where they share out the indicator's figure, that
    figure, printed in the report's tables too (one figure, however often printed); else
    (distinct people) the categories' sum, each category no more than the whole and the whole
    no more than their sum."""
    publication = figures.publication
    if shared_out(indicator.numerator):
        publication.relate(categories - whole, 0, 0)
        return figures.cell(indicator.id, quarter)
    for base in categories.bases():
        publication.relate(Linear.base(base) - whole, upper=0)
    publication.relate(whole - categories, upper=0)
    return publication.state(f"{indicator.id} by {by} all {quarter.label}", Count(categories))
