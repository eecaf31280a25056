"""A small publication shaped like a board report, built from numbers a test chooses: one count
by quarter (printed in a table, a chart and as the totals of two breakdowns of it), two
breakdowns sharing those totals, a percentage of it each quarter, and the appendix's records.

``publish`` states it in a Publication and settles it; ``read`` gives the attacker what a
reader has: the printed texts, with the structure as this module (not the publication) states
it; ``truth`` the true value of any of the attacker's variables."""

from collections.abc import Callable
from dataclasses import dataclass

from casebridge.analytics.disclosure import Base, Count, Linear, Method, Publication, Ratio
from tests.reports.attacker.reading import (
    Expr,
    Fact,
    Grid,
    RatioFact,
    Reading,
    Rules,
    Target,
    Var,
)

QUARTERS = ("Q1", "Q2", "Q3", "Q4")


@dataclass(frozen=True)
class MiniReport:
    first: list[list[int]]  # the first breakdown: a row per category, a count per quarter
    second: list[list[int]]  # a second breakdown of the same quarters' totals
    numerators: list[int]  # a percentage's numerator each quarter, of the quarter's total

    @property
    def totals(self) -> list[int]:
        return [sum(row[q] for row in self.first) for q in range(len(QUARTERS))]


def _var(measure: str, quarter: str, by: str = "", category: str = "") -> Var:
    return (measure, quarter, by, category)


def truth(report: MiniReport, var: Var) -> int:
    measure, quarter, by, category = var
    q = QUARTERS.index(quarter)
    if measure == "numerator":
        return report.numerators[q]
    if not by:
        return report.totals[q]
    grid = report.first if by == "first" else report.second
    return grid[int(category)][q]


def _base(var: Var) -> Base:
    measure, quarter, by, category = var
    return Base(measure, quarter, by, category or None)


def publish(report: MiniReport, method: Method) -> dict[str, str]:
    """Every figure's printed text, by key, as the one pass decided."""
    publication = Publication()

    def base(var: Var) -> Linear:
        return publication.base(_base(var), truth(report, var))

    totals = [base(_var("count", q)) for q in QUARTERS]
    numerators = [base(_var("numerator", q)) for q in QUARTERS]
    for by, grid in (("first", report.first), ("second", report.second)):
        cells = [[base(_var("count", q, by, str(c))) for q in QUARTERS] for c in range(len(grid))]
        for q, total in enumerate(totals):
            publication.relate(Linear.total(row[q] for row in cells) - total, 0, 0)
            publication.state(f"count {QUARTERS[q]}", Count(total))  # the breakdown's total
        for c, row in enumerate(cells):
            for q, cell in enumerate(row):
                publication.state(f"{by} {c} {QUARTERS[q]}", Count(cell))
            publication.state(f"{by} {c} year", Count(Linear.total(row)))
        publication.state("count year", Count(Linear.total(totals)))
    for q, (total, numerator) in enumerate(zip(totals, numerators, strict=True)):
        publication.state(f"count {QUARTERS[q]}", Count(total))  # the table; the chart
        publication.state(f"count {QUARTERS[q]}", Count(total))
        publication.state(f"rate {QUARTERS[q]}", Ratio(numerator, total, 100.0, "percent"))
    publication.state("records count", Count(Linear.total(totals)))
    publication.state("records numerator", Count(Linear.total(numerators)))
    publication.settle(method)
    return {key: publication.shown(key).text for key in publication.statements}


def _expr(*vars_: Var) -> Expr:
    return tuple(sorted((var, 1) for var in vars_))


def read(report: MiniReport, printed: dict[str, str], rules: Rules) -> Reading:
    """What a reader of the printed texts knows, with the publicly stated structure."""
    reading = Reading()

    def count(expression: Expr, key: str) -> None:
        text = printed[key]
        if text == "[c]":
            reading.targets.append(Target(expression, key))
        else:
            lo, hi = rules.interval(int(text.replace(",", "")))
            reading.facts.append(Fact(expression, lo, hi, key))

    totals = [_var("count", q) for q in QUARTERS]
    for q, quarter in enumerate(QUARTERS):
        count(_expr(totals[q]), f"count {quarter}")
        numerator, text = _expr(_var("numerator", quarter)), printed[f"rate {quarter}"]
        if text == "[c]":
            reading.targets.append(Target(numerator, f"rate {quarter}", _expr(totals[q])))
        elif text == "-":
            reading.facts.append(Fact(_expr(totals[q]), 0, 0, f"rate {quarter}"))
        else:
            value = float(text.rstrip("%"))
            fact = RatioFact(
                numerator, _expr(totals[q]), 100.0, value - 0.05, value + 0.05, quarter
            )
            reading.ratios.append(fact)
    count(_expr(*totals), "count year")
    count(_expr(*totals), "records count")
    count(_expr(*(_var("numerator", q) for q in QUARTERS)), "records numerator")
    for by, grid in (("first", report.first), ("second", report.second)):
        _read_breakdown(reading, printed, by, len(grid), count)
    return reading


def _read_breakdown(
    reading: Reading,
    printed: dict[str, str],
    by: str,
    categories: int,
    count: Callable[[Expr, str], None],
) -> None:
    cells = [[_var("count", q, by, str(c)) for q in QUARTERS] for c in range(categories)]
    for c, row in enumerate(cells):
        for q, var in enumerate(row):
            count(_expr(var), f"{by} {c} {QUARTERS[q]}")
        count(_expr(*row), f"{by} {c} year")
    for q, quarter in enumerate(QUARTERS):
        parts = tuple(sorted([(row[q], 1) for row in cells] + [(_var("count", quarter), -1)]))
        reading.facts.append(Fact(parts, 0, 0, f"{by}: the categories add up"))
    reading.grids.append(
        Grid(
            by,
            [
                [(_expr(var), printed[f"{by} {c} {QUARTERS[q]}"]) for q, var in enumerate(row)]
                for c, row in enumerate(cells)
            ],
            [(_expr(*row), printed[f"{by} {c} year"]) for c, row in enumerate(cells)],
            [
                (_expr(*(row[q] for row in cells)), printed[f"count {quarter}"])
                for q, quarter in enumerate(QUARTERS)
            ],
            (_expr(*(var for row in cells for var in row)), printed["count year"]),
        )
    )
