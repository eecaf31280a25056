"""The attacks on a public report's reading: each claims values for suppressed figures.

- ``differencing``: bounds propagated through every printed relation, one at a time and over
  and over (a total less its printed parts, a year less its printed quarters, an appendix count
  less the quarters, one table's margin against another's, a percentage times its printed
  denominator, a rate per head times the population);
- ``programme``: the same facts all at once, as an integer programme (each suppressed value's
  least and greatest value consistent with everything printed);
- ``completions``: each breakdown table's completions enumerated: every assignment of its
  hidden cells consistent with its printed cells and totals, and, where the attacker knows how
  the pattern of [c] was chosen (``pattern``), with that pattern; a hidden cell that takes one
  value in every completion is recovered;
- ``zero_or_all``: a 0.0% or 100.0% printed of a group the reader can bound under ``group``.
"""

import itertools
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

from tests.reports.attacker.reading import (
    SUPPRESSED,
    Expr,
    Fact,
    Grid,
    RatioFact,
    Reading,
    Rules,
    Var,
)

Interval = tuple[float, float]
# A breakdown grid's cells (category by quarter), complete: does the method hide exactly the
# printed [c] pattern? (cells, row totals, column totals, grand total, as booleans)
Pattern = Callable[[list[list[int]]], tuple[list[list[bool]], list[bool], list[bool], bool]]
BIG = 10**6


@dataclass(frozen=True)
class Claim:
    expr: Expr
    value: int
    attack: str
    where: str


def _range(expression: Expr, bounds: dict[Var, Interval]) -> Interval:
    lo = hi = 0.0
    for var, coef in expression:
        low, high = bounds.get(var, (0.0, math.inf))
        lo += coef * (low if coef > 0 else high)
        hi += coef * (high if coef > 0 else low)
    return lo, hi


def _tighten(bounds: dict[Var, Interval], expression: Expr, lo: float, hi: float) -> bool:
    """Narrow each variable of ``lo <= expression <= hi`` by the others' bounds."""
    changed = False
    for var, coef in expression:
        rest = tuple(term for term in expression if term[0] != var)
        rest_lo, rest_hi = _range(rest, bounds)
        low, high = bounds.get(var, (0.0, math.inf))
        if coef > 0:
            new_lo, new_hi = (lo - rest_hi) / coef, (hi - rest_lo) / coef
        else:
            new_lo, new_hi = (hi - rest_lo) / coef, (lo - rest_hi) / coef
        new_lo = max(low, math.ceil(new_lo - 1e-9)) if new_lo > -math.inf else low
        new_hi = min(high, math.floor(new_hi + 1e-9)) if new_hi < math.inf else high
        if (new_lo, new_hi) != (low, high):
            bounds[var] = (new_lo, new_hi)
            changed = True
    return changed


def _ratio_tighten(bounds: dict[Var, Interval], fact: RatioFact) -> bool:
    """A printed rate: the numerator from the denominator's bounds, and back."""
    lo, hi = max(fact.lo, 0.0) / fact.scale, fact.hi / fact.scale
    if isinstance(fact.denominator, float):
        d_lo = d_hi = fact.denominator
    else:
        d_lo, d_hi = _range(fact.denominator, bounds)
    changed = _tighten(bounds, fact.numerator, lo * d_lo, hi * d_hi)
    if not isinstance(fact.denominator, float) and lo > 0:
        n_lo, n_hi = _range(fact.numerator, bounds)
        changed |= _tighten(bounds, fact.denominator, n_lo / hi, n_hi / lo)
    return changed


def propagate(reading: Reading) -> dict[Var, Interval]:
    bounds: dict[Var, Interval] = {}
    for _ in range(200):
        changed = False
        for fact in reading.facts:
            changed |= _tighten(bounds, fact.expr, fact.lo, fact.hi)
            _consistent(bounds, fact.where)
        for ratio in reading.ratios:
            changed |= _ratio_tighten(bounds, ratio)
            _consistent(bounds, ratio.where)
        if not changed:
            break
    return bounds


def _consistent(bounds: dict[Var, Interval], where: str) -> None:
    assert all(lo <= hi for lo, hi in bounds.values()), f"the printed facts contradict at {where}"


