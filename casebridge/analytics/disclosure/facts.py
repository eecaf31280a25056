"""The figures a publication prints, each once however many places print it, with what the
disclosure pass decided for it and what a reader learns from how it prints.

A reader is assumed to know the method and, beyond what the method lets anyone see, which
suppressed counts were small (``PRIMARY``: between 1 and the threshold less one) and which were
hidden to protect them (``SECONDARY``: so nought or at least the threshold). Protection that
holds against this reader holds against any reader of the same pages.
"""

import enum
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field

from casebridge.analytics.disclosure.method import SUPPRESSED, Method
from casebridge.analytics.disclosure.statements import (
    Base,
    Bound,
    Count,
    Linear,
    NotYetKnown,
    Ratio,
    Statement,
)

INF = float("inf")
UNDEFINED = "-"  # a ratio of nothing
NOT_YET_KNOWN = "Not yet known"
RATIO_SLACK = 0.05 + 1e-9  # a value printed to one decimal place is within this of the truth


class Status(enum.Enum):
    PRINTED = "printed"
    PRIMARY = "primary"  # suppressed for what it is (a small count; a ratio built on one)
    SECONDARY = "secondary"  # suppressed so that no primary one can be worked out


@dataclass(frozen=True)
class Printed:
    text: str  # as printed
    value: float | None  # as printed, for a chart; None where suppressed or undefined

    @property
    def suppressed(self) -> bool:
        return self.text == SUPPRESSED


Terms = tuple[tuple[Base, float], ...]


def terms(*parts: tuple[Linear, float]) -> Terms:
    """The sum of linear expressions each times a real factor (a ratio's bound times its
    denominator)."""
    merged: dict[Base, float] = {}
    for expression, factor in parts:
        for base, coefficient in expression.terms:
            merged[base] = merged.get(base, 0.0) + coefficient * factor
    return tuple((base, coefficient) for base, coefficient in merged.items() if coefficient)


@dataclass(frozen=True)
class Constraint:
    """``lower <= terms <= upper``; with ``nought_or_not_small``, the terms add up to nought
    or to at least ``lower`` (a count a reader knows is not small)."""

    terms: Terms
    lower: Bound
    upper: Bound
    nought_or_not_small: bool = False

    @classmethod
    def on(cls, expression: Linear, lower: Bound, upper: Bound, **kind: bool) -> "Constraint":
        return cls(terms((expression, 1.0)), lower, upper, **kind)


@dataclass
class Fact:
    """One printed figure: its statement, the keys it is printed under, and its decision."""

    statement: Statement
    keys: list[str] = field(default_factory=list)
    places: int = 0  # how many places print it: what hiding it costs the reader
    status: Status = Status.PRINTED
    printed: Printed = Printed("", None)

    @property
    def cost(self) -> tuple[int, int, str]:
        """What hiding it costs a reader, to hide the cheapest first: the places it is printed
        in, then how many counts it adds up (a cell before a total), then an order fixed by a
        hash of its name. Never its value."""
        bases = len({b for e in self.statement.expressions() for b in e.bases()})
        return self.places, bases, hashlib.sha256(min(self.keys).encode()).hexdigest()

    @property
    def suppressed(self) -> bool:
        return self.status is not Status.PRINTED


def count_kind(expression: Linear, magnitudes: set[Base]) -> bool:
    return not any(base in magnitudes for base in expression.bases())


def truth(statement: Count | Ratio, values: Mapping[Base, int]) -> tuple[int, int | None]:
    """A count's value, or a ratio's numerator and denominator (None: a published constant)."""
    if isinstance(statement, Count):
        return statement.total.value(values), None
    if statement.denominator is None:
        return statement.numerator.value(values), None
    return statement.numerator.value(values), statement.denominator.value(values)


def printed_exactly(statement: Statement, values: Mapping[Base, int], method: Method) -> Printed:
    """How a figure prints when nothing hides it: rounded as the method rounds counts."""
    if isinstance(statement, NotYetKnown):
        return Printed(NOT_YET_KNOWN, None)
    numerator, denominator = truth(statement, values)
    if isinstance(statement, Count):
        shown = method.rounded(numerator)
        return Printed(f"{shown:,}", float(shown))
    whole = statement.constant if denominator is None else denominator
    if not whole:
        return Printed(UNDEFINED, None)
    value = statement.scale * numerator / whole
    text = f"{value:.1f}%" if statement.unit == "percent" else f"{value:,.1f}"
    return Printed(text, round(value, 1))


def printed_value(printed: Printed) -> float:
    return float(printed.text.replace(",", "").rstrip("%"))


def constraints(fact: Fact, method: Method, magnitudes: set[Base]) -> list[Constraint]:
    """What a reader learns of the true counts from how the fact prints."""
    statement = fact.statement
    if isinstance(statement, NotYetKnown):
        return []
    if isinstance(statement, Count):
        return _count_constraints(statement, fact, method)
    return _ratio_constraints(statement, fact, method, magnitudes)


def _count_constraints(statement: Count, fact: Fact, method: Method) -> list[Constraint]:
    total = statement.total
    if fact.status is Status.PRIMARY:
        return [Constraint.on(total, 1, method.threshold - 1)]
    if fact.status is Status.SECONDARY:
        if not statement.small_is_sensitive:
            return []
        return [Constraint.on(total, method.threshold, INF, nought_or_not_small=True)]
    printed = int(printed_value(fact.printed))
    if not statement.small_is_sensitive:  # a change: rounded, never known to be not small
        half = method.rounding // 2
        return [Constraint.on(total, printed - half, printed + (method.rounding - 1) // 2)]
    lower, upper = method.interval(printed)
    return [Constraint.on(total, lower, upper)]


def _ratio_constraints(
    statement: Ratio, fact: Fact, method: Method, magnitudes: set[Base]
) -> list[Constraint]:
    if fact.suppressed:
        return []
    numerator, denominator = statement.numerator, statement.denominator
    if fact.printed.text == UNDEFINED:
        return [] if denominator is None else [Constraint.on(denominator, 0, 0)]
    value = printed_value(fact.printed)
    low, high = (value - RATIO_SLACK) / statement.scale, (value + RATIO_SLACK) / statement.scale
    found: list[Constraint] = []
    if statement.numerator_counts:  # printed, so its numerator was not small
        found.append(Constraint.on(numerator, method.threshold, INF, nought_or_not_small=True))
    if denominator is None:
        whole = statement.constant or 0.0
        return [*found, Constraint.on(numerator, low * whole, high * whole)]
    least = 1
    if count_kind(denominator, magnitudes):
        least = method.threshold  # printed, so its denominator was not small either
        if statement.unit == "percent" and value in (0.0, 100.0):
            least = max(least, method.group)
    return [
        *found,
        Constraint(terms((numerator, 1.0), (denominator, -low)), 0, INF),
        Constraint(terms((numerator, 1.0), (denominator, -high)), -INF, 0),
        Constraint.on(denominator, least, INF),
    ]
