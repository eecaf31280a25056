"""What a publication states: each printed number as a statement about true counts.

A **base** is one true count the engine computed: what a measure counts in a period (in one
category of a breakdown). A statement is a linear expression of bases (a quarter's count, a
year made of its quarters, a total over categories and quarters, a change from last year) or a
ratio of two (a percentage, a rate per head of population, a mean). Stating every printed
number this way lets the one disclosure pass see every relation between them: two statements
over the same bases are the same figure however they are labelled.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

Bound = float  # a relation's bound; -inf or inf where it has none


@dataclass(frozen=True)
class Base:
    """One true count: ``measure`` (its definition, as canonical JSON) in ``period``; in a
    breakdown by ``by``, the count of one ``category`` (None: not recorded)."""

    measure: str
    period: str
    by: str = ""
    category: str | None = None

    def order(self) -> tuple[str, str, str, bool, str]:
        return (self.measure, self.period, self.by, self.category is None, self.category or "")


@dataclass(frozen=True)
class Linear:
    """A sum of bases with whole coefficients, kept in one canonical order so that equal
    expressions compare equal."""

    terms: tuple[tuple[Base, int], ...] = ()

    @classmethod
    def of(cls, terms: Mapping[Base, int] | Iterable[tuple[Base, int]]) -> "Linear":
        merged: dict[Base, int] = {}
        for base, coefficient in terms.items() if isinstance(terms, Mapping) else terms:
            merged[base] = merged.get(base, 0) + coefficient
        kept = sorted(((b, c) for b, c in merged.items() if c), key=lambda t: t[0].order())
        return cls(tuple(kept))

    @classmethod
    def base(cls, base: Base) -> "Linear":
        return cls(((base, 1),))

    @classmethod
    def total(cls, parts: Iterable["Linear"]) -> "Linear":
        return cls.of(term for part in parts for term in part.terms)

    def __add__(self, other: "Linear") -> "Linear":
        return Linear.of((*self.terms, *other.terms))

    def __sub__(self, other: "Linear") -> "Linear":
        return Linear.of((*self.terms, *((b, -c) for b, c in other.terms)))

    def bases(self) -> tuple[Base, ...]:
        return tuple(base for base, _ in self.terms)

    def value(self, values: Mapping[Base, int]) -> int:
        return sum(coefficient * values[base] for base, coefficient in self.terms)


@dataclass(frozen=True)
class Count:
    """A count printed as a whole number. ``small_is_sensitive``: it counts people, cases or
    records, so a small one is suppressed; False for a figure derived from counts that is not
    itself one (a change from last year), which is hidden only where it would give one away."""

    total: Linear
    small_is_sensitive: bool = True

    def expressions(self) -> tuple[Linear, ...]:
        return (self.total,)


@dataclass(frozen=True)
class Ratio:
    """``scale * numerator / denominator``, printed to one decimal place: a percentage (scale
    100), a rate per head (the denominator a published population, ``constant``), a mean or a
    frequency. ``numerator_counts``: the numerator counts people or records (a small one is
    suppressed), rather than adding up a magnitude such as days."""

    numerator: Linear
    denominator: Linear | None
    scale: float
    unit: str  # "percent", "rate" or "ratio"
    constant: float | None = None  # the denominator, when it is published (a population)
    numerator_counts: bool = True

    def expressions(self) -> tuple[Linear, ...]:
        return (self.numerator,) if self.denominator is None else (self.numerator, self.denominator)


@dataclass(frozen=True)
class NotYetKnown:
    """A figure whose follow-up has not matured in the data held: it states nothing."""

    def expressions(self) -> tuple[Linear, ...]:
        return ()


Statement = Count | Ratio | NotYetKnown


@dataclass(frozen=True)
class Relation:
    """``lower <= expression <= upper`` holds of the true counts by their definitions, and a
    reader knows it: a quarter's categories add up to its count, a year's quarters to the year,
    people counted once are no more than the records behind them."""

    expression: Linear
    lower: Bound
    upper: Bound