def _pinned(expression: Expr, bounds: dict[Var, Interval]) -> int | None:
    lo, hi = _range(expression, bounds)
    return int(lo) if lo == hi else None


def _claims(
    reading: Reading,
    bounds: Callable[[Expr], Interval],
    attack: str,
    varies: Callable[[Expr], bool] = lambda expression: False,
) -> list[Claim]:
    """The targets ``bounds`` pins; ``varies``: a cheaper proof that an expression is not pinned
    (two values it takes), asked first."""
    claims = []
    for target in reading.targets:
        if varies(target.expr):
            continue
        lo, hi = bounds(target.expr)
        if lo != hi:
            continue
        denominator = target.denominator
        rate = denominator is not None and not isinstance(denominator, float)
        if rate and lo != 0 and (varies(denominator) or _unpinned(bounds(denominator))):
            continue  # the numerator alone does not give the rate back
        claims.append(Claim(target.expr, int(lo), attack, target.where))
    return claims


def _unpinned(interval: Interval) -> bool:
    lo, hi = interval
    return lo != hi


def differencing(reading: Reading) -> list[Claim]:
    bounds = propagate(reading)
    return _claims(reading, lambda e: _range(e, bounds), "differencing")


class Part:
    """One connected part of the printed facts over integer counts; a printed percentage or
    rate also says its numerator was not small (else it would have been suppressed)."""

    def __init__(self, facts: list[Fact], ratios: list[RatioFact], rules: Rules) -> None:
        variables = sorted(
            {var for fact in facts for var, _ in fact.expr}
            | {var for r in ratios for var, _ in (*r.numerator, *_terms(r.denominator))}
        )
        self.index = {var: n for n, var in enumerate(variables)}
        rows, lows, highs = [], [], []
        for fact in facts:
            rows.append(self.row(fact.expr))
            lows.append(fact.lo)
            highs.append(fact.hi)
        for ratio in ratios:
            numerator = self.row(ratio.numerator) * ratio.scale
            if isinstance(ratio.denominator, float):
                rows.append(numerator)
                lows.append(ratio.lo * ratio.denominator)
                highs.append(ratio.hi * ratio.denominator)
            else:
                denominator = self.row(ratio.denominator)
                rows += [numerator - ratio.lo * denominator, numerator - ratio.hi * denominator]
                lows += [-1e-7, -np.inf]
                highs += [np.inf, 1e-7]
        counted = [ratio for ratio in ratios if ratio.counts]
        binaries = len(counted)
        size = len(variables)
        self.size, self.binaries = size, binaries
        # numerator >= threshold * b and numerator <= BIG * b: nought, or not small
        matrix = np.zeros((len(rows) + 2 * binaries, size + binaries))
        for n, row in enumerate(rows):
            matrix[n, :size] = row
        for k, ratio in enumerate(counted):
            numerator = self.row(ratio.numerator)
            matrix[len(rows) + 2 * k, :size] = numerator
            matrix[len(rows) + 2 * k, size + k] = -rules.threshold
            matrix[len(rows) + 2 * k + 1, :size] = numerator
            matrix[len(rows) + 2 * k + 1, size + k] = -BIG
        lows += [0, -np.inf] * binaries
        highs += [np.inf, 0] * binaries
        self.constraint = LinearConstraint(matrix, lows, highs)
        upper = np.concatenate([np.full(size, BIG), np.ones(binaries)])
        self.bounds = Bounds(np.zeros(size + binaries), upper)
        self.solutions: list[np.ndarray] = []  # the counts at each optimum found

    def row(self, expression: Expr) -> np.ndarray:
        row = np.zeros(len(self.index))
        for var, coef in expression:
            row[self.index[var]] += coef
        return row

    def extreme(self, expression: Expr, sign: int) -> float:
        objective = np.concatenate([sign * self.row(expression), np.zeros(self.binaries)])
        result = milp(
            objective,
            constraints=[self.constraint],
            integrality=np.ones(self.size + self.binaries),
            bounds=self.bounds,
        )
        assert result.status == 0, f"the printed facts are inconsistent: {result.message}"
        self.solutions.append(np.round(result.x[: self.size]))
        return round(sign * result.fun)

    def values(self, expression: Expr) -> set[int]:
        """The values the expression takes at the solutions found so far: each is consistent
        with every printed fact, so two of them prove the expression is not pinned."""
        row = self.row(expression)
        return {round(row @ solution) for solution in self.solutions}


