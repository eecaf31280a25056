"""The audit: what a reader can work out of each suppressed value from everything printed.

Each value to protect (``Item``) is a linear expression of true counts. Its least and greatest
value consistent with every constraint a reader has (what each printed figure says, the
relations between figures, every count a whole number and none negative; a count known to be
nought or not small as one binary choice) come from two integer programmes, solved by HiGHS
(scipy.optimize.milp) over the connected part of the publication the item is in. Where the
range is too narrow, the pass hides one more printed figure near it and audits again
(``control.py``).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from casebridge.analytics.disclosure.facts import Constraint, Terms
from casebridge.analytics.disclosure.statements import Base, Linear


@dataclass(frozen=True)
class Item:
    """A value that must be able to take at least ``values`` whole values, however a reader
    combines what is printed. ``strict``: even for a reader who also knows which suppressed
    counts are small (a small count's protection); otherwise for any reader of the printed
    figures (a figure hidden to protect another is not itself given away)."""

    expression: Linear
    values: int
    why: str
    strict: bool = True


@dataclass(frozen=True)
class Owned:
    """A constraint, and the fact it comes from (None: a relation, which nothing can hide)."""

    constraint: Constraint
    owner: int | None


class Components:
    """The bases that constraints connect, found once (union by size): hiding a figure can only
    cut a connection, so a component stays a safe, if larger, part to solve."""

    def __init__(self, groups: Iterable[Iterable[Base]]) -> None:
        self.parent: dict[Base, Base] = {}
        for group in groups:
            members = list(group)
            for base in members:
                self.parent.setdefault(base, base)
            for base in members[1:]:
                self._join(members[0], base)

    def find(self, base: Base) -> Base:
        self.parent.setdefault(base, base)
        root = base
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[base] != root:
            self.parent[base], base = root, self.parent[base]
        return root

    def _join(self, one: Base, other: Base) -> None:
        first, second = self.find(one), self.find(other)
        if first != second:
            self.parent[max(first, second, key=lambda b: b.order())] = min(
                first, second, key=lambda b: b.order()
            )


class Model:
    """One component's constraints as an integer programme over its bases."""

    def __init__(self, owned: Sequence[Owned], ceiling: float) -> None:
        self.owned = list(owned)
        bases = {base for item in owned for base, _ in item.constraint.terms}
        self.index = {base: n for n, base in enumerate(sorted(bases, key=Base.order))}
        binaries = [n for n, item in enumerate(owned) if item.constraint.nought_or_not_small]
        self.size, self.binaries = len(self.index), len(binaries)
        width = self.size + self.binaries
        rows = len(owned) + 2 * self.binaries
        self.matrix = np.zeros((rows, width))
        self.lower, self.upper = np.full(rows, -np.inf), np.full(rows, np.inf)
        self.row_owner: list[int | None] = []
        for n, item in enumerate(owned):
            self.matrix[n, : self.size] = self.row(item.constraint.terms)
            if not item.constraint.nought_or_not_small:
                self.lower[n], self.upper[n] = item.constraint.lower, item.constraint.upper
            self.row_owner.append(item.owner)
        big = ceiling * max(1, self.size)
        for k, n in enumerate(binaries):  # terms >= lower * z and terms <= big * z
            at, switch = len(owned) + 2 * k, self.size + k
            self.matrix[at, : self.size] = self.matrix[n, : self.size]
            self.matrix[at, switch], self.lower[at] = -owned[n].constraint.lower, 0
            self.matrix[at + 1, : self.size] = self.matrix[n, : self.size]
            self.matrix[at + 1, switch], self.upper[at + 1] = -big, 0
            self.row_owner += [owned[n].owner, owned[n].owner]
        self.lowest = np.zeros(width)
        self.highest = np.concatenate([np.full(self.size, ceiling), np.ones(self.binaries)])

    def row(self, terms: Terms) -> np.ndarray:
        row = np.zeros(self.size)
        for base, coefficient in terms:
            row[self.index[base]] += coefficient
        return row

    def objective(self, expression: Linear, sign: int) -> np.ndarray:
        row = self.row(tuple((b, float(c)) for b, c in expression.terms))
        return np.concatenate([sign * row, np.zeros(self.binaries)])

    def extreme(self, expression: Linear, sign: int) -> int:
        """The least (sign 1) or greatest (sign -1) whole value of the expression."""
        # Imported here: scipy.optimize costs a second of CPU to import and only a public
        # edition's audit solves anything.
        from scipy.optimize import Bounds, LinearConstraint, milp

        result = milp(
            self.objective(expression, sign),
            constraints=[LinearConstraint(self.matrix, self.lower, self.upper)],
            integrality=np.ones(self.size + self.binaries),
            bounds=Bounds(self.lowest, self.highest),
        )
        if result.status != 0:
            raise ArithmeticError(f"the disclosure audit could not solve: {result.message}")
        return round(sign * result.fun)

    def range(self, expression: Linear) -> tuple[int, int]:
        return self.extreme(expression, 1), self.extreme(expression, -1)


def grouped(owned: Sequence[Owned], components: Components) -> dict[Base, list[Owned]]:
    """The constraints of each component, keyed by its root."""
    found: dict[Base, list[Owned]] = {}
    for item in owned:
        if item.constraint.terms:
            found.setdefault(components.find(item.constraint.terms[0][0]), []).append(item)
    return found
