"""The one disclosure pass over a whole publication.

1. Primary: a count from 1 to the threshold less one is suppressed; so is a ratio whose
   numerator or denominator is such a count, and a percentage of 0 or 100 of a group smaller
   than the method's ``group``.
2. Every other figure prints, rounded as the method rounds counts (ratios from the unrounded
   counts).
3. Consequences: a ratio built on a suppressed count is suppressed (its numerator or
   denominator printed beside it would give the count back).
4. Audit (``audit.py``): each suppressed count, each small count any figure is built on, and
   each suppressed ratio's numerator must still take enough values given everything printed;
   where one does not, one more printed figure near it is suppressed (``pinning``: chosen in an
   order fixed by how often it is printed and by its name, never by its value), and the audit
   runs again until every one holds. Hiding a figure only ever widens what a reader can tell,
   so an item that holds keeps holding.
"""

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

from casebridge.analytics.disclosure.audit import Components, Item, Model, Owned, grouped
from casebridge.analytics.disclosure.facts import (
    Constraint,
    Fact,
    Printed,
    Status,
    constraints,
    count_kind,
    printed_exactly,
    truth,
)
from casebridge.analytics.disclosure.method import SUPPRESSED, Method
from casebridge.analytics.disclosure.statements import (
    Base,
    Count,
    Linear,
    NotYetKnown,
    Ratio,
    Relation,
    Statement,
)

logger = logging.getLogger(__name__)
HIDDEN = Printed(SUPPRESSED, None)
Want = Callable[[Item], None]
UNCONSTRAINED = 1 << 30  # the width of a count nothing printed constrains
LOOKAHEAD = 8  # figures tried, in order, for one that protects a failing item once hidden


@dataclass
class Settlement:
    """What the pass decided, and what it did to get there."""

    facts: list[Fact]
    rounds: int = 0
    audited: int = 0  # items audited, over all rounds

    def count(self, status: Status) -> int:
        return sum(fact.status is status for fact in self.facts)