class Programme:
    """Every printed fact at once, solved part by part (a part shares no count with another,
    so an expression's least value is the sum of its parts' least values)."""

    def __init__(self, reading: Reading, rules: Rules) -> None:
        self.root: dict[Var, Var] = {}
        groups = [[v for v, _ in f.expr] for f in reading.facts] + [
            [v for v, _ in (*r.numerator, *_terms(r.denominator))] for r in reading.ratios
        ]
        for group in groups:
            for var in group[1:]:
                self._join(group[0], var)
        facts: dict[Var, list[Fact]] = {}
        ratios: dict[Var, list[RatioFact]] = {}
        for fact in reading.facts:
            if fact.expr:
                facts.setdefault(self.find(fact.expr[0][0]), []).append(fact)
        for ratio in reading.ratios:
            ratios.setdefault(self.find(ratio.numerator[0][0]), []).append(ratio)
        self.parts = {
            root: Part(facts.get(root, []), ratios.get(root, []), rules)
            for root in {*facts, *ratios}
        }

    def find(self, var: Var) -> Var:
        while self.root.get(var, var) != var:
            var = self.root[var]
        return var

    def _join(self, one: Var, other: Var) -> None:
        first, second = self.find(one), self.find(other)
        if first != second:
            self.root[second] = first

    def _by_part(self, expression: Expr) -> dict[Var, list[tuple[Var, int]]]:
        by_part: dict[Var, list[tuple[Var, int]]] = {}
        for var, coef in expression:
            by_part.setdefault(self.find(var), []).append((var, coef))
        return by_part

    def varies(self, expression: Expr) -> bool:
        """Whether the solutions already found give the expression two values, with no new
        programme solved. The parts share no count, so the expression varies when its terms in
        any one part do. Most suppressed values are not pinned, and this proves it for most
        of them: only the rest cost their two programmes."""
        return any(
            root in self.parts and len(self.parts[root].values(tuple(terms))) > 1
            for root, terms in self._by_part(expression).items()
        )

    def interval(self, expression: Expr) -> Interval:
        lo = hi = 0.0
        for root, terms in self._by_part(expression).items():
            part = self.parts.get(root)
            if part is None:  # nothing printed says anything of these counts
                lo += sum(min(0, c) * BIG for _, c in terms)
                hi += sum(max(0, c) * BIG for _, c in terms)
                continue
            lo += part.extreme(tuple(terms), 1)
            hi += part.extreme(tuple(terms), -1)
        return lo, hi


def _terms(denominator: Expr | float | None) -> Expr:
    return () if denominator is None or isinstance(denominator, float) else denominator


def programme(reading: Reading, rules: Rules) -> list[Claim]:
    solved = Programme(reading, rules)
    return _claims(reading, solved.interval, "integer programme", solved.varies)


# --- completions of the breakdown tables ------------------------------------------------------


def _lines(grid: Grid) -> Iterator[tuple[list[tuple[int, int]], Expr, str]]:
    """Each row and column with its total: the cells in it, the total's expression and text."""
    for r, (expression, text) in enumerate(grid.row_totals):
        yield [(r, c) for c in range(len(grid.cells[r]))], expression, text
    for c, (expression, text) in enumerate(grid.column_totals):
        yield [(r, c) for r in range(len(grid.cells))], expression, text


def completions(
    reading: Reading,
    rules: Rules,
    *,
    pattern: Pattern | None = None,
    limit: int = 200_000,
) -> list[Claim]:
    """Each breakdown table's hidden cells enumerated within their propagated bounds."""
    bounds = propagate(reading)
    claims = []
    for grid in reading.grids:
        claims += _grid_claims(grid, bounds, rules, pattern, limit)
    return claims


