"""A publication: every number it prints registered as a statement before anything is
printed, then one disclosure pass over them all (``settle``), then each printed as decided.

The report builders register what they print (``state``), with the true counts each is made of
(``base``) and the relations a reader knows between those counts (``relate``); a number printed
without being stated first cannot be, since ``shown`` only answers for stated ones, and only
once the pass has run.
"""

from collections import Counter
from dataclasses import dataclass

from casebridge.analytics.disclosure.control import Pass, Settlement
from casebridge.analytics.disclosure.facts import Printed
from casebridge.analytics.disclosure.method import Method
from casebridge.analytics.disclosure.statements import (
    Base,
    Bound,
    Linear,
    Relation,
    Statement,
)
from casebridge.core.errors import ApplicationError

INF = float("inf")


class DisclosureError(ApplicationError):
    """A publication stated inconsistently: a figure it cannot vouch for is never printed."""


@dataclass(frozen=True)
class Shown:
    """Every key's printed figure, once settled."""

    printed: dict[str, Printed]
    settlement: Settlement


class Publication:
    def __init__(self) -> None:
        self.values: dict[Base, int] = {}
        self.magnitudes: set[Base] = set()  # bases adding up a magnitude (days), not counting
        self.relations: dict[Relation, None] = {}  # in order, each once
        self.statements: dict[str, Statement] = {}
        self.places: Counter[str] = Counter()
        self.settled: Shown | None = None

    def base(self, base: Base, value: int | float, *, counts: bool = True) -> Linear:
        """A true count the engine computed; the same base always has the same value."""
        whole = int(value)
        if whole != value or whole < 0:
            raise DisclosureError(f"{base}: a count is a whole number, not {value}.")
        if self.values.setdefault(base, whole) != whole:
            raise DisclosureError(
                f"{base} was computed twice with different values ({self.values[base]}, {whole})."
            )
        if not counts:
            self.magnitudes.add(base)
        return Linear.base(base)

    def relate(self, expression: Linear, lower: Bound = -INF, upper: Bound = INF) -> None:
        """A relation between counts that holds by their definitions (checked here)."""
        value = self._value(expression)
        if not lower <= value <= upper:
            raise DisclosureError(f"{expression} is {value}, not between {lower} and {upper}.")
        self.relations[Relation(expression, lower, upper)] = None

    def state(self, key: str, statement: Statement) -> str:
        """Register one place that prints ``statement`` under ``key`` (the same key for the
        same figure wherever it is printed: a table cell, its chart point, a sentence)."""
        if self.settled is not None:
            raise DisclosureError(f"{key} was stated after the disclosure pass.")
        for expression in statement.expressions():
            self._value(expression)
        if self.statements.setdefault(key, statement) != statement:
            raise DisclosureError(f"{key} was stated twice, differently.")
        self.places[key] += 1
        return key

    def settle(self, method: Method) -> Settlement:
        """The one disclosure pass: decides how every stated figure prints."""
        if self.settled is not None:
            raise DisclosureError("The publication was settled already.")
        settlement = Pass(
            self.statements,
            self.places,
            self.values,
            self.magnitudes,
            list(self.relations),
            method,
        ).run()
        printed = {key: fact.printed for fact in settlement.facts for key in fact.keys}
        self.settled = Shown(printed, settlement)
        return settlement

    def shown(self, key: str) -> Printed:
        if self.settled is None:
            raise DisclosureError(f"{key} was asked for before the disclosure pass.")
        return self.settled.printed[key]

    def _value(self, expression: Linear) -> int:
        missing = [base for base in expression.bases() if base not in self.values]
        if missing:
            raise DisclosureError(f"{missing[0]} is stated before its value is known.")
        return expression.value(self.values)