class Pass:
    def __init__(
        self,
        statements: Mapping[str, Statement],
        places: Mapping[str, int],
        values: Mapping[Base, int],
        magnitudes: set[Base],
        relations: list[Relation],
        method: Method,
    ) -> None:
        self.values, self.magnitudes, self.relations = values, magnitudes, relations
        self.method = method
        by_statement: dict[Statement, Fact] = {}
        for key, statement in statements.items():
            fact = by_statement.setdefault(statement, Fact(statement))
            fact.keys.append(key)
            fact.places += places[key]
        self.facts = list(by_statement.values())
        self.ceiling = float(max(1000, 10 * max(values.values(), default=0)))
        self.components = Components(
            [
                *([b for e in f.statement.expressions() for b in e.bases()] for f in self.facts),
                *(relation.expression.bases() for relation in relations),
            ]
        )
        self.newly_hidden: list[Fact] = []
        self.small_audited = False
        self.best: dict[Linear, int] = {}  # each item's width with everything near it hidden

    # --- primary ------------------------------------------------------------------------------

    def small(self, count: int) -> bool:
        return 1 <= count <= self.method.threshold - 1

    def primary(self, fact: Fact) -> bool:
        statement = fact.statement
        if isinstance(statement, NotYetKnown):
            return False
        numerator, denominator = truth(statement, self.values)
        if isinstance(statement, Count):
            return statement.small_is_sensitive and self.small(numerator)
        if statement.numerator_counts and self.small(numerator):
            return True
        whole = statement.denominator
        if whole is None or denominator is None or not count_kind(whole, self.magnitudes):
            return False
        zero_or_all = statement.unit == "percent" and numerator in (0, denominator)
        return self.small(denominator) or (zero_or_all and 0 < denominator < self.method.group)

    # --- the pass -----------------------------------------------------------------------------

    def run(self) -> Settlement:
        for fact in self.facts:
            fact.printed = printed_exactly(fact.statement, self.values, self.method)
            if not self.method.exact and self.primary(fact):
                self.hide(fact, Status.PRIMARY)
        settlement = Settlement(self.facts)
        if self.method.exact:
            return settlement
        self.consequences()
        pending = self.items()
        while pending:
            settlement.rounds += 1
            settlement.audited += len(pending)
            pending = self.round(pending)
        logger.info(
            "disclosure: %d figures, %d suppressed as small, %d more to protect them, "
            "%d rounds, %d items audited",
            len(self.facts),
            settlement.count(Status.PRIMARY),
            settlement.count(Status.SECONDARY),
            settlement.rounds,
            settlement.audited,
        )
        return settlement

    def hide(self, fact: Fact, status: Status) -> None:
        fact.status, fact.printed = status, HIDDEN
        self.newly_hidden.append(fact)

    def consequences(self) -> None:
        """A ratio whose numerator or denominator is a suppressed count is suppressed."""
        hidden = {
            fact.statement.total
            for fact in self.facts
            if isinstance(fact.statement, Count) and fact.suppressed
        }
        for fact in self.facts:
            statement = fact.statement
            on_hidden = bool(hidden & set(statement.expressions()))
            if isinstance(statement, Ratio) and not fact.suppressed and on_hidden:
                self.hide(fact, Status.SECONDARY)

    # --- the audit ----------------------------------------------------------------------------

    def items(self) -> list[Item]:
        """Everything that must stay unknown enough: every small count any figure is built
        on, and every suppressed figure (those hidden since the last call)."""
        wanted: dict[Linear, Item] = {}

        def want(item: Item) -> None:
            known = wanted.get(item.expression)
            stronger = known is None or (item.strict, item.values) > (known.strict, known.values)
            if item.expression.terms and stronger:
                wanted[item.expression] = item

        if not self.small_audited:
            for fact in self.facts:
                self.small_items(fact, want)
            self.small_audited = True
        for fact in self.newly_hidden:
            self.hidden_items(fact, want)
        self.newly_hidden = []
        return list(wanted.values())

    def small_items(self, fact: Fact, want: Want) -> None:
        for expression in fact.statement.expressions():
            for base in expression.bases():
                if base not in self.magnitudes and self.small(self.values[base]):
                    why = f"a small count in {fact.keys[0]}"
                    want(Item(Linear.base(base), self.method.protection, why))

    def hidden_items(self, fact: Fact, want: Want) -> None:
        statement, key = fact.statement, fact.keys[0]
        primary = fact.status is Status.PRIMARY
        if isinstance(statement, Count) and statement.small_is_sensitive:
            values = self.method.protection if primary else 2
            want(Item(statement.total, values, f"{key}, suppressed", strict=primary))
        elif isinstance(statement, Ratio):
            self.ratio_items(statement, key, want, primary=primary)

    def ratio_items(self, statement: Ratio, key: str, want: Want, *, primary: bool) -> None:
        numerator, denominator = truth(statement, self.values)
        if statement.numerator_counts:
            small = self.small(numerator)
            values = self.method.protection if small else 2
            why = f"the numerator of {key}, suppressed"
            want(Item(statement.numerator, values, why, strict=primary and small))
        elif statement.denominator is not None:
            want(Item(statement.denominator, 2, f"the denominator of {key}", strict=False))
        if statement.denominator is not None and numerator == denominator:
            whole = statement.denominator - statement.numerator
            want(Item(whole, 2, f"{key}, all of a small group", strict=primary))

    def owned(self, *, strict: bool) -> list[Owned]:
        """Every constraint a reader has; not ``strict``: without knowing which suppressed
        counts are small."""
        found = [Owned(Constraint.on(r.expression, r.lower, r.upper), None) for r in self.relations]
        for n, fact in enumerate(self.facts):
            if strict or not fact.suppressed:
                found += [Owned(c, n) for c in constraints(fact, self.method, self.magnitudes)]
        return found

    def round(self, pending: list[Item]) -> list[Item]:
        """Audit the pending items; for each component with one that fails, hide one more
        figure. Returns what to audit next: the failures, and the newly hidden figures'."""
        parts = {
            strict: grouped(self.owned(strict=strict), self.components) for strict in (True, False)
        }
        failing: list[Item] = []
        chosen: dict[Base, int] = {}
        built: dict[tuple[Base, bool], Model] = {}
        for item in pending:
            root = self.components.find(item.expression.bases()[0])
            owned = parts[item.strict].get(root, [])
            if (root, item.strict) not in built:
                built[(root, item.strict)] = Model(owned, self.ceiling)
            if self.wide_enough(built[(root, item.strict)], item):
                continue
            width = self.width(built[(root, item.strict)], item)
            item = self.attainable(owned, item)
            if width >= item.values:
                continue
            failing.append(item)
            if root not in chosen:
                chosen[root] = self.pinning(owned, built[(root, item.strict)], item, width)
        for n in set(chosen.values()):
            self.hide(self.facts[n], Status.SECONDARY)
        self.consequences()
        fresh = {item.expression: item for item in failing}
        for item in self.items():
            fresh.setdefault(item.expression, item)
        return list(fresh.values())

    def wide_enough(self, model: Model, item: Item) -> bool:
        """Whether the item can take enough values: often its greatest value alone, above its
        true one, says so, and its least need not be solved for."""
        if any(base not in model.index for base in item.expression.bases()):
            return True  # nothing printed constrains it
        most = model.extreme(item.expression, -1)
        if most - item.expression.value(self.values) + 1 >= item.values:
            return True
        return most - model.extreme(item.expression, 1) + 1 >= item.values

    def width(self, model: Model, item: Item) -> int:
        """How many whole values the item can take, given the model's constraints."""
        if any(base not in model.index for base in item.expression.bases()):
            return UNCONSTRAINED
        least, most = model.range(item.expression)
        return most - least + 1

    def attainable(self, owned: list[Owned], item: Item) -> Item:
        """The item, asking no more than hiding every printed figure of its part would give:
        to a reader who knows which suppressed counts are small, a table of small counts may
        say something even with every figure in it hidden; printed figures must not say more."""
        if item.expression not in self.best:
            everything = {o.owner for o in owned if o.owner is not None}
            hidden = self.hiding(owned, everything, strict=item.strict)
            self.best[item.expression] = self.width(Model(hidden, self.ceiling), item)
        return replace(item, values=min(item.values, self.best[item.expression]))

    def pinning(self, owned: list[Owned], model: Model, item: Item, width: int) -> int:
        """The printed figure to hide next, by a rule that never looks at a candidate's value:
        candidates in a fixed order (those sharing a count with the item first, then the rest
        of its part of the publication; each by ``Fact.cost``); of the leading few, the first
        that protects the item once hidden, else the one whose hiding widens it most (each is
        tried hidden, so its own value plays no part)."""
        printed = {o.owner for o in owned if o.owner is not None}
        printed = {n for n in printed if not self.facts[n].suppressed}
        mine = set(item.expression.bases())
        near = {
            n
            for n in printed
            if mine & {b for e in self.facts[n].statement.expressions() for b in e.bases()}
        }
        ordered: list[int] = []
        for group in (near, printed - near):
            ordered += sorted(group, key=lambda n: self.facts[n].cost)
        if not ordered:
            raise ArithmeticError(f"nothing left to hide to protect {item.why}")
        best, widest = ordered[0], width
        for n in ordered[:LOOKAHEAD]:
            hidden = self.hiding(owned, {n}, strict=item.strict)
            wider = self.width(Model(hidden, self.ceiling), item)
            if wider >= item.values:
                return n
            if wider > widest:
                best, widest = n, wider
        return best

    def hiding(self, owned: list[Owned], hidden: set[int], *, strict: bool) -> list[Owned]:
        """The constraints as they would be with the ``hidden`` facts suppressed."""
        kept = [o for o in owned if o.owner not in hidden or self.facts[o.owner].suppressed]
        if not strict:
            return kept
        for n in hidden:
            fact = self.facts[n]
            if not fact.suppressed:
                supposed = Fact(fact.statement, fact.keys, fact.places, Status.SECONDARY, HIDDEN)
                kept += [Owned(c, n) for c in constraints(supposed, self.method, self.magnitudes)]
        return kept