def _grid_claims(
    grid: Grid,
    bounds: dict[Var, Interval],
    rules: Rules,
    pattern: Pattern | None,
    limit: int,
) -> list[Claim]:
    hidden = [
        (r, c)
        for r, row in enumerate(grid.cells)
        for c, (_, text) in enumerate(row)
        if text == SUPPRESSED
    ]
    if not hidden:
        return []
    ranges = []
    for r, c in hidden:
        lo, hi = _range(grid.cells[r][c][0], bounds)
        ranges.append(range(int(lo), int(min(hi, lo + 60)) + 1))
    if math.prod(len(r) for r in ranges) > limit:
        return []
    seen: dict[tuple[int, int], set[int]] = {cell: set() for cell in hidden}
    totals = _printed_totals(grid, hidden, rules)
    for values in itertools.product(*ranges):
        if not all(total.agrees(values) for total in totals):
            continue
        if pattern is not None:
            filled = _complete(grid, dict(zip(hidden, values, strict=True)), rules)
            if not _pattern_agrees(grid, filled, pattern):
                continue
        for cell, value in zip(hidden, values, strict=True):
            seen[cell].add(value)
    return [
        Claim(grid.cells[r][c][0], next(iter(values)), "completions", f"{grid.title} {r},{c}")
        for (r, c), values in seen.items()
        if len(values) == 1
    ]


@dataclass(frozen=True)
class _PrintedTotal:
    """A printed total of a grid (a row's, a column's or the grand total) and the cells it adds
    up: the printed cells' least and greatest sum, worked out once for every completion, and
    the hidden cells' places in a completion's values."""

    lo: int
    hi: int
    printed_lo: int
    printed_hi: int
    hidden: tuple[int, ...]

    def agrees(self, values: tuple[int, ...]) -> bool:
        filled = sum(values[n] for n in self.hidden)
        return self.printed_lo + filled <= self.hi and self.printed_hi + filled >= self.lo


def _printed_totals(grid: Grid, hidden: list[tuple[int, int]], rules: Rules) -> list[_PrintedTotal]:
    place = {cell: n for n, cell in enumerate(hidden)}
    everything = [(r, c) for r, row in enumerate(grid.cells) for c in range(len(row))]
    lines = [(cells, text) for cells, _, text in _lines(grid)]
    totals = []
    for cells, text in [*lines, (everything, grid.grand_total[1])]:
        if text in (SUPPRESSED, ""):  # hidden, or not printed (a stock is never added up)
            continue
        printed = [
            rules.interval(_whole(grid.cells[r][c][1])) for r, c in cells if (r, c) not in place
        ]
        lo, hi = rules.interval(_whole(text))
        totals.append(
            _PrintedTotal(
                lo,
                hi,
                sum(low for low, _ in printed),
                sum(high for _, high in printed),
                tuple(place[cell] for cell in cells if cell in place),
            )
        )
    return totals


def _complete(grid: Grid, filled: dict[tuple[int, int], int], rules: Rules) -> list[list[Interval]]:
    """The grid's cells as intervals: the hidden ones as filled in, the printed ones as the
    method allows (a point when it prints counts exactly)."""
    return [
        [
            (filled[(r, c)],) * 2 if (r, c) in filled else rules.interval(_whole(text))
            for c, (_, text) in enumerate(row)
        ]
        for r, row in enumerate(grid.cells)
    ]


def _whole(text: str) -> int:
    return int(text.replace(",", ""))


def _pattern_agrees(grid: Grid, filled: list[list[Interval]], pattern: Pattern) -> bool:
    """Only where every cell is known exactly: the pattern is replayed on true values."""
    if any(lo != hi for row in filled for lo, hi in row):
        return True
    cells, row_totals, column_totals, grand = pattern(
        [[int(lo) for lo, _ in row] for row in filled]
    )
    printed_cells = [[text == SUPPRESSED for _, text in row] for row in grid.cells]
    return (
        cells == printed_cells
        and row_totals == [text == SUPPRESSED for _, text in grid.row_totals]
        and column_totals == [text == SUPPRESSED for _, text in grid.column_totals]
        and grand == (grid.grand_total[1] == SUPPRESSED)
    )


# --- a nought or everyone of a small group ----------------------------------------------------


def zero_or_all(reading: Reading, rules: Rules, *, group: int) -> list[RatioFact]:
    """Printed 0.0% or 100.0% whose denominator the reader can show is under ``group``."""
    solved = Programme(reading, rules)
    small = []
    for fact in reading.zero_or_all:
        if isinstance(fact.denominator, float):
            continue
        _, most = solved.interval(fact.denominator)
        if most < group:
            small.append(fact)
    return small
